import { mkdir } from 'node:fs/promises';
import type { Row, TableName } from '@tradewatch/models';
import { questDbConnectionSchema, type QuestDbConnection } from '../connection';
import { IlpSender } from '../ilp-sender';
import { bytesEncoder, type BytesEncoder } from '../ilp-text-encoder';
import type { RowSink } from '../row-sink';
import { Checkpoint } from './checkpoint';
import { DeadLetterFile } from './dead-letters';
import { BufferPool } from './buffer-pool';
import { encodeRecord, recordHeadBytes, sealRecord } from './record-codec';
import { SegmentLog } from './segment-log';
import { Shipper, type ShipperOptions, type TableBatchSender } from './shipper';
import { SpoolFullError } from './spool-errors';
import type { SpoolEventListener } from './spool-events';
import { SpoolLock } from './spool-lock';

export interface SpoolSinkOptions {
  /** Spool directory: segments, checkpoint, dead letters, lock. Created if missing. */
  dir: string;
  /** The QuestDB to ship to. */
  connection: QuestDbConnection;
  /** Unshipped bytes at which `append` answers SpoolFullError (default 1 GiB). */
  maxBytes?: number;
  /** Size at which a new segment file starts (default maxBytes/16, between 1 and 64 MiB). */
  segmentBytes?: number;
  /** Extra wait before each group commit to gather more appends per fsync (default 0). */
  commitDelayMs?: number;
  /** Rows per ILP request, at most (default 50,000). */
  maxRequestRows?: number;
  /** Bytes per ILP request, at most (default 8 MiB). */
  maxRequestBytes?: number;
  /** Bytes of spool one shipping round reads, at most (default 8 MiB, or maxRequestBytes if larger); a bigger record is read whole. */
  readBytes?: number;
  /** Least time between two shipping rounds while less than a full request waits (default 250 ms); see `ShipperOptions.lingerMs`. */
  lingerMs?: number;
  /** A linger ends once no rows have been appended for this long (default 50 ms); see `ShipperOptions.lingerQuietMs`. */
  lingerQuietMs?: number;
  /** Wait between shipping attempts while QuestDB fails (default 100 ms doubling to 10 s, with jitter). */
  backoff?: { baseMs: number; maxMs: number };
  /** `keepUp` holds callers back once the oldest unshipped row is older than this while QuestDB takes rows (default 500 ms). */
  keepUpMs?: number;
  /** The longest `keepUp` holds one caller back (default 2,000 ms). */
  keepUpMaxWaitMs?: number;
  /** Log lines and metrics; see `SpoolEvent`. */
  onEvent?: SpoolEventListener;
  /** Replaces the ILP sender (tests of the shipping logic only). */
  sender?: TableBatchSender & { close(): Promise<void> };
}

export interface SpoolStats {
  /** Rows acknowledged by `append` that QuestDB has not accepted yet. */
  depthRows: number;
  /** Bytes of spool those rows take (what `maxBytes` limits). */
  depthBytes: number;
  maxBytes: number;
  /** Seconds since the oldest unshipped row was appended; 0 when nothing waits. */
  oldestAgeSeconds: number;
  /** Entries in the dead-letter file (one per refused row), earlier runs included. */
  deadLetters: number;
  /** Rows moved to the dead-letter file by this process. */
  deadLetterRows: number;
  /** Rows QuestDB accepted from this process. */
  shippedRows: number;
  shippedRequests: number;
  segments: number;
  /** True when the next append of average size would be refused. */
  full: boolean;
  /** Why shipping is failing right now, and since when (ISO-8601); absent while it works. */
  shippingError?: { error: string; since: string };
}

const MiB = 1024 * 1024;
/** See `ShipperOptions.lingerMs`: about 4 transactions per table per second under load, a quarter of the 1 s freshness target. */
export const DEFAULT_LINGER_MS = 250;
/** See `ShipperOptions.lingerQuietMs`: longer than the gaps between a loaded collector's appends (a few ms), short against the linger. */
export const DEFAULT_LINGER_QUIET_MS = 50;
/** See `SpoolSinkOptions.keepUpMs`: twice the linger, half the 1 s within which acknowledged rows should be in QuestDB. */
export const DEFAULT_KEEP_UP_MS = 500;
/** See `SpoolSinkOptions.keepUpMaxWaitMs`: well inside the reporters' 10 s request timeout. */
export const DEFAULT_KEEP_UP_MAX_WAIT_MS = 2_000;
/** How often held-back callers look whether shipping caught up. */
const KEEP_UP_POLL_MS = 10;

/**
 * The durable `RowSink`: `append` resolves once the rows are fsync'd in the local spool; a
 * background shipper moves them to QuestDB in order, replays after a restart, retries with
 * backoff while QuestDB is away and dead-letters what QuestDB refuses for good. At `maxBytes` of
 * unshipped data `append` refuses with `SpoolFullError` rather than dropping anything.
 */
export class SpoolSink implements RowSink {
  private closed = false;
  private appendedRecords = 0;
  private appendedBytes = 0;
  private readonly encoders = new Map<TableName, BytesEncoder>();
  /** Buffers of settled appends, for the next ones to encode into. */
  private readonly recordBuffers = new BufferPool();
  /** Callers `keepUp` holds back, and until when at most (epoch ms). */
  private held: { resolve: () => void; until: number }[] = [];
  private heldTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly log: SegmentLog,
    private readonly shipper: Shipper,
    private readonly deadLetters: DeadLetterFile,
    private readonly lock: SpoolLock,
    private readonly sender: TableBatchSender & { close(): Promise<void> },
    private readonly maxBytes: number,
    private readonly keepUpLimits: { ms: number; maxWaitMs: number },
  ) {}

  static async open(options: SpoolSinkOptions): Promise<SpoolSink> {
    const emit: SpoolEventListener = options.onEvent ?? (() => undefined);
    const maxBytes = options.maxBytes ?? 1024 * MiB;
    if (!(maxBytes > 0)) throw new RangeError(`spool maxBytes must be positive, got ${maxBytes}`);
    await mkdir(options.dir, { recursive: true });
    const lock = await SpoolLock.acquire(options.dir);
    try {
      const checkpoint = new Checkpoint(options.dir);
      const saved = await checkpoint.read();
      if (saved.kind === 'invalid') {
        emit({
          type: 'checkpoint_invalid',
          level: 'warn',
          message: `spool checkpoint ${checkpoint.path} is unreadable (${saved.reason}); replaying the whole spool (dedup keys make that harmless)`,
          reason: saved.reason,
        });
      }
      const committed = saved.kind === 'ok' ? saved.committed : 0;
      const segmentBytes = options.segmentBytes ?? Math.min(64 * MiB, Math.max(MiB, Math.floor(maxBytes / 16)));
      const { log, report } = await SegmentLog.open(options.dir, committed, { segmentBytes, commitDelayMs: options.commitDelayMs });
      // A checkpoint older than every segment (they were shipped and deleted) or missing: start at the first record kept.
      const start = Math.min(Math.max(committed, log.start), log.end);
      emit({
        type: 'recovered',
        level: report.truncated.length > 0 ? 'warn' : 'info',
        message:
          `spool ${options.dir}: ${report.rows} unshipped row(s) in ${report.records} record(s) across ${report.segments} segment(s)` +
          report.truncated.map((t) => `; cut ${t.bytes} byte(s) at byte ${t.atByte} of ${t.path} (${t.reason})`).join(''),
        report,
        committed: start,
      });
      const deadLetters = await DeadLetterFile.open(options.dir);
      const sender = options.sender ?? (await IlpSender.open(questDbConnectionSchema.parse(options.connection)));
      const shipperOptions: ShipperOptions = {
        // One request per table per round up to 200,000 rows/s at the default linger; rounds of
        // 8 MiB keep the collector's memory down (two rounds and a request body in flight).
        maxRequestRows: options.maxRequestRows ?? 50_000,
        maxRequestBytes: options.maxRequestBytes ?? 8 * MiB,
        readBytes: options.readBytes ?? Math.max(8 * MiB, options.maxRequestBytes ?? 0),
        lingerMs: options.lingerMs ?? DEFAULT_LINGER_MS,
        lingerQuietMs: options.lingerQuietMs ?? DEFAULT_LINGER_QUIET_MS,
        backoff: options.backoff ?? { baseMs: 100, maxMs: 10_000 },
      };
      const shipper = new Shipper(log, checkpoint, deadLetters, sender, { committed: start, rows: report.rows, oldestAppendedAtMs: report.oldestAppendedAtMs }, shipperOptions, emit);
      shipper.start();
      const keepUp = { ms: options.keepUpMs ?? DEFAULT_KEEP_UP_MS, maxWaitMs: options.keepUpMaxWaitMs ?? DEFAULT_KEEP_UP_MAX_WAIT_MS };
      return new SpoolSink(log, shipper, deadLetters, lock, sender, maxBytes, keepUp);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /**
   * Takes the rows, or throws at once and takes none: RowEncodingError for a value QuestDB could
   * not take, SpoolFullError at the size limit. The rows are encoded as ILP here, once, into a
   * record queued for the spool file; a row's entry in `prefixes` (see `RowSink`), where present,
   * is copied in place of its table name and symbols. Resolves once the record is on disk
   * (fsync'd). Synchronous up to that wait, which holds nothing of `rows`.
   */
  append<T extends TableName>(table: T, rows: readonly Row<T>[], prefixes?: readonly (Uint8Array | undefined)[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    let encode = this.encoders.get(table);
    if (!encode) this.encoders.set(table, (encode = bytesEncoder(table)));
    const appendedAtMs = Date.now();
    // The rows are encoded straight into the record, after the room for its header, in a buffer of an earlier append when one is kept.
    const record = sealRecord(encode(rows, recordHeadBytes(table), prefixes, this.recordBuffers.take()), table, rows.length, appendedAtMs);
    // Written and fsync'd, or refused: either way nothing holds the record any more.
    const release = () => this.recordBuffers.give(record);
    try {
      return this.appendRecord(record, rows.length, appendedAtMs).finally(release);
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * Appends `rowCount` rows of `table` already encoded as ILP text lines (one per row, each ending
   * in a newline), e.g. validated lines of the collector's line-protocol endpoint. Same promise as
   * `append`, refusals included; a line QuestDB refuses is dead-lettered on its own when shipped.
   */
  appendIlp(table: TableName, rowCount: number, ilp: string | Buffer): Promise<void> {
    if (rowCount === 0) return Promise.resolve();
    const appendedAtMs = Date.now();
    return this.appendRecord(encodeRecord(table, rowCount, ilp, appendedAtMs), rowCount, appendedAtMs);
  }

  /** Queues the record, or throws SpoolFullError at once; resolves once it is fsync'd. */
  private appendRecord(record: Buffer, rowCount: number, appendedAtMs: number): Promise<void> {
    const depth = this.depthBytes + this.log.pendingBytes;
    if (depth + record.length > this.maxBytes) {
      throw new SpoolFullError(depth, this.maxBytes, this.retryAfterSeconds(depth + record.length - this.maxBytes));
    }
    return this.log.append(record).then(() => {
      this.appendedRecords++;
      this.appendedBytes += record.length;
      this.shipper.noteAppended(rowCount, appendedAtMs);
      this.shipper.wake();
    });
  }

  /**
   * A wait for shipping to catch up, or undefined when it keeps up. Shipping falls behind when
   * rows are acknowledged faster than QuestDB takes them (the collector's one thread shares its
   * time between both): the spool would then grow for as long as the load lasts, and acknowledged
   * rows reach QuestDB ever later. So while the oldest unshipped row is older than `keepUpMs` and
   * QuestDB takes rows, a caller about to append waits until it is not (at most `keepUpMaxWaitMs`):
   * clients are slowed to the rate rows are shipped. While QuestDB fails nobody waits: holding rows
   * through an outage is what the spool is for.
   */
  keepUp(): Promise<void> | undefined {
    if (!this.behind()) return undefined;
    return new Promise<void>((resolve) => {
      this.held.push({ resolve, until: Date.now() + this.keepUpLimits.maxWaitMs });
      this.heldTimer ??= setInterval(() => this.releaseHeld(), KEEP_UP_POLL_MS).unref();
    });
  }

  private behind(): boolean {
    const { oldestAppendedAtMs, failing } = this.shipper;
    if (this.closed || failing !== undefined || oldestAppendedAtMs === undefined || this.depthBytes === 0) return false;
    return Date.now() - oldestAppendedAtMs > this.keepUpLimits.ms;
  }

  /** Lets held callers go: all once shipping caught up (or the spool closes), else those that waited their longest. */
  private releaseHeld(): void {
    const now = Date.now();
    const all = !this.behind();
    const still: typeof this.held = [];
    for (const h of this.held) {
      if (all || now >= h.until) h.resolve();
      else still.push(h);
    }
    this.held = still;
    if (still.length === 0) {
      clearInterval(this.heldTimer);
      this.heldTimer = undefined;
    }
  }

  /** Ships everything appended so far; resolves true once QuestDB has all of it, false at the timeout. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    // Skip the backoff wait and the linger: a drain is the moment to ship.
    this.shipper.hurry();
    while (Date.now() < deadline) {
      if (this.log.pendingBytes === 0 && this.shipper.committed >= this.log.end) return true;
      await new Promise((r) => setTimeout(r, Math.min(25, Math.max(1, deadline - Date.now()))));
    }
    return this.log.pendingBytes === 0 && this.shipper.committed >= this.log.end;
  }

  /** Stops shipping (what is unshipped stays for the next start) and releases the spool. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.releaseHeld();
    await this.log.close();
    await this.shipper.stop();
    await this.sender.close();
    await this.lock.release();
  }

  private get depthBytes(): number {
    return this.log.end - this.shipper.committed;
  }

  stats(): SpoolStats {
    const { shipper } = this;
    const averageRecord = this.appendedRecords > 0 ? this.appendedBytes / this.appendedRecords : 0;
    const depthBytes = this.depthBytes;
    return {
      depthRows: shipper.unshippedRows,
      depthBytes,
      maxBytes: this.maxBytes,
      oldestAgeSeconds: shipper.oldestAppendedAtMs === undefined || depthBytes === 0 ? 0 : Math.max(0, (Date.now() - shipper.oldestAppendedAtMs) / 1000),
      deadLetters: this.deadLetters.count,
      deadLetterRows: shipper.deadLetterRows,
      shippedRows: shipper.shippedRows,
      shippedRequests: shipper.shippedRequests,
      segments: this.log.segmentCount,
      full: depthBytes + this.log.pendingBytes + averageRecord > this.maxBytes,
      ...(shipper.failing && { shippingError: { error: shipper.failing.error, since: new Date(shipper.failing.since).toISOString() } }),
    };
  }

  /** A fair guess at when `excessBytes` will have been shipped: from the recent rate, or the next retry while QuestDB fails. */
  private retryAfterSeconds(excessBytes: number): number {
    const clamp = (s: number) => Math.min(60, Math.max(1, Math.ceil(s)));
    const { failing, bytesPerSecond } = this.shipper;
    if (failing) return clamp((failing.nextAttemptAt - Date.now()) / 1000 + 1);
    if (bytesPerSecond > 0) return clamp(excessBytes / bytesPerSecond);
    return 5;
  }
}
