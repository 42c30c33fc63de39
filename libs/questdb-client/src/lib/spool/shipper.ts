import type { TableName } from '@tradewatch/models';
import { backoffDelay, type BackoffOptions } from '../backoff';
import { IlpRejectedError } from '../errors';
import { bytesEncoder, type BytesEncoder } from '../ilp-text-encoder';
import { describeError } from '../rest-client';
import type { Checkpoint } from './checkpoint';
import type { DeadLetter, DeadLetterFile } from './dead-letters';
import { BufferPool } from './buffer-pool';
import { splitIlpLines } from './ilp-lines';
import { readRecordHeader, readRecordIlp, readRecordJsonRows } from './record-codec';
import type { SegmentLog } from './segment-log';
import type { SpoolEventListener } from './spool-events';

/** One ILP request: lines of one table, accepted or refused as a whole (`IlpSender` is the real one). */
export interface TableBatchSender {
  /**
   * Posts `body` (one buffer, or parts of whole lines sent in order), `rows` ILP lines of `table`;
   * throws IlpRejectedError for a permanent refusal, anything else for a transient one.
   */
  sendIlp(table: TableName, body: Buffer | readonly Buffer[], rows: number): Promise<void>;
}

export interface ShipperOptions {
  /** Rows per request, at most (default 50,000); a bigger single record is sent whole. */
  maxRequestRows: number;
  /** Bytes per request, at most (default 8 MiB); a bigger single record is sent whole. */
  maxRequestBytes: number;
  /** Bytes of spool read per round (default 8 MiB). */
  readBytes: number;
  /**
   * Least time between the starts of two rounds while fewer than `maxRequestRows` rows wait
   * (default 250 ms). Each request is a WAL transaction in QuestDB: a few large transactions cost
   * it a fraction of many small ones. A row after a quiet spell is shipped at once.
   */
  lingerMs: number;
  /**
   * A linger ends once no rows have been appended for this long (default 50 ms): it is there to
   * gather rows while they keep coming, and the last rows of a burst are not held back for the
   * rest of it.
   */
  lingerQuietMs: number;
  /** Wait between attempts while QuestDB is unreachable (default 100 ms doubling to 10 s, with jitter). */
  backoff: Pick<BackoffOptions, 'baseMs' | 'maxMs'>;
}

/** `[from, to)`: lines of a refused request still to be sent. */
type LineRange = [number, number];

interface Request {
  table: TableName;
  /** ILP text of the request's records, in spool order (views into the round's buffer). */
  parts: Buffer[];
  rows: number;
  bytes: number;
  /** After QuestDB refused the request as a whole: its lines, and the ranges of them not yet dealt with, in order. */
  isolating?: { lines: Buffer[]; queue: LineRange[] };
  done: boolean;
}

interface Round {
  end: number;
  rows: number;
  requests: Request[];
  /** Records of an older spool version that cannot be encoded as ILP: dead-lettered as they are. */
  unencodable: DeadLetter[];
  /** The buffer the round was read into, reused once the round is committed. */
  buffer?: Buffer;
}

/** Read buffers kept for reuse: a round in flight and the one read ahead. */
const SPARE_READ_BUFFERS = 2;

const MAX_ROW_IN_MESSAGE = 300;

/**
 * Moves spooled records to QuestDB in order. Each round reads a stretch of the spool and coalesces
 * its records into large requests, one table per request (each table's lines in spool order, up
 * to `maxRequestRows` / `maxRequestBytes`): the records hold the encoded ILP, so a request body is
 * the records' bytes, sent as they lie in the read buffer. Only once every request of the round is accepted — or its refused rows
 * dead-lettered — does the committed position move past the round and get persisted. While a round
 * is in flight the next one is read (pipelining), and the last round's checkpoint written. A crash replays at most three rounds; the dedup
 * keys make the resend harmless.
 *
 * A request QuestDB refuses for good is split (at the line QuestDB names, else in halves) until
 * the refused rows are alone: only those go to the dead-letter file, the rest is shipped.
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
  /** Waiting out a backoff after a failed attempt: appends do not end it. */
  private backingOff = false;
  /** A hurry not yet answered by an attempt: the next backoff is skipped once. */
  private hurryPending = false;
  /** Set by `hurry` (a drain): no lingering until the spool is shipped. */
  private hurried = false;
  /** Wakes a lingering round (appends, hurry, stop). */
  private lingerWakeUp: (() => void) | undefined;
  /** When the last round was read (performance.now()). */
  private lastRoundAt = Number.NEGATIVE_INFINITY;
  /** When rows were last appended (performance.now()). */
  private lastAppendAt = Number.NEGATIVE_INFINITY;
  /** Rows of the rounds read and not yet committed (in flight, or read ahead). */
  private roundRows = 0;
  /** Append time of the first record of each round read and not yet committed, in order. */
  private readonly roundStarts: { end: number; appendedAtMs: number }[] = [];
  private readonly encoders = new Map<TableName, BytesEncoder>();
  /** Read buffers of committed rounds, for the next rounds to read into (see BufferPool). */
  private readonly spareBuffers: BufferPool;
  /** The checkpoint write under way (see `commit`); never rejects. */
  private persisting: Promise<void> = Promise.resolve();
  /** Why the last checkpoint write failed, until the next commit reports it. */
  private persistFailure: unknown;

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
    this.spareBuffers = new BufferPool(SPARE_READ_BUFFERS * options.readBytes, options.readBytes);
  }

  start(): void {
    this.loop ??= this.run();
  }

  /**
   * New records are durable: ends an idle wait or a linger. Not a backoff: while QuestDB fails,
   * every append would otherwise be a new attempt (and a log line).
   */
  wake(): void {
    this.lingerWakeUp?.();
    if (this.backingOff) return;
    this.woken = true;
    this.wakeUp?.();
  }

  /** Ships what is spooled now, without lingering or waiting out a backoff (a drain, a shutdown). */
  hurry(): void {
    this.hurried = true;
    this.hurryPending = true;
    this.woken = true;
    this.wakeUp?.();
    this.lingerWakeUp?.();
  }

  noteAppended(rows: number, appendedAtMs: number): void {
    this.lastAppendAt = performance.now();
    this.unshippedRows += rows;
    this.oldestAppendedAtMs ??= appendedAtMs;
  }

  /** Finishes the request under way (its result is kept) and stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.hurry();
    await this.loop;
    // The last committed position on disk before the spool is released.
    await this.persisting;
    if (this.persistFailure !== undefined) {
      // Nothing is lost: the next start replays from the last position written.
      const message = `writing the spool checkpoint failed at close: ${describeError(this.persistFailure)}`;
      this.persistFailure = undefined;
      this.emit({ type: 'ship_failed', level: 'warn', message, error: message, attempt: 1, retryInMs: 0 });
    }
  }

  private async run(): Promise<void> {
    let round: Round | undefined;
    // The round after `round`, read while `round` is in flight.
    let next: Promise<Round> | undefined;
    let attempt = 0;
    while (!this.stopping) {
      try {
        if (!round) {
          if (!next) {
            if (this.committed >= this.log.end) {
              this.oldestAppendedAtMs = undefined;
              this.hurried = false;
              this.hurryPending = false;
              await this.pause(1_000);
              continue;
            }
            next = this.lingerThenRead(this.committed);
          }
          round = await next;
          next = undefined;
        }
        if (!next && round.end < this.log.end) {
          next = this.lingerThenRead(round.end);
          // Awaited when its turn comes; until then a failure must not count as unhandled.
          next.catch(() => undefined);
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
        this.backingOff = true;
        // Appends since the last attempt are no reason to try again sooner; a drain's hurry is.
        this.woken = this.hurryPending;
        this.hurryPending = false;
        await this.pause(delay);
        this.backingOff = false;
      }
    }
    await next?.catch(() => undefined);
  }

  /** Sleeps up to `ms`, or less if woken. */
  private async pause(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    await wakeableSleep(ms, (wake) => (this.wakeUp = wake));
    this.wakeUp = undefined;
    this.woken = false;
  }

  private encoder(table: TableName): BytesEncoder {
    let encode = this.encoders.get(table);
    if (!encode) this.encoders.set(table, (encode = bytesEncoder(table)));
    return encode;
  }

  /**
   * Waits out `lingerMs` since the last round unless a full request is waiting or no rows have
   * come for `lingerQuietMs`, then reads the next round.
   */
  private async lingerThenRead(from: number): Promise<Round> {
    const { lingerMs, lingerQuietMs, maxRequestRows } = this.options;
    for (;;) {
      const now = performance.now();
      const wait = this.lastRoundAt + lingerMs - now;
      const quietLeft = this.lastAppendAt + lingerQuietMs - now;
      if (wait <= 0 || quietLeft <= 0 || this.hurried || this.stopping || this.unshippedRows - this.roundRows >= maxRequestRows) break;
      // Appends wake the wait too: the quiet spell then starts again.
      await wakeableSleep(Math.min(wait, quietLeft), (wake) => (this.lingerWakeUp = wake));
      this.lingerWakeUp = undefined;
    }
    this.lastRoundAt = performance.now();
    const round = await this.readRound(from);
    this.roundRows += round.rows;
    return round;
  }

  /** Reads the records from `from` on (up to `readBytes`) and groups them into requests. */
  private async readRound(from: number): Promise<Round> {
    const spare = this.spareBuffers.take() ?? Buffer.allocUnsafeSlow(this.options.readBytes);
    const chunk = await this.log.read(from, this.options.readBytes, spare);
    if (!chunk) {
      this.spareBuffers.give(spare);
      throw new Error(`spool offset ${from} is before the end ${this.log.end} but no segment holds it`);
    }
    const { start, buf } = chunk;
    const open = new Map<TableName, Request>();
    const round: Round = { end: start, rows: 0, requests: [], unencodable: [], buffer: buf.buffer === spare.buffer ? spare : undefined };
    if (!round.buffer) this.spareBuffers.give(spare);
    const { maxRequestRows, maxRequestBytes } = this.options;
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
        return { end, rows: 0, requests: [], unencodable: [] };
      }
      const { header } = result;
      const table = header.table as TableName;
      firstAppendedAtMs ??= header.appendedAtMs;
      round.rows += header.rowCount;
      let ilp: Buffer | undefined;
      if (header.format === 'ilp') ilp = readRecordIlp(buf, o, header);
      else {
        // Written by an earlier version as JSON rows: encoded now, once.
        const rows = readRecordJsonRows(buf, o, header);
        try {
          ilp = this.encoder(table)(rows as object[]);
        } catch (error) {
          round.unencodable.push({ time: '', table, error: `could not encode a row: ${describeError(error)}`, rows });
        }
      }
      if (ilp) {
        let request = open.get(table);
        if (!request || (request.rows > 0 && (request.rows + header.rowCount > maxRequestRows || request.bytes + ilp.length > maxRequestBytes))) {
          request = { table, parts: [], rows: 0, bytes: 0, done: false };
          open.set(table, request);
          round.requests.push(request);
        }
        request.parts.push(ilp);
        request.rows += header.rowCount;
        request.bytes += ilp.length;
      }
      o += header.size;
    }
    round.end = start + o;
    if (firstAppendedAtMs !== undefined) {
      if (this.roundStarts.length === 0) this.oldestAppendedAtMs = firstAppendedAtMs;
      this.roundStarts.push({ end: round.end, appendedAtMs: firstAppendedAtMs });
    }
    // Requests in order of their first record: a table's rows keep their spool order.
    return round;
  }

  /** Sends the requests of a round not yet done; a transient failure throws, leaving the rest for the retry. */
  private async ship(round: Round): Promise<void> {
    if (round.unencodable.length > 0) {
      for (const letter of round.unencodable) await this.deadLetter({ ...letter, time: new Date().toISOString() }, letter.rows?.length ?? 0);
      round.unencodable = [];
    }
    for (const request of round.requests) {
      if (request.done) continue;
      if (!request.isolating) {
        try {
          await this.post(request.table, request.parts, request.rows);
          request.done = true;
          continue;
        } catch (error) {
          if (!(error instanceof IlpRejectedError)) throw error;
          const lines = splitIlpLines(Buffer.concat(request.parts, request.bytes));
          request.isolating = { lines, queue: split(0, lines.length, error.line) };
          request.parts = [];
          this.emit({
            type: 'ship_refused',
            level: 'warn',
            message: `QuestDB refused a request of ${request.rows} ${request.table} row(s) (${error.questdbMessage}); sending it in parts to find the refused row(s)`,
            table: request.table,
            rows: request.rows,
            error: error.questdbMessage,
          });
        }
      }
      await this.isolate(request.table, request.isolating);
      request.done = true;
    }
  }

  /** Sends the ranges of a refused request one by one, splitting refused ranges until single lines, which are dead-lettered. */
  private async isolate(table: TableName, { lines, queue }: { lines: Buffer[]; queue: LineRange[] }): Promise<void> {
    while (queue.length > 0) {
      const [from, to] = queue[0];
      const body = to - from === 1 ? lines[from] : Buffer.concat(lines.slice(from, to));
      try {
        await this.post(table, body, to - from);
        queue.shift();
      } catch (error) {
        if (!(error instanceof IlpRejectedError)) throw error;
        if (to - from > 1) {
          queue.splice(0, 1, ...split(from, to, error.line));
          continue;
        }
        await this.deadLetter({ time: new Date().toISOString(), table, error: error.questdbMessage, ilp: body.toString('utf8') }, 1);
        queue.shift();
      }
    }
  }

  /** One request; counts it and reports a recovery from failures. */
  private async post(table: TableName, body: Buffer | readonly Buffer[], rows: number): Promise<void> {
    const started = performance.now();
    await this.sender.sendIlp(table, body, rows);
    this.shippedRows += rows;
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
    this.emit({ type: 'shipped', level: 'debug', message: `shipped ${rows} ${table} row(s) in ${seconds.toFixed(3)} s`, table, rows, seconds });
  }

  private async deadLetter(letter: DeadLetter, rows: number): Promise<void> {
    await this.deadLetters.add(letter);
    this.deadLetterRows += rows;
    const row = letter.ilp ? letter.ilp.trimEnd() : JSON.stringify(letter.rows);
    const shown = row.length > MAX_ROW_IN_MESSAGE ? `${row.slice(0, MAX_ROW_IN_MESSAGE)}…` : row;
    this.emit({
      type: 'dead_letter',
      level: 'error',
      message: `QuestDB refused ${rows === 1 ? 'a' : rows} ${letter.table} row(s) for good: ${letter.error}; moved to ${this.deadLetters.path}: ${shown}`,
      table: letter.table,
      rows,
      error: letter.error,
      row: shown,
      file: this.deadLetters.path,
    });
  }

  /**
   * Moves the committed position past `round` and persists it behind the next round's request:
   * waiting for the checkpoint's fsync before shipping on cost a quarter of the shipping time at
   * 8 × 5,000 rows per request, enough for the spool to fall behind. One write at a time (each
   * waits for the one before), so a crash replays at most three rounds: the one whose position was
   * being written, the one in flight and the one read ahead; the dedup keys make that harmless.
   * A failed write surfaces here, at the next commit: the round is then shipped again after the
   * backoff, as a failed request would be.
   */
  private async commit(round: Round, seconds: number): Promise<void> {
    await this.persisting;
    if (this.persistFailure !== undefined) {
      const failure = this.persistFailure;
      this.persistFailure = undefined;
      throw failure;
    }
    const bytes = round.end - this.committed;
    this.committed = round.end;
    this.unshippedRows = Math.max(0, this.unshippedRows - round.rows);
    this.roundRows = Math.max(0, this.roundRows - round.rows);
    if (seconds > 0) {
      const rate = bytes / seconds;
      this.bytesPerSecond = this.bytesPerSecond === 0 ? rate : 0.7 * this.bytesPerSecond + 0.3 * rate;
    }
    while (this.roundStarts.length > 0 && this.roundStarts[0].end <= this.committed) this.roundStarts.shift();
    // The oldest unshipped row is the first of the next round read (until that is read, the committed round's first stands in).
    this.oldestAppendedAtMs = this.committed >= this.log.end ? undefined : (this.roundStarts[0]?.appendedAtMs ?? this.oldestAppendedAtMs);
    if (round.buffer) this.spareBuffers.give(round.buffer);
    round.buffer = undefined;
    this.persisting = this.persist(round.end);
  }

  /** Writes the checkpoint, then deletes the segments it covers (only once it is on disk); never rejects: a failure waits in `persistFailure`. */
  private async persist(committed: number): Promise<void> {
    try {
      await this.checkpoint.write(committed);
      await this.log.deleteBefore(committed);
    } catch (error) {
      this.persistFailure = error;
    }
  }
}

/** Resolves after `ms`, or earlier when the function handed to `onWake` is called. */
function wakeableSleep(ms: number, onWake: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    onWake(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** How to retry a refused range: around the line QuestDB named (1-based, within the range), else in halves. */
function split(from: number, to: number, line: number | undefined): LineRange[] {
  const n = to - from;
  if (line !== undefined && line >= 1 && line <= n && n > 1) {
    const k = from + line - 1;
    const ranges: LineRange[] = [
      [from, k],
      [k, k + 1],
      [k + 1, to],
    ];
    return ranges.filter(([a, b]) => b > a);
  }
  const mid = from + Math.ceil(n / 2);
  return [
    [from, mid],
    [mid, to],
  ];
}
