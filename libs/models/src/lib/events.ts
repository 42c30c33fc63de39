import { z } from 'zod';
import { ValidationError, type FieldIssue } from './errors';
import { TABLES } from './registry';
import { wholeNumber } from './columns';
import { compiledFor, withCompiled } from './compiled-validator';
import { perOptions } from './per-options';
import { toFieldIssues } from './validate';
import type { ValidationOptions } from './validation-options';

// Field rules are the registry's, so an event field is validated exactly like the column it feeds.
const cols = TABLES.pipeline_metrics.columns;
const name = () => cols.host.zod();
/**
 * An event's timestamp is bounded like the designated timestamp of the table it feeds (its TTL):
 * a fetch's data_timestamp too, so that a gap in the data can never be decades long.
 */
const timestamp = (o: ValidationOptions, table: 'pipeline_metrics' | 'trading_metrics' = 'pipeline_metrics') =>
  cols.timestamp.zod(o, { retentionDays: TABLES[table].retentionDays, table });
const exchange = (o: ValidationOptions) => cols.exchange.zod(o);
/** The limits of an event timestamp feeding `table`, for the compiled validator (as `timestamp` gives zod). */
const limits = (o: ValidationOptions, table: 'pipeline_metrics' | 'trading_metrics') => ({ options: o, retentionDays: TABLES[table].retentionDays, table });
const count = () => wholeNumber(0);
const positive = () => z.number().positive('must be > 0').max(Number.MAX_VALUE);

/** `POST /v1/events/fetch`: one fetch of one data type for one symbol by a pipeline daemon. */
export const fetchEventSchema = perOptions((o: ValidationOptions) =>
  withCompiled(z.strictObject({
    /** When the fetch completed; default: when the collector received it. */
    timestamp: timestamp(o).optional(),
    host: name(),
    env: cols.env.zod(),
    exchange: exchange(o),
    symbol: cols.symbol.zod(),
    data_type: cols.data_type.zod(),
    records: count(),
    bytes: count(),
    latency_ms: z.number().min(0, 'must be >= 0').max(10_000, 'must be <= 10000'),
    /** The timestamp of the newest data point fetched (exchange time). */
    data_timestamp: timestamp(o),
  }), o, { timestamps: [{ name: 'timestamp', limits: limits(o, 'pipeline_metrics') }, { name: 'data_timestamp', limits: limits(o, 'pipeline_metrics') }] }));
export type FetchEvent = z.output<ReturnType<typeof fetchEventSchema>>;

const apiCols = TABLES.exchange_api_calls.columns;

/** `POST /v1/events/api`: one exchange API call (REST or `watch*`) with its outcome and latency. */
export const apiEventSchema = perOptions((o: ValidationOptions) =>
  withCompiled(z.strictObject({
    /** When the call completed (validated; the call counts in the interval in which it arrives). */
    timestamp: timestamp(o).optional(),
    host: name(),
    env: cols.env.zod(),
    exchange: exchange(o),
    /** The ccxt unified method, e.g. `fetchTicker`, `createOrder`, `watchTrades`. */
    method: apiCols.method.zod(),
    /** `ok`, or the ccxt error class the call failed with (nearest listed class), `other` otherwise. */
    outcome: apiCols.outcome.zod(),
    /** Wall time of the call, capped at 10000 by the client. */
    latency_ms: z.number().min(0, 'must be >= 0').max(10_000, 'must be <= 10000'),
  }), o, { timestamps: [{ name: 'timestamp', limits: limits(o, 'pipeline_metrics') }] }));
export type ApiEvent = z.output<ReturnType<typeof apiEventSchema>>;

const position = {
  strategy: name(),
  symbol: name(),
  venue: name(),
  env: cols.env.zod(),
};

/** `POST /v1/events/trading`: what a strategy did or saw. */
export const tradingEventSchema = perOptions((o: ValidationOptions) =>
  withCompiled(z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('order_placed'), timestamp: timestamp(o, 'trading_metrics').optional(), ...position, order_id: name().optional(), side: z.enum(['buy', 'sell']), quantity: positive(), price: positive().optional() }),
    z.strictObject({ type: z.literal('order_filled'), timestamp: timestamp(o, 'trading_metrics').optional(), ...position, order_id: name().optional(), side: z.enum(['buy', 'sell']), quantity: positive(), price: positive(), fee: z.number().min(0, 'must be >= 0').optional() }),
    /** A mark price for a symbol on a venue; applies to every strategy's position there. */
    z.strictObject({ type: z.literal('mark'), timestamp: timestamp(o, 'trading_metrics').optional(), symbol: name(), venue: name(), price: positive() }),
    /** A position snapshot (e.g. after a restart or reconciliation); replaces the tracked size and average price. */
    z.strictObject({ type: z.literal('position'), timestamp: timestamp(o, 'trading_metrics').optional(), ...position, size: z.number(), avg_price: z.number().min(0, 'must be >= 0') }),
  ]), o, { timestamps: [{ name: 'timestamp', limits: limits(o, 'trading_metrics') }] }));
export type TradingEvent = z.output<ReturnType<typeof tradingEventSchema>>;

/**
 * Validates one event or an array of events, all or nothing, with the same field-level issues
 * as rows. `stream` names the events in the error (e.g. `fetch_events`).
 */
export function validateEvents<T>(stream: string, schema: z.ZodType<T, unknown>, input: unknown): T[] {
  const items = Array.isArray(input) ? input : [input];
  if (items.length === 0) throw new ValidationError(stream, [{ row: 0, path: '', message: 'at least one event is required' }]);
  const out: T[] = [];
  const issues: FieldIssue[] = [];
  const compiled = compiledFor(schema);
  const nowMs = compiled?.now();
  items.forEach((item, i) => {
    // The compiled validator accepts valid events fast; zod, the definition, words the issues.
    const fast = compiled?.validate(item, nowMs);
    if (fast) {
      out.push(fast as T);
      return;
    }
    const parsed = schema.safeParse(item);
    if (parsed.success) out.push(parsed.data);
    else issues.push(...toFieldIssues(i, parsed.error, item));
  });
  if (issues.length > 0) throw new ValidationError(stream, issues);
  return out;
}
