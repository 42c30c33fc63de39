import { z } from 'zod';
import { parseIsoMicros } from './timestamp';
import { DATA_TYPES, ENVIRONMENTS, type ValidationOptions } from './validation-options';

/** The QuestDB column types Tradewatch uses, spelled as QuestDB's `table_columns()` reports them. */
export type QuestDbType = 'TIMESTAMP' | 'SYMBOL' | 'VARCHAR' | 'LONG' | 'DOUBLE' | 'BOOLEAN';

/**
 * One column of a table: its QuestDB type and how an input value is validated. The zod schema is
 * built from options because some rules (future skew, exchange allow-list) are configurable.
 */
export interface Column<Z extends z.ZodType = z.ZodType> {
  type: QuestDbType;
  /** SYMBOL capacity in the DDL. */
  capacity?: number;
  /** A cumulative counter (never decreases except on a daemon restart). */
  counter?: boolean;
  zod: (options: ValidationOptions) => Z;
}

// Control characters (C0, DEL, C1) break ILP lines, logs and dashboards.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

const name = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL_CHARS.test(s), 'must not contain control characters');

const timestampSchema = (o: ValidationOptions) =>
  z.string().transform((text, ctx) => {
    const micros = parseIsoMicros(text);
    if (micros === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be an ISO-8601 UTC timestamp such as 2026-01-31T12:00:00.000000Z',
      });
      return z.NEVER;
    }
    const limit = (o.now() + o.maxFutureSkewMs) * 1000;
    if (micros > limit) {
      ctx.addIssue({
        code: 'custom',
        message: `is in the future (more than ${o.maxFutureSkewMs} ms ahead of the collector's clock)`,
      });
      return z.NEVER;
    }
    return micros;
  });

const count = () =>
  z.number().int('must be an integer').min(0, 'must be >= 0').max(Number.MAX_SAFE_INTEGER);

/** Column builders: each returns the QuestDB type together with its validation. */
export const col = {
  /** The designated timestamp: required. */
  designated: (): Column<ReturnType<typeof timestampSchema>> => ({
    type: 'TIMESTAMP',
    zod: timestampSchema,
  }),
  timestamp: () => ({ type: 'TIMESTAMP' as const, zod: (o: ValidationOptions) => timestampSchema(o).nullish() }),
  host: () => ({ type: 'SYMBOL' as const, capacity: 1000, zod: () => name(255) }),
  env: () => ({ type: 'SYMBOL' as const, capacity: 256, zod: () => z.enum(ENVIRONMENTS) }),
  exchange: () => ({
    type: 'SYMBOL' as const,
    capacity: 256,
    zod: (o: ValidationOptions) =>
      name(64).refine((s) => o.exchanges.includes(s), {
        message: `must be one of the configured exchanges (${o.exchanges.join(', ')})`,
      }),
  }),
  dataType: () => ({ type: 'SYMBOL' as const, capacity: 256, zod: () => z.enum(DATA_TYPES) }),
  /** A free-form name such as a strategy or CCXT symbol (`BTC/USDT:USDT`). */
  symbol: (capacity: number) => ({ type: 'SYMBOL' as const, capacity, zod: () => name(255) }),
  counter: () => ({ type: 'LONG' as const, counter: true, zod: () => count().nullish() }),
  long: () => ({ type: 'LONG' as const, zod: () => count().nullish() }),
  double: (min = -Number.MAX_VALUE, max = Number.MAX_VALUE) => ({
    type: 'DOUBLE' as const,
    zod: () =>
      z
        .number()
        .min(min, `must be >= ${min}`)
        .max(max, `must be <= ${max}`)
        .nullish(),
  }),
  latencyMs: () => ({
    type: 'DOUBLE' as const,
    zod: () => z.number().min(0, 'must be >= 0').max(10_000, 'must be <= 10000').nullish(),
  }),
  boolean: () => ({ type: 'BOOLEAN' as const, zod: () => z.boolean() }),
  text: (max = 4096) => ({
    type: 'VARCHAR' as const,
    zod: () => z.string().max(max, `must be at most ${max} characters`).nullish(),
  }),
} satisfies Record<string, (...args: never[]) => Column>;
