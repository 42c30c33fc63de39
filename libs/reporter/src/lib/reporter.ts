import { z } from 'zod';
import { backoffDelay, retryAfterMs } from './backoff';
import {
  ReporterCloseTimeoutError,
  ReporterClosedError,
  ReporterHttpError,
  ReporterSpillError,
  ReporterUnavailableError,
  ReporterValidationError,
  type FieldProblem,
  type ReporterError,
} from './errors';
import { ROUTES, ROUTE_NAMES, type RouteName, type RouteSpec } from './routes';
import { SpillStore, type SpillRef } from './spill-store';
import type { ApiCallInput, DaemonRow, ExchangeRow, FetchEventInput, PipelineRow, TradingEventInput, TradingRow } from './types';
import { toWire, type WireRow } from './wire';

const optionsSchema = z.strictObject({
  /** The collector's base URL, e.g. `http://127.0.0.1:8080`. */
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:8080' }),
  /** Bearer token, when the collector has COLLECTOR_TOKENS set. */
  token: z.string().min(1).optional(),
  /** Rows per request (per route). */
  batchSize: z.number().int().min(1).max(10_000).default(500),
  /** A partial batch is sent after at most this long. */
  flushIntervalMs: z.number().int().min(10).default(1_000),
  /** Rows held in memory over all routes; beyond it callers wait, or rows spill to `spillDir`. */
  maxBufferedRows: z.number().int().min(1).default(10_000),
  /** Directory for rows that do not fit in memory and for unsent rows at exit; replayed later. */
  spillDir: z.string().min(1).optional(),
  requestTimeoutMs: z.number().int().min(100).default(10_000),
  retryBaseMs: z.number().int().min(1).default(250),
  retryMaxMs: z.number().int().min(1).default(30_000),
  /** How long close() tries to deliver before giving up (spilling, with `spillDir`). */
  closeTimeoutMs: z.number().int().min(0).default(30_000),
  /** Flush at `beforeExit` and, with `spillDir`, spill unsent rows at `exit` (default true). */
  exitHandlers: z.boolean().default(true),
  onError: z.custom<(error: ReporterError) => void>((v) => typeof v === 'function', 'must be a function').optional(),
});

export type ReporterOptions = z.input<typeof optionsSchema>;

/** What the reporter did, in rows. */
export interface ReporterCounters {
  /** Acknowledged by the collector. */
  sent: number;
  /** Sent again after a transient failure (once per row per retry). */
  retried: number;
  /** Refused by the collector (each also reported through onError); never sent again. */
  refused: number;
  /** Written to the spill directory. */
  spilled: number;
  /** Acknowledged after being read back from the spill directory (also counted in `sent`). */
  replayed: number;
  /** In memory now: queued or in flight. */
  buffered: number;
}

interface Item {
  row: WireRow;
  /** Set for a row read back from the spill directory: it stays there until done. */
  ref?: SpillRef;
  done?: boolean;
}

interface RouteState {
  name: RouteName;
  spec: RouteSpec;
  queue: Item[];
  inFlight: Item[];
  sending?: Promise<void>;
  /** The flush interval elapsed: send a partial batch. */
  due: boolean;
  /** In a retry streak (reported once). */
  failing: boolean;
}

type Outcome =
  | { kind: 'ok' }
  | { kind: 'invalid'; rows: Map<number, FieldProblem[]> }
  | { kind: 'too_large' }
  | { kind: 'retry'; reason: string; afterMs?: number; cause?: unknown }
  | { kind: 'fatal'; status: number; body: string };

const RESOLVED = Promise.resolve();

/**
 * Sends rows and events to a Tradewatch collector: batched per route (size and interval),
 * retried with backoff and jitter on transient failures (honouring Retry-After), held in a bounded
 * buffer (callers wait when it is full, or rows spill to disk), and never dropped silently: a row
 * the collector refuses is reported through `onError` and counted in `refused`.
 *
 * Each method returns a promise that resolves once the row is buffered (or spilled); await it for
 * back-pressure. `flush()` resolves when everything handed over so far is delivered or refused;
 * `close()` flushes and stops. On SIGTERM/SIGINT call `await reporter.close()` before exiting.
 */
export class Reporter {
  private readonly o: z.output<typeof optionsSchema>;
  private readonly routes: Record<RouteName, RouteState>;
  private readonly spill: SpillStore | undefined;
  private readonly segmentRows: number;
  private readonly waiters: { route: RouteState; item: Item; resolve: () => void; reject: (e: Error) => void }[] = [];
  private readonly idle = new Set<() => void>();
  private readonly sleepers = new Set<() => void>();
  private readonly abortRequests = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly stats = { sent: 0, retried: 0, refused: 0, spilled: 0, replayed: 0 };
  private buffered = 0;
  private flushing = 0;
  private closed = false;
  private aborted = false;
  private closing: Promise<void> | undefined;

  constructor(options: ReporterOptions) {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new TypeError(`invalid Reporter options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    this.o = { ...parsed.data, url: parsed.data.url.replace(/\/+$/, '') };
    this.routes = Object.fromEntries(
      ROUTE_NAMES.map((name) => [name, { name, spec: ROUTES[name], queue: [], inFlight: [], due: false, failing: false }]),
    ) as unknown as Record<RouteName, RouteState>;
    this.segmentRows = Math.max(1, Math.ceil(this.o.maxBufferedRows / 2));
    this.spill = this.o.spillDir === undefined ? undefined : new SpillStore(this.o.spillDir, this.segmentRows);
    this.timer = setInterval(() => this.tick(), this.o.flushIntervalMs).unref();
    if (this.o.exitHandlers) {
      process.on('beforeExit', this.onBeforeExit);
      process.on('exit', this.onExit);
    }
    this.refill(); // rows a previous run spilled
  }

  /** A daemon_metrics row. */
  daemon(row: DaemonRow): Promise<void> {
    return this.enqueue('daemon', row);
  }

  /** An exchange_status row. */
  exchange(row: ExchangeRow): Promise<void> {
    return this.enqueue('exchange', row);
  }

  /** A pipeline_metrics row (usually the collector aggregates fetch events instead: see fetchEvent). */
  pipeline(row: PipelineRow): Promise<void> {
    return this.enqueue('pipeline', row);
  }

  /** A trading_metrics row (usually the collector derives them from trading events: see tradingEvent). */
  trading(row: TradingRow): Promise<void> {
    return this.enqueue('trading', row);
  }

  /** One fetch by a pipeline daemon; the collector aggregates them into pipeline_metrics. */
  fetchEvent(event: FetchEventInput): Promise<void> {
    return this.enqueue('fetchEvent', event);
  }

  /** An order placed or filled, a mark price or a position snapshot; aggregated into trading_metrics. */
  tradingEvent(event: TradingEventInput): Promise<void> {
    return this.enqueue('tradingEvent', event);
  }

  /** One exchange API call (method, outcome, latency); aggregated into exchange_api_calls. */
  apiCall(event: ApiCallInput): Promise<void> {
    return this.enqueue('apiCall', event);
  }

  get counters(): ReporterCounters {
    return { ...this.stats, buffered: this.buffered };
  }

  /** Resolves when every row handed over so far (and any spilled row) is delivered or refused. */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      for (;;) {
        this.admit();
        this.refill();
        for (const r of Object.values(this.routes)) this.pump(r);
        if (this.aborted || (this.buffered === 0 && this.waiters.length === 0 && !this.spill?.pending)) return;
        await new Promise<void>((resolve) => this.idle.add(resolve));
      }
    } finally {
      this.flushing--;
    }
  }

  /**
   * Flushes and stops. If delivery does not finish within `closeTimeoutMs`, undelivered rows are
   * written to `spillDir` (when set; close resolves) or close rejects with ReporterCloseTimeoutError.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    let timeout: NodeJS.Timeout | undefined;
    const delivered = await Promise.race([
      this.flush().then(() => true),
      new Promise<false>((resolve) => (timeout = setTimeout(() => resolve(false), this.o.closeTimeoutMs))),
    ]);
    clearTimeout(timeout);
    clearInterval(this.timer);
    try {
      if (!delivered) {
        this.abort();
        await Promise.allSettled(Object.values(this.routes).map((r) => r.sending));
        const left = this.undelivered();
        if (!this.spill) {
          const error = new ReporterCloseTimeoutError(left.length + this.waiters.length);
          for (const w of this.waiters.splice(0)) w.reject(error);
          throw error;
        }
        this.spill.writeAll(left);
        this.stats.spilled += left.length;
        for (const w of this.waiters.splice(0)) w.resolve();
      }
    } finally {
      process.off('beforeExit', this.onBeforeExit);
      process.off('exit', this.onExit);
    }
  }

  private enqueue(name: RouteName, input: object): Promise<void> {
    if (this.closed) return Promise.reject(new ReporterClosedError());
    const route = this.routes[name];
    const item: Item = { row: toWire(route.spec, input) };
    if (this.waiters.length === 0 && this.buffered < this.o.maxBufferedRows) {
      this.push(route, item);
      return RESOLVED;
    }
    if (this.spill) {
      try {
        this.spill.append(name, item.row);
        this.stats.spilled++;
        return RESOLVED;
      } catch (error) {
        this.report(new ReporterSpillError(`cannot spill a row, waiting for room instead: ${(error as Error).message}`, { cause: error }));
      }
    }
    return new Promise((resolve, reject) => this.waiters.push({ route, item, resolve, reject }));
  }

  private push(route: RouteState, item: Item): void {
    route.queue.push(item);
    this.buffered++;
    if (route.queue.length >= this.o.batchSize) this.pump(route);
  }

  private tick(): void {
    this.refill();
    for (const r of Object.values(this.routes)) {
      if (r.queue.length === 0) continue;
      r.due = true;
      this.pump(r);
    }
  }

  private pump(route: RouteState): void {
    if (route.sending || route.queue.length === 0 || this.aborted) return;
    route.sending = this.drain(route).finally(() => {
      route.sending = undefined;
      this.settled();
    });
  }

  /** Sends full batches, and a partial one when due or flushing; one request per route at a time. */
  private async drain(route: RouteState): Promise<void> {
    while (!this.aborted && route.queue.length > 0) {
      if (route.queue.length < this.o.batchSize && !route.due && this.flushing === 0) return;
      route.due = false;
      const batch = route.queue.splice(0, this.o.batchSize);
      route.inFlight = batch;
      try {
        await this.send(route, batch);
      } finally {
        route.inFlight = [];
        // Only an abort (close timed out) leaves rows of a batch unfinished: they are still owed.
        const left = batch.filter((i) => !i.done);
        if (left.length > 0) route.queue.unshift(...left);
      }
    }
  }

  /** Called after every batch: frees room for waiting callers, replays spilled rows, wakes flush(). */
  private settled(): void {
    this.admit();
    this.refill();
    for (const r of Object.values(this.routes)) if (r.queue.length >= this.o.batchSize || this.flushing > 0) this.pump(r);
    for (const wake of [...this.idle]) {
      this.idle.delete(wake);
      wake();
    }
  }

  private admit(): void {
    while (this.waiters.length > 0 && this.buffered < this.o.maxBufferedRows) {
      const w = this.waiters.shift() as (typeof this.waiters)[number];
      this.push(w.route, w.item);
      w.resolve();
    }
  }

  /** Loads a spilled segment when it fits in memory beside what is buffered. */
  private refill(): void {
    if (!this.spill || this.aborted) return;
    while (this.spill.pending && this.waiters.length === 0 && this.buffered + this.segmentRows <= this.o.maxBufferedRows) {
      const loaded = this.spill.takeNext();
      if (!loaded) return;
      if (loaded.unreadable > 0) {
        this.report(new ReporterSpillError(`${loaded.unreadable} unreadable line(s) in the spill directory (a write cut short by a crash) were skipped`));
      }
      for (const { route, row, ref } of loaded.rows) {
        if (!Object.prototype.hasOwnProperty.call(this.routes, route)) {
          this.report(new ReporterSpillError(`a spilled row names an unknown route "${route}"; dropped`));
          this.stats.refused++;
          this.spill.done(ref);
          continue;
        }
        const r = this.routes[route as RouteName];
        r.queue.push({ row, ref });
        this.buffered++;
        r.due = true;
      }
      for (const r of Object.values(this.routes)) this.pump(r);
    }
  }

  /** Delivers one batch: retries transient failures, isolates refused rows, splits on 413. */
  private async send(route: RouteState, items: Item[]): Promise<void> {
    let pending = items;
    let attempt = 0;
    while (pending.length > 0 && !this.aborted) {
      const outcome = await this.post(route, pending);
      if (outcome.kind === 'ok') {
        route.failing = false;
        this.finish(pending, true);
        return;
      }
      if (outcome.kind === 'invalid') {
        const keep: Item[] = [];
        pending.forEach((item, i) => {
          const problems = outcome.rows.get(i);
          if (!problems) return keep.push(item);
          this.report(new ReporterValidationError(route.name, item.row, problems));
          this.finish([item], false);
          return undefined;
        });
        // The collector takes a request whole or not at all: the rows it did not object to go again.
        pending = keep;
        continue;
      }
      if (outcome.kind === 'too_large' && pending.length > 1) {
        const half = Math.ceil(pending.length / 2);
        await this.send(route, pending.slice(0, half));
        await this.send(route, pending.slice(half));
        return;
      }
      if (outcome.kind === 'retry') {
        const delay = outcome.afterMs ?? backoffDelay(attempt, { baseMs: this.o.retryBaseMs, maxMs: this.o.retryMaxMs });
        if (!route.failing) {
          route.failing = true;
          this.report(new ReporterUnavailableError(route.name, outcome.reason, delay, { cause: outcome.cause }));
        }
        attempt++;
        await this.sleep(delay);
        if (!this.aborted) this.stats.retried += pending.length;
        continue;
      }
      const status = outcome.kind === 'fatal' ? outcome.status : 413;
      const body = outcome.kind === 'fatal' ? outcome.body : 'a single row is larger than the collector accepts';
      this.report(new ReporterHttpError(route.name, status, pending.length, body));
      this.finish(pending, false);
      return;
    }
  }

  private async post(route: RouteState, items: Item[]): Promise<Outcome> {
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.o.url + route.spec.path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.o.token ? { authorization: `Bearer ${this.o.token}` } : {}) },
        body: JSON.stringify(items.map((i) => i.row)),
        signal: AbortSignal.any([AbortSignal.timeout(this.o.requestTimeoutMs), this.abortRequests.signal]),
      });
      text = await res.text();
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      return { kind: 'retry', reason: cause?.code ?? (error as Error).message, cause: error };
    }
    if (res.ok) return { kind: 'ok' };
    if (res.status === 400) {
      const rows = refusedRows(text, items.length);
      return rows ? { kind: 'invalid', rows } : { kind: 'fatal', status: 400, body: text };
    }
    if (res.status === 413) return { kind: 'too_large' };
    // 401/403: a token the collector does not (yet) accept; retried so nothing is lost while it is fixed.
    if ([401, 403, 408, 429].includes(res.status) || res.status >= 500) {
      const reason = res.status === 401 || res.status === 403 ? `HTTP ${res.status}: check the reporter's token` : `HTTP ${res.status}`;
      return { kind: 'retry', reason, afterMs: retryAfterMs(res.headers.get('retry-after')) };
    }
    return { kind: 'fatal', status: res.status, body: text };
  }

  private finish(items: Item[], sent: boolean): void {
    for (const item of items) {
      if (item.done) continue;
      item.done = true;
      this.buffered--;
      if (sent) {
        this.stats.sent++;
        if (item.ref) this.stats.replayed++;
      } else {
        this.stats.refused++;
      }
      if (item.ref) this.spill?.done(item.ref);
    }
  }

  /** Rows handed over and not yet delivered, except replayed ones (still on disk). */
  private undelivered(): { route: string; row: WireRow }[] {
    const out: { route: string; row: WireRow }[] = [];
    for (const r of Object.values(this.routes)) {
      for (const item of [...r.inFlight, ...r.queue]) if (!item.done && !item.ref) out.push({ route: r.name, row: item.row });
    }
    for (const w of this.waiters) out.push({ route: w.route.name, row: w.item.row });
    return out;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(t);
        this.sleepers.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      // With a spill directory an exiting process need not wait for the collector: exit spills.
      if (this.spill) t.unref();
      this.sleepers.add(wake);
    });
  }

  private abort(): void {
    this.aborted = true;
    this.abortRequests.abort();
    for (const wake of [...this.sleepers]) wake();
  }

  private report(error: ReporterError): void {
    if (this.o.onError) {
      this.o.onError(error);
      return;
    }
    process.stderr.write(`@tradewatch/reporter: ${error.message}\n`);
  }

  private readonly onBeforeExit = (): void => {
    if (!this.closed && (this.buffered > 0 || this.waiters.length > 0)) void this.flush();
  };

  /** Last chance, synchronous: unsent rows go to the spill directory, or at least are not lost silently. */
  private readonly onExit = (): void => {
    const left = this.undelivered();
    if (left.length === 0) return;
    if (this.spill) {
      try {
        this.spill.writeAll(left);
        return;
      } catch (error) {
        process.stderr.write(`@tradewatch/reporter: cannot spill ${left.length} row(s) at exit: ${(error as Error).message}\n`);
        return;
      }
    }
    process.stderr.write(`@tradewatch/reporter: ${left.length} row(s) not delivered at exit; call await reporter.close() before process.exit()\n`);
  };
}

/** The rows a 400 names, with their problems; undefined when the answer names none in range. */
function refusedRows(body: string, count: number): Map<number, FieldProblem[]> | undefined {
  let issues: unknown;
  try {
    issues = (JSON.parse(body) as { issues?: unknown }).issues;
  } catch {
    return undefined;
  }
  if (!Array.isArray(issues) || issues.length === 0) return undefined;
  const rows = new Map<number, FieldProblem[]>();
  for (const issue of issues as { row?: unknown; path?: unknown; message?: unknown }[]) {
    const row = issue.row;
    if (typeof row !== 'number' || !Number.isInteger(row) || row < 0 || row >= count) return undefined;
    const list = rows.get(row) ?? [];
    list.push({ field: String(issue.path ?? ''), message: String(issue.message ?? '') });
    rows.set(row, list);
  }
  return rows;
}
