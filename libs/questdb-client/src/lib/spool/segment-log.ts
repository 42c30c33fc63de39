import { constants } from 'node:fs';
import { mkdir, open, readdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { SpoolUnavailableError } from './spool-errors';
import { fsyncDir } from './fs-util';
import { PREFIX_BYTES, readRecordHeader, type RecordHeader } from './record-codec';

/**
 * Segments are written with O_DSYNC where the platform has it: each write returns once its data
 * is on disk, as a write then fdatasync would. Why: one call to the thread pool per commit, not
 * two; under load each call's completion waited for the main thread to finish the request it was
 * working on before the next could start, and every acknowledgement waited for both.
 */
const DATA_SYNC: number | undefined = constants.O_DSYNC;
const WRITE_FLAGS = constants.O_RDWR | (DATA_SYNC ?? 0);

/**
 * An append-only log of records in segment files. A position is a global byte offset; a segment
 * is named after the offset of its first byte (`00000000000000123456.seg`), so the committed
 * position of the shipper is one number that survives segment deletion. Offsets between the end
 * of one segment and the start of the next (left by a truncated corrupt segment) hold nothing.
 */
export interface Segment {
  base: number;
  /** Bytes in the file that are whole, fsync'd records. */
  size: number;
  path: string;
}

export interface RecoveryReport {
  /** Segments scanned and kept. */
  segments: number;
  /** Whole records from the committed position on. */
  records: number;
  rows: number;
  /** Append time of the first unshipped record, if any. */
  oldestAppendedAtMs: number | undefined;
  /** Bytes cut off segment ends: a torn last write, or damage. */
  truncated: { path: string; atByte: number; bytes: number; reason: string }[];
  /** Segments dropped because everything in them was shipped before. */
  deletedSegments: number;
}

interface PendingAppend {
  record: Buffer;
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface SegmentLogOptions {
  /** Start a new segment once the current one holds this many bytes (default 64 MiB). */
  segmentBytes?: number;
  /** Extra wait before a group commit, to gather more appends per fsync (default 0: what arrives during an fsync joins the next). */
  commitDelayMs?: number;
}

const SEGMENT_RE = /^(\d{20})\.seg$/;
const segmentName = (base: number) => `${String(base).padStart(20, '0')}.seg`;
/** Recovery and shipping read segments in chunks of this size (bigger when one record is bigger). */
export const READ_CHUNK_BYTES = 4 * 1024 * 1024;

export class SegmentLog {
  private readonly queue: PendingAppend[] = [];
  private queuedBytes = 0;
  /** Write+fsync rounds so far: fewer than appends when group commit works. */
  commits = 0;
  private committing = false;
  private failure: Error | undefined;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;

  private constructor(
    readonly dir: string,
    private readonly segments: Segment[],
    private active: FileHandle,
    private readonly options: Required<SegmentLogOptions>,
  ) {}

  /**
   * Opens the log in `dir` (creating it), deletes segments that end at or before `committed`, and
   * checks every record from `committed` on: the first torn or corrupt record and everything
   * after it in its segment is cut off, so the log ends with whole records only.
   */
  static async open(dir: string, committed: number, options: SegmentLogOptions = {}): Promise<{ log: SegmentLog; report: RecoveryReport }> {
    await mkdir(dir, { recursive: true });
    const names = (await readdir(dir)).filter((n) => SEGMENT_RE.test(n)).sort();
    const report: RecoveryReport = { segments: 0, records: 0, rows: 0, oldestAppendedAtMs: undefined, truncated: [], deletedSegments: 0 };
    const segments: Segment[] = [];
    for (const name of names) {
      const path = join(dir, name);
      const base = Number(SEGMENT_RE.exec(name)?.[1]);
      const size = (await stat(path)).size;
      const isLast = name === names[names.length - 1];
      if (base + size <= committed && !isLast) {
        await unlink(path);
        report.deletedSegments++;
        continue;
      }
      const from = committed > base ? Math.min(committed - base, size) : 0;
      const scan = await scanSegment(path, from, size, (header) => {
        report.records++;
        report.rows += header.rowCount;
        report.oldestAppendedAtMs ??= header.appendedAtMs;
      });
      if (scan.validEnd < size) {
        const handle = await open(path, 'r+');
        try {
          await handle.truncate(scan.validEnd);
          await handle.sync();
        } finally {
          await handle.close();
        }
        report.truncated.push({ path, atByte: scan.validEnd, bytes: size - scan.validEnd, reason: scan.reason ?? 'torn record' });
      }
      segments.push({ base, size: scan.validEnd, path });
    }
    if (segments.length === 0) {
      const base = Math.max(0, committed);
      segments.push({ base, size: 0, path: join(dir, segmentName(base)) });
    }
    report.segments = segments.length;
    const last = segments[segments.length - 1];
    // Positional writes at `size`: no O_APPEND, so a failed write can be truncated away and retried in place.
    const active = await open(last.path, WRITE_FLAGS | constants.O_CREAT);
    if (report.deletedSegments > 0 || last.size === 0) await fsyncDir(dir);
    const log = new SegmentLog(dir, segments, active, {
      segmentBytes: options.segmentBytes ?? 64 * 1024 * 1024,
      commitDelayMs: options.commitDelayMs ?? 0,
    });
    return { log, report };
  }

  /** Offset just past the last durable record. */
  get end(): number {
    const last = this.segments[this.segments.length - 1];
    return last.base + last.size;
  }

  /** Offset of the first byte still on disk. */
  get start(): number {
    return this.segments[0].base;
  }

  /** Bytes handed to `append` that are not yet durable. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /**
   * Appends one encoded record; resolves once it is fsync'd. Appends that arrive while a write is
   * under way share the next write and fsync (group commit), in the order they were called.
   */
  append(record: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(new SpoolUnavailableError(`the spool stopped taking rows after a disk error: ${this.failure.message}`, { cause: this.failure }));
    if (this.closed) return Promise.reject(new SpoolUnavailableError('the spool is closed'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.queuedBytes += record.length;
      if (!this.committing) {
        this.committing = true;
        this.idle = new Promise((r) => (this.markIdle = r));
        const start = () => void this.commitLoop();
        if (this.options.commitDelayMs > 0) setTimeout(start, this.options.commitDelayMs);
        else setImmediate(start);
      }
    });
  }

  private async commitLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0);
        const bytes = batch.reduce((n, p) => n + p.record.length, 0);
        try {
          await this.writeDurably(batch.map((p) => p.record), bytes);
          this.queuedBytes -= bytes;
          for (const p of batch) p.resolve();
        } catch (error) {
          this.queuedBytes -= bytes;
          const e = new SpoolUnavailableError(`could not write the spool in ${this.dir}: ${(error as Error).message}`, { cause: error });
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.committing = false;
      this.markIdle();
    }
  }

  private async writeDurably(records: Buffer[], bytes: number): Promise<void> {
    let seg = this.segments[this.segments.length - 1];
    if (seg.size > 0 && seg.size + bytes > this.options.segmentBytes) seg = await this.rotate();
    try {
      // One writev of the group's records: no copy of them into one buffer (megabytes under load).
      let pending = records;
      for (let written = 0; written < bytes; ) {
        const { bytesWritten } = await this.active.writev(pending, seg.size + written);
        written += bytesWritten;
        pending = unwritten(pending, bytesWritten);
      }
      if (DATA_SYNC === undefined) await this.active.datasync();
    } catch (error) {
      // Leave no partial record behind; if even that fails, stop: we could no longer tell what is on disk.
      try {
        await this.active.truncate(seg.size);
      } catch {
        this.failure = error as Error;
      }
      throw error;
    }
    seg.size += bytes;
    this.commits++;
  }

  private async rotate(): Promise<Segment> {
    const base = this.end;
    const seg: Segment = { base, size: 0, path: join(this.dir, segmentName(base)) };
    const handle = await open(seg.path, WRITE_FLAGS | constants.O_CREAT | constants.O_EXCL);
    await fsyncDir(this.dir);
    await this.active.close();
    this.active = handle;
    this.segments.push(seg);
    return seg;
  }

  /**
   * Reads whole records from `from` on, at most about `maxBytes` (always at least one record if
   * there is one), never past the durable end or across a segment boundary. Returns the buffer and
   * the offset where it starts (past a gap `from` moves to the next segment). The buffer is a view
   * of `into` when that is large enough.
   */
  async read(from: number, maxBytes: number, into?: Buffer): Promise<{ start: number; buf: Buffer } | undefined> {
    const i = this.segments.findIndex((s) => from < s.base + s.size);
    if (i < 0) return undefined;
    const seg = this.segments[i];
    const start = Math.max(from, seg.base);
    // A handle of its own: the writer may rotate (and close its handle) while this read is under way.
    const handle = await open(seg.path, 'r');
    try {
      const available = seg.base + seg.size - start;
      let buf = await readAt(handle, start - seg.base, Math.min(available, maxBytes), into);
      if (buf.length >= PREFIX_BYTES) {
        // One record larger than the chunk: read exactly that record.
        const need = PREFIX_BYTES + buf.readUInt32LE(0);
        if (need > buf.length && need <= available) buf = await readAt(handle, start - seg.base, need);
      }
      return { start, buf: wholeRecords(buf) };
    } finally {
      await handle.close();
    }
  }

  /** End of the segment holding `offset` (where reading resumes after damage in it). */
  segmentEnd(offset: number): number {
    const seg = this.segments.find((s) => offset < s.base + s.size);
    return seg ? seg.base + seg.size : this.end;
  }

  /** Deletes segments that lie wholly before `offset` (never the one being written). */
  async deleteBefore(offset: number): Promise<number> {
    let deleted = 0;
    while (this.segments.length > 1 && this.segments[0].base + this.segments[0].size <= offset) {
      const seg = this.segments.shift() as Segment;
      await unlink(seg.path);
      deleted++;
    }
    if (deleted > 0) await fsyncDir(this.dir);
    return deleted;
  }

  /** Waits for appends under way, then closes the file; later appends are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.idle;
    await this.active.close();
  }
}

/** Reads into `into` when it is large enough, else into a new buffer. */
async function readAt(handle: FileHandle, position: number, length: number, into?: Buffer): Promise<Buffer> {
  const buf = into && into.length >= length ? into : Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** The prefix of `buf` made of whole records, by their length prefixes (checksums were checked at recovery or write). */
function wholeRecords(buf: Buffer): Buffer {
  let o = 0;
  while (buf.length - o >= PREFIX_BYTES) {
    const end = o + PREFIX_BYTES + buf.readUInt32LE(o);
    if (end > buf.length) break;
    o = end;
  }
  return buf.subarray(0, o);
}

/**
 * Walks the records of one segment file from byte `from`, checking each checksum. Stops at the
 * first incomplete or corrupt record: `validEnd` is where the whole records end.
 */
export async function scanSegment(
  path: string,
  from: number,
  size: number,
  visit: (header: RecordHeader, offset: number) => void,
): Promise<{ validEnd: number; reason?: string }> {
  const handle = await open(path, 'r');
  try {
    let pos = from;
    while (pos < size) {
      let buf = await readAt(handle, pos, Math.min(READ_CHUNK_BYTES, size - pos));
      if (buf.length >= PREFIX_BYTES) {
        const need = PREFIX_BYTES + buf.readUInt32LE(0);
        if (need > buf.length && need <= size - pos) buf = await readAt(handle, pos, need);
      }
      let o = 0;
      for (;;) {
        const result = readRecordHeader(buf, o);
        if (result.kind === 'record') {
          visit(result.header, pos + o);
          o += result.header.size;
          continue;
        }
        if (result.kind === 'corrupt') return { validEnd: pos + o, reason: result.reason };
        break;
      }
      // Nothing whole in this chunk: the file ends in the middle of a record.
      if (o === 0) return { validEnd: pos, reason: 'torn record at the end of the file' };
      pos += o;
    }
    return { validEnd: pos };
  } finally {
    await handle.close();
  }
}

/** What is left of `buffers` once their first `written` bytes are written (a short write). */
export function unwritten(buffers: readonly Buffer[], written: number): Buffer[] {
  let i = 0;
  while (i < buffers.length && written >= buffers[i].length) written -= buffers[i++].length;
  if (i === buffers.length) return [];
  return [buffers[i].subarray(written), ...buffers.slice(i + 1)];
}
