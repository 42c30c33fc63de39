import type { Row, TableName } from '@tradewatch/models';
import { backoffDelay, sleep } from './backoff';
import type { QuestDbConnection } from './connection';
import { IlpRejectedError, QuestDbUnavailableError } from './errors';
import { IlpSender } from './ilp-sender';
import { describeError } from './rest-client';

export interface BatchingWriterOptions {
  /** Flush once this many rows are waiting (default 1,000). */
  batchRows?: number;
  /** Flush at least this often while rows are waiting (default 1,000 ms). */
  flushIntervalMs?: number;
  /** How long one flush keeps retrying a transient failure before giving up (default 30 s). */
  retryTimeoutMs?: number;
  /** Called when a timer-driven flush fails; the rows stay queued (or, if rejected, are in the error). */
  onError?: (error: Error) => void;
  /** Called after each accepted request. */
  onFlushed?: (table: TableName, rows: number, seconds: number) => void;
}

const MAX_REQUEST_ROWS = 10_000;

/**
 * Buffers rows per table and sends them over ILP/HTTP, one table per request so each request is
 * one transaction. `@questdb/nodejs-client` drops its buffer when a flush fails, so the rows are
 * kept here until QuestDB acknowledged them and re-encoded for a retry; transient failures are
 * retried with backoff (dedup keys make a resend of an accepted request harmless).
 */
export class BatchingWriter {
  private readonly pending = new Map<TableName, object[]>();
  private pendingCount = 0;
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly batchRows: number;
  private readonly retryTimeoutMs: number;

  private constructor(
    private readonly sender: IlpSender,
    private readonly options: BatchingWriterOptions,
  ) {
    this.batchRows = options.batchRows ?? 1_000;
    this.retryTimeoutMs = options.retryTimeoutMs ?? 30_000;
    // The client's auto_flush_interval is only checked when a row is added; this timer is ours.
    this.timer = setInterval(() => {
      if (this.pendingCount > 0) this.flush().catch((e: Error) => this.options.onError?.(e));
    }, options.flushIntervalMs ?? 1_000);
    this.timer.unref();
  }

  static async open(connection: QuestDbConnection, options: BatchingWriterOptions = {}): Promise<BatchingWriter> {
    // The client's own retry is kept short; our loop retries.
    return new BatchingWriter(await IlpSender.open(connection), options);
  }

  /** Rows waiting to be accepted by QuestDB. */
  get pendingRows(): number {
    return this.pendingCount;
  }

  /**
   * Queues rows (already validated). Resolves at once, or, when the batch size is reached, after
   * the flush that the rows triggered.
   */
  async write<T extends TableName>(table: T, rows: readonly Row<T>[]): Promise<void> {
    if (this.closed) throw new Error('BatchingWriter is closed');
    if (rows.length === 0) return;
    let queue = this.pending.get(table);
    if (!queue) this.pending.set(table, (queue = []));
    for (const row of rows) queue.push(row);
    this.pendingCount += rows.length;
    if (this.pendingCount >= this.batchRows) await this.flush();
  }

  /** Sends everything queued so far; resolves once QuestDB accepted all of it. */
  flush(): Promise<void> {
    const run = this.flushing.then(() => this.flushPending());
    // Keep the chain alive after a failure; the caller of this flush gets the error.
    this.flushing = run.catch(() => undefined);
    return run;
  }

  /** Flushes what is queued, stops the timer and closes the sender. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    try {
      await this.flush();
    } finally {
      this.closed = true;
      await this.sender.close();
    }
  }

  private async flushPending(): Promise<void> {
    for (const [table, queue] of this.pending) {
      while (queue.length > 0) {
        const batch = queue.slice(0, MAX_REQUEST_ROWS);
        await this.sendWithRetry(table, batch);
        queue.splice(0, batch.length);
        this.pendingCount -= batch.length;
      }
    }
  }

  private async sendWithRetry(table: TableName, batch: object[]): Promise<void> {
    const deadline = Date.now() + this.retryTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      try {
        await this.sender.send(table, batch);
        this.options.onFlushed?.(table, batch.length, (performance.now() - started) / 1000);
        return;
      } catch (error) {
        if (error instanceof IlpRejectedError) {
          // Nothing will make QuestDB take these rows: hand them to the caller rather than block the queue.
          const queue = this.pending.get(table);
          queue?.splice(0, batch.length);
          this.pendingCount -= batch.length;
          throw error;
        }
        if (Date.now() >= deadline) {
          throw new QuestDbUnavailableError(`QuestDB did not accept ${batch.length} ${table} row(s) within ${this.retryTimeoutMs} ms: ${describeError((error as { cause?: unknown }).cause ?? error)}`, { cause: error });
        }
        await sleep(Math.min(backoffDelay(attempt, { baseMs: 50, maxMs: 2_000 }), Math.max(0, deadline - Date.now())));
      }
    }
  }
}
