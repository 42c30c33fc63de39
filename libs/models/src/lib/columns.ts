import { z } from 'zod';
import { timestampProblem, type TimestampLimits } from './timestamp-limits';
import { DATA_TYPES, ENVIRONMENTS, type ValidationOptions } from './validation-options';

/** The QuestDB column types Tradewatch uses, spelled as QuestDB's `table_columns()` reports them. */
export type QuestDbType = 'TIMESTAMP' | 'SYMBOL' | 'VARCHAR' | 'LONG' | 'DOUBLE' | 'BOOLEAN';

/** What a column's validation may depend on besides the options: the table it belongs to. */
export interface ColumnContext {
  /** The table's TTL: a designated timestamp older than this would be dropped by QuestDB at once. */
  retentionDays?: number;
  /** The table's name, for messages. */
  table?: string;
}

/**
 * One column of a table: its QuestDB type and how an input value is validated. The zod schema is
 * built from options because some rules (future skew, exchange allow-list) are configurable, and
 * from the table's context (the designated timestamp's retention limit).
 */
export interface Column<Z extends z.ZodType = z.ZodType> {
  type: QuestDbType;
  /** SYMBOL capacity in the DDL. */
  capacity?: number;
  /** A cumulative counter (never decreases except on a daemon restart). */
  counter?: boolean;
  /**
   * The values a LONG or DOUBLE column may hold (inclusive), also for values the collector derives
   * (sums, PnL): without it a LONG holds safe integers and a DOUBLE finite numbers.
   */
  range?: { min: number; max: number };
  zod: (options: ValidationOptions, context?: ColumnContext) => Z;
}

/**
 * Characters a name must not contain, so that names that look alike are the same series:
 * control characters (C0, DEL, C1: they break ILP lines, logs and dashboards), invisible format
 * characters (zero-width, bidi overrides, byte-order mark), lone surrogates, line and paragraph
 * separators, and U+FFFD, which stands for bytes that were not valid UTF-8.
 * Patterns rather than refinements, so the JSON Schema zod emits (and the compiled validator) holds them.
 */
export const NAME_RULES: readonly (readonly [RegExp, string])[] = [
  [/^[^\p{Cc}]*$/u, 'must not contain control characters'],
  [/^[^\p{Cf}\p{Zl}\p{Zp}]*$/u, 'must not contain invisible format characters (zero-width, bidi controls, byte-order mark, line separators)'],
  [/^[^\p{Cs}]*$/u, 'must not contain lone surrogates'],
  [/^[^\uFFFD]*$/u, 'must not contain U+FFFD, the replacement for bytes that were not valid UTF-8'],
];

const name = (max: number) =>
  NAME_RULES.reduce(
    (schema, [pattern, message]) => schema.regex(pattern, message),
    z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`),
  );

const timestampSchema = (o: ValidationOptions, context: ColumnContext | undefined, designated: boolean) => {
  const limits: TimestampLimits = {
    options: o,
    retentionDays: designated ? context?.retentionDays : undefined,
    table: context?.table,
  };
  return z.string().transform((text, ctx) => {
    const checked = timestampProblem(text, limits);
    if (typeof checked === 'string') {
      ctx.addIssue({ code: 'custom', message: checked });
      return z.NEVER;
    }
    return checked;
  });
};

const SAFE = { min: 0, max: Number.MAX_SAFE_INTEGER };

/**
 * An integer from `min` that a JSON number carries exactly (QuestDB LONG): one reason per refused
 * value, the checks stopping at the first that fails (1e30 is too big, not "not an integer").
 */
export const wholeNumber = (min: 0 | 1) =>
  z
    .number()
    .min(min, { error: `must be >= ${min}`, abort: true })
    .max(Number.MAX_SAFE_INTEGER, { error: `must be at most ${Number.MAX_SAFE_INTEGER} (2^53 - 1: a larger JSON number loses digits)`, abort: true })
    .int('must be an integer');
const count = () => wholeNumber(0);

/** Column builders: each returns the QuestDB type together with its validation. */
export const col = {
  /** The designated timestamp: required. */
  designated: (): Column<ReturnType<typeof timestampSchema>> => ({
    type: 'TIMESTAMP',
    zod: (o, context) => timestampSchema(o, context, true),
  }),
  timestamp: () => ({
    type: 'TIMESTAMP' as const,
    zod: (o: ValidationOptions, context?: ColumnContext) => timestampSchema(o, context, false).nullish(),
  }),
  host: () => ({ type: 'SYMBOL' as const, capacity: 1000, zod: () => name(255) }),
  env: () => ({ type: 'SYMBOL' as const, capacity: 256, zod: () => z.enum(ENVIRONMENTS) }),
  exchange: () => ({
    type: 'SYMBOL' as const,
    capacity: 256,
    // An enum, not a refinement: the allow-list is then part of the JSON Schema (and the OpenAPI document).
    zod: (o: ValidationOptions) =>
      z.enum(o.exchanges as [string, ...string[]], {
        error: `must be one of the configured exchanges (${o.exchanges.join(', ')})`,
      }),
  }),
  dataType: () => ({ type: 'SYMBOL' as const, capacity: 256, zod: () => z.enum(DATA_TYPES) }),
  /** A free-form name such as a strategy or CCXT symbol (`BTC/USDT:USDT`). */
  symbol: (capacity: number) => ({ type: 'SYMBOL' as const, capacity, zod: () => name(255) }),
  counter: () => ({ type: 'LONG' as const, counter: true, range: SAFE, zod: () => count().nullish() }),
  long: () => ({ type: 'LONG' as const, range: SAFE, zod: () => count().nullish() }),
  double: (min = -Number.MAX_VALUE, max = Number.MAX_VALUE) => ({
    type: 'DOUBLE' as const,
    range: { min, max },
    zod: () =>
      z
        .number()
        .min(min, `must be >= ${min}`)
        .max(max, `must be <= ${max}`)
        .nullish(),
  }),
  latencyMs: () => ({
    type: 'DOUBLE' as const,
    range: { min: 0, max: 10_000 },
    zod: () => z.number().min(0, 'must be >= 0').max(10_000, 'must be <= 10000').nullish(),
  }),
  boolean: () => ({ type: 'BOOLEAN' as const, zod: () => z.boolean() }),
  /** Free text (an error message): any character except the two that cannot be stored as sent. */
  text: (max = 4096) => ({
    type: 'VARCHAR' as const,
    zod: () =>
      z
        .string()
        .max(max, `must be at most ${max} characters`)
        // QuestDB stores NUL but its /exec JSON then cannot be parsed, and a lone surrogate has no UTF-8 form (it would be stored as U+FFFD).
        // eslint-disable-next-line no-control-regex -- NUL is exactly what is refused
        .regex(/^[^\u0000]*$/u, 'must not contain NUL characters')
        .regex(/^[^\p{Cs}]*$/u, 'must not contain lone surrogates')
        .nullish(),
  }),
} satisfies Record<string, (...args: never[]) => Column>;
