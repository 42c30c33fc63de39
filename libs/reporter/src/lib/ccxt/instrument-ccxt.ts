import { AsyncLocalStorage } from 'node:async_hooks';
import { hostname } from 'node:os';
import { API_METHOD_PATTERN, type ApiCallOutcome, type Environment } from '@tradewatch/models';
import type { ApiCallInput, FetchEventInput } from '../types';
import { ccxtOutcome } from './ccxt-outcome';
import { CCXT_DATA_TYPES, fetchedData } from './ccxt-results';

/** What instrumentCcxt needs of a ccxt exchange instance (ccxt itself is an optional peer dependency). */
export interface CcxtExchangeLike {
  id: string;
  /** ccxt's capability map: its keys name the unified methods. */
  has: Record<string, unknown>;
}

/** What instrumentCcxt needs of a Reporter. */
export interface ApiCallSink {
  fetchEvent(event: FetchEventInput): Promise<void>;
  apiCall(event: ApiCallInput): Promise<void>;
}

export interface InstrumentCcxtOptions {
  /** `host` of the events; default the machine's host name. */
  host?: string;
  env?: Environment;
  /** The exchange as Tradewatch names it (must be in the collector's validation.exchanges); default `exchange.id`. */
  exchange?: string;
  /**
   * Events handed to the reporter but not yet buffered by it (it is applying back-pressure) beyond
   * which further events are dropped, counted in `stats.dropped` and reported through onError:
   * a trading call never waits for monitoring.
   */
  maxPendingEvents?: number;
  /** Told about events dropped or refused by the reporter; default a process warning. */
  onError?: (error: Error) => void;
  /** The clock (epoch ms); tests pin it. */
  now?: () => number;
}

export interface CcxtInstrumentation {
  /** The unified methods wrapped. */
  readonly methods: readonly string[];
  readonly stats: { calls: number; fetchEvents: number; dropped: number };
}

/** Why events were dropped (a typed error with a stable code). */
export class InstrumentationDroppedError extends Error {
  readonly code = 'instrumentation_dropped';
  constructor(readonly pending: number) {
    super(`ccxt instrumentation: ${pending} events wait for the reporter's buffer; dropping events until it drains`);
    this.name = 'InstrumentationDroppedError';
  }
}

/** The latency column's limit: a longer call is reported at the limit. */
const MAX_LATENCY_MS = 10_000;
const INSTRUMENTED = Symbol.for('tradewatch.ccxt.instrumentation');
/** Set while a wrapped method runs: the methods it calls itself (fetchTicker → fetchTickers…) are not reported again. */
const insideCall = new AsyncLocalStorage<true>();

/**
 * Wraps every unified method of a ccxt exchange instance (REST and, with ccxt.pro, `watch*`) so that
 * each call reports an API-call event (method, outcome by ccxt error class, latency) and, for the
 * data types Tradewatch tracks, fetch events per symbol (records, bytes, newest data timestamp).
 *
 * The wrapped methods behave as before: same arguments, `this`, return value and thrown error;
 * reporting never throws into them and never makes them wait. Calls made by a wrapped method
 * itself are not reported again. Instrumenting an instance twice returns the first instrumentation.
 */
export function instrumentCcxt<E extends CcxtExchangeLike>(exchange: E, reporter: ApiCallSink, options: InstrumentCcxtOptions = {}): CcxtInstrumentation {
  const target = exchange as unknown as Record<PropertyKey, unknown>;
  const existing = target[INSTRUMENTED] as CcxtInstrumentation | undefined;
  if (existing) return existing;

  const host = options.host ?? hostname();
  const env = options.env ?? 'prod';
  const name = options.exchange ?? exchange.id;
  const maxPending = options.maxPendingEvents ?? 10_000;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? ((e: Error) => process.emitWarning(e.message, { code: 'TRADEWATCH_CCXT' }));
  const stats = { calls: 0, fetchEvents: 0, dropped: 0 };
  let pending = 0;
  let dropping = false;

  const send = (deliver: () => Promise<void>): void => {
    if (pending >= maxPending) {
      stats.dropped++;
      if (!dropping) onError(new InstrumentationDroppedError(pending));
      dropping = true;
      return;
    }
    dropping = false;
    pending++;
    let delivered: Promise<void>;
    try {
      delivered = deliver();
    } catch (error) {
      pending--;
      onError(error as Error);
      return;
    }
    delivered.then(
      () => void pending--,
      (error: Error) => {
        pending--;
        onError(error);
      },
    );
  };

  const report = (method: string, args: unknown[], latencyMs: number, outcome: ApiCallOutcome, result: unknown): void => {
    try {
      const latency_ms = Math.min(Math.max(latencyMs, 0), MAX_LATENCY_MS);
      const endMs = now();
      stats.calls++;
      send(() => reporter.apiCall({ timestamp: endMs, host, env, exchange: name, method, outcome, latency_ms }));
      const dataType = CCXT_DATA_TYPES.get(method);
      if (outcome !== 'ok' || dataType === undefined) return;
      const symbol = typeof args[0] === 'string' ? args[0] : undefined;
      for (const d of fetchedData(result, symbol)) {
        stats.fetchEvents++;
        // Data stamped ahead of this clock (exchange clock skew) is counted as of now.
        const data_timestamp = Math.min(d.newestMs ?? endMs, endMs);
        send(() => reporter.fetchEvent({ timestamp: endMs, host, env, exchange: name, symbol: d.symbol, data_type: dataType, records: d.records, bytes: d.bytes, latency_ms, data_timestamp }));
      }
    } catch (error) {
      // Monitoring must not break trading: a result we cannot read is reported, not thrown.
      onError(error as Error);
    }
  };

  const wrap = (method: string, original: (...args: unknown[]) => unknown) =>
    function instrumented(this: unknown, ...args: unknown[]): unknown {
      if (insideCall.getStore()) return original.apply(this, args);
      const started = performance.now();
      const finish = (outcome: ApiCallOutcome, result: unknown) => report(method, args, performance.now() - started, outcome, result);
      let value: unknown;
      try {
        value = insideCall.run(true, () => original.apply(this, args));
      } catch (error) {
        finish(ccxtOutcome(error), undefined);
        throw error;
      }
      if (!isThenable(value)) {
        finish('ok', value);
        return value;
      }
      return value.then(
        (result) => {
          finish('ok', result);
          return result;
        },
        (error: unknown) => {
          finish(ccxtOutcome(error), undefined);
          throw error;
        },
      );
    };

  const methods: string[] = [];
  for (const method of Object.keys(exchange.has)) {
    const original = target[method];
    if (typeof original !== 'function' || !API_METHOD_PATTERN.test(method)) continue;
    target[method] = wrap(method, original as (...args: unknown[]) => unknown);
    methods.push(method);
  }
  const instrumentation: CcxtInstrumentation = { methods, stats };
  Object.defineProperty(target, INSTRUMENTED, { value: instrumentation, enumerable: false });
  return instrumentation;
}

function isThenable(v: unknown): v is Promise<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
