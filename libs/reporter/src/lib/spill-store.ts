import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReporterSpillError } from './errors';
import type { WireRow } from './wire';

/** Where a replayed row lives on disk, so its delivery can be recorded. */
export interface SpillRef {
  segment: string;
  index: number;
}

export interface SpilledRow {
  route: string;
  row: WireRow;
  ref: SpillRef;
}

const SEGMENT = /^spill-(\d{12})\.jsonl$/;

/**
 * Rows the reporter could not keep in memory, on disk: append-only JSON-lines segments
 * (`spill-<seq>.jsonl`, one `{"route","row"}` per line). A segment is replayed whole; each
 * delivered (or refused) line's index is appended to `<segment>.acked`, and both files are
 * deleted once every line is done — so a crash during replay resends at most the rows whose
 * acknowledgement was not yet recorded, and a restart replays what is left.
 */
export class SpillStore {
  private seq = 0;
  private readonly waiting: string[] = [];
  private writing: { name: string; lines: number } | undefined;
  /** Loaded segments and how many of their lines are not yet done. */
  private readonly remaining = new Map<string, number>();

  constructor(
    private readonly dir: string,
    private readonly segmentRows: number,
  ) {
    try {
      mkdirSync(dir, { recursive: true });
      const names = readdirSync(dir).filter((n) => SEGMENT.test(n)).sort();
      this.waiting.push(...names);
      this.seq = names.length > 0 ? Number(SEGMENT.exec(names[names.length - 1])?.[1]) + 1 : 0;
    } catch (error) {
      throw new ReporterSpillError(`cannot use spill directory ${dir}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Whether a segment waits to be replayed. */
  get pending(): boolean {
    return this.waiting.length > 0;
  }

  /** Appends one row (synchronously: once this returns, the row survives a crash of the process). */
  append(route: string, row: WireRow): void {
    if (!this.writing || this.writing.lines >= this.segmentRows) {
      this.writing = { name: this.nextName(), lines: 0 };
      this.waiting.push(this.writing.name);
    }
    appendFileSync(join(this.dir, this.writing.name), JSON.stringify({ route, row }) + '\n');
    this.writing.lines++;
  }

  /** Writes rows synchronously in new segments (at exit, or when close() runs out of time). */
  writeAll(rows: readonly { route: string; row: WireRow }[]): void {
    for (let i = 0; i < rows.length; i += this.segmentRows) {
      const name = this.nextName();
      const chunk = rows.slice(i, i + this.segmentRows);
      writeFileSync(join(this.dir, name), chunk.map(({ route, row }) => JSON.stringify({ route, row }) + '\n').join(''));
      this.waiting.push(name);
    }
  }

  /**
   * Loads the oldest waiting segment's undelivered rows. `unreadable` counts lines that are not
   * JSON (a write torn by a crash); they are marked done.
   */
  takeNext(): { rows: SpilledRow[]; unreadable: number } | undefined {
    const segment = this.waiting.shift();
    if (segment === undefined) return undefined;
    if (this.writing?.name === segment) this.writing = undefined;
    const path = join(this.dir, segment);
    const acked = new Set(
      existsSync(`${path}.acked`) ? readFileSync(`${path}.acked`, 'utf8').split('\n').filter(Boolean).map(Number) : [],
    );
    const rows: SpilledRow[] = [];
    let unreadable = 0;
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        if (line === '' || acked.has(index)) return;
        try {
          const { route, row } = JSON.parse(line) as { route: string; row: WireRow };
          rows.push({ route, row, ref: { segment, index } });
        } catch {
          unreadable++;
        }
      });
    this.remaining.set(segment, rows.length);
    if (rows.length === 0) this.remove(segment);
    return { rows, unreadable };
  }

  /** Records that a replayed row was delivered or refused. */
  done(ref: SpillRef): void {
    const left = (this.remaining.get(ref.segment) ?? 1) - 1;
    if (left <= 0) {
      this.remove(ref.segment);
      return;
    }
    this.remaining.set(ref.segment, left);
    appendFileSync(join(this.dir, `${ref.segment}.acked`), `${ref.index}\n`);
  }

  private remove(segment: string): void {
    this.remaining.delete(segment);
    for (const f of [segment, `${segment}.acked`]) {
      try {
        unlinkSync(join(this.dir, f));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }

  private nextName(): string {
    return `spill-${String(this.seq++).padStart(12, '0')}.jsonl`;
  }
}
