import type { TableName } from '@tradewatch/models';
import { backoffDelay, type BackoffOptions } from '../backoff';
import { IlpRejectedError } from '../errors';
import { describeError } from '../rest-client';
import type { Checkpoint } from './checkpoint';
import type { DeadLetterFile } from './dead-letters';
import { readRecordHeader, readRecordRows } from './record-codec';
import type { SegmentLog } from './segment-log';
import type { SpoolEventListener } from './spool-events';

/** One ILP request: the rows of one table, accepted or refused as a whole (`IlpSender` is the real one). */
export interface TableBatchSender {
  send(table: TableName, rows: readonly object[]): Promise<void>;
}

export interface ShipperOptions {
  /** Rows per request, at most (default 10,000); a bigger single record is sent whole. */
  maxRequestRows: number;
  /** Bytes of spool read per round (default 4 MiB). */
  readBytes: number;
  /** Wait between attempts while QuestDB is unreachable (default 100 ms doubling to 10 s, with jitter). */
  backoff: Pick<BackoffOptions, 'baseMs' | 'maxMs'>;
}

interface SpooledRecord {
  table: TableName;
  rows: object[];
  bytes: number;
}

interface Request {
  table: TableName;
  records: SpooledRecord[];
  rows: number;
  done: boolean;
}

interface Round {
  end: number;
  rows: number;
  firstAppendedAtMs: number | undefined;
  requests: Request[];
}

/**
 * Moves spooled records to QuestDB in order. Each round reads a stretch of the spool, sends it one
 * table per request (the rows of each table in spool order), and only once every request of the
 * round is accepted — or dead-lettered — moves the committed position past it and persists it.
 * A crash replays at most one round; the dedup keys make the resend harmless.
 */
export class Shipper {
  committed: number;
  unshippedRows: number;
  oldestAppendedAtMs: number | undefined;
  shippedRows = 0;
  shippedRequests = 0;
  deadLetterRows = 0;
  /** Set while QuestDB keeps failing; cleared by the next accepted request. */
  failing: { since: number; error: string; nextAttemptAt: number } | undefined;
  /** Recent shipping rate, bytes of spool per second (exponentially smoothed). */
  bytesPerSecond = 0;

  private stopping = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;

  constructor(
    private readonly log: SegmentLog,
    private readonly checkpoint: Checkpoint,
    private readonly deadLetters: DeadLetterFile,
    private readonly sender: TableBatchSender,
    start: { committed: number; rows: number; oldestAppendedAtMs: number | undefined },
    private readonly options: ShipperOptions,
    private readonly emit: SpoolEventListener,
  ) {
    this.committed = start.committed;
    this.unshippedRows = start.rows;
    this.oldestAppendedAtMs = start.oldestAppendedAtMs;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** New records are durable, or a drain wants the next attempt now rather than after the backoff. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  noteAppended(rows: number, appendedAtMs: number): void {
    this.unshippedRows += rows;
    this.oldestAppendedAtMs ??= appendedAtMs;
  }

  /** Finishes the request under way (its result is kept) and stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    let round: Round | undefined;
    let attempt = 0;
    while (!this.stopping) {
      try {
        if (!round) {
          if (this.committed >= this.log.end) {
            this.oldestAppendedAtMs = undefined;
            await this.pause(1_000);
            continue;
          }
          round = await this.readRound();
        }
        const started = performance.now();
        await this.ship(round);
        await this.commit(round, (performance.now() - started) / 1000);
        round = undefined;
        attempt = 0;
      } catch (error) {
        const delay = backoffDelay(attempt++, { ...this.options.backoff });
        const message = describeError(error);
        const now = Date.now();
        this.failing = { since: this.failing?.since ?? now, error: message, nextAttemptAt: now + delay };
        this.emit({
          type: 'ship_failed',
          level: 'warn',
          message: `shipping the spool to QuestDB failed (attempt ${attempt}), retrying in ${delay} ms: ${message}`,
          error: message,
          attempt,
          retryInMs: delay,
        });
        await this.pause(delay);
      }
    }
  }

  /** Sleeps up to `ms`, or less if woken. */
  private async pause(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = undefined;
    this.woken = false;
  }

  private async readRound(): Promise<Round> {
    const chunk = await this.log.read(this.committed, this.options.readBytes);
    if (!chunk) throw new Error(`spool offset ${this.committed} is before the end ${this.log.end} but no segment holds it`);
    const { start, buf } = chunk;
    const byTable = new Map<TableName, Request[]>();
    const requests: Request[] = [];
    let rows = 0;
    let firstAppendedAtMs: number | undefined;
    let o = 0;
    while (o < buf.length) {
      const result = readRecordHeader(buf, o);
      if (result.kind !== 'record') {
        if (o > 0) break; // ship what is before it first
        // Damaged on disk after it was written and checked: nothing past it in its segment can be found.
        const end = this.log.segmentEnd(start);
        const reason = result.kind === 'corrupt' ? result.reason : 'incomplete record';
        this.emit({
          type: 'corrupt_skipped',
          level: 'error',
          message: `spool record at offset ${start} is unreadable (${reason}); skipping the ${end - start} byte(s) after it in its segment`,
          offset: start,
          bytes: end - start,
          reason,
        });
        return { end, rows: 0, firstAppendedAtMs: undefined, requests: [] };
      }
      const { header } = result;
      const record: SpooledRecord = { table: header.table as TableName, rows: readRecordRows(buf, o, header) as object[], bytes: header.size };
      firstAppendedAtMs ??= header.appendedAtMs;
      rows += header.rowCount;
      let tableRequests = byTable.get(record.table);
      if (!tableRequests) byTable.set(record.table, (tableRequests = []));
      let last = tableRequests[tableRequests.length - 1];
      if (!last || (last.rows > 0 && last.rows + record.rows.length > this.options.maxRequestRows)) {
        last = { table: record.table, records: [], rows: 0, done: false };
        tableRequests.push(last);
        requests.push(last);
      }
      last.records.push(record);
      last.rows += record.rows.length;
      o += header.size;
    }
    this.oldestAppendedAtMs = firstAppendedAtMs ?? this.oldestAppendedAtMs;
    // Requests in order of their first record: a table's rows keep their spool order.
    return { end: start + o, rows, firstAppendedAtMs, requests };
  }

  /** Sends the requests of a round not yet done; a transient failure throws, leaving the rest for the retry. */
  private async ship(round: Round): Promise<void> {
    for (let i = 0; i < round.requests.length; i++) {
      const request = round.requests[i];
      if (request.done) continue;
      const rows = request.records.length === 1 ? request.records[0].rows : request.records.flatMap((r) => r.rows);
      const started = performance.now();
      try {
        await this.sender.send(request.table, rows);
      } catch (error) {
        if (!(error instanceof IlpRejectedError)) throw error;
        if (request.records.length > 1) {
          // Several appends share this request: find the one QuestDB refuses, keep the others.
          round.requests.splice(i, 1, ...request.records.map((r) => ({ table: r.table, records: [r], rows: r.rows.length, done: false })));
          i--;
          continue;
        }
        await this.deadLetter(request.table, rows, error.questdbMessage);
        request.done = true;
        continue;
      }
      request.done = true;
      this.shippedRows += rows.length;
      this.shippedRequests++;
      if (this.failing) {
        this.emit({
          type: 'ship_resumed',
          level: 'info',
          message: `QuestDB accepts rows again after ${((Date.now() - this.failing.since) / 1000).toFixed(1)} s of failures`,
          failedForSeconds: (Date.now() - this.failing.since) / 1000,
        });
        this.failing = undefined;
      }
      const seconds = (performance.now() - started) / 1000;
      this.emit({ type: 'shipped', level: 'debug', message: `shipped ${rows.length} ${request.table} row(s) in ${seconds.toFixed(3)} s`, table: request.table, rows: rows.length, seconds });
    }
  }

  private async deadLetter(table: TableName, rows: object[], error: string): Promise<void> {
    await this.deadLetters.add({ time: new Date().toISOString(), table, error, rows });
    this.deadLetterRows += rows.length;
    this.emit({
      type: 'dead_letter',
      level: 'error',
      message: `QuestDB refused ${rows.length} ${table} row(s) for good; moved to ${this.deadLetters.path}: ${error}`,
      table,
      rows: rows.length,
      error,
      file: this.deadLetters.path,
    });
  }

  private async commit(round: Round, seconds: number): Promise<void> {
    const bytes = round.end - this.committed;
    await this.checkpoint.write(round.end);
    this.committed = round.end;
    this.unshippedRows = Math.max(0, this.unshippedRows - round.rows);
    if (seconds > 0) {
      const rate = bytes / seconds;
      this.bytesPerSecond = this.bytesPerSecond === 0 ? rate : 0.7 * this.bytesPerSecond + 0.3 * rate;
    }
    if (this.committed >= this.log.end) this.oldestAppendedAtMs = undefined;
    await this.log.deleteBefore(this.committed);
  }
}
