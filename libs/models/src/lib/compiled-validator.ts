import Ajv from 'ajv';
import { z } from 'zod';
import type { Column } from './columns';
import { timestampProblem, type TimestampLimits } from './timestamp-limits';
import type { ValidationOptions } from './validation-options';

/** A validator compiled once: the parsed value, or undefined when it is not valid. `nowMs`: the clock, read once per batch. */
export type CompiledValidator = (input: unknown, nowMs?: number) => Record<string, unknown> | undefined;

/** What JSON Schema cannot say about a value, checked by the functions zod runs too. */
export interface CompileExtras {
  /** Fields holding ISO timestamps (zod transforms them to epoch µs), with their limits. */
  timestamps: readonly { name: string; limits: TimestampLimits }[];
  /** Cross-field rules (zod's superRefine): `report` marks the value invalid. */
  rules?: (value: Record<string, unknown>, report: () => void) => void;
}

const ajv = new Ajv({ allErrors: false, strict: false });

/**
 * Compiles a zod schema's validation once: ajv code generated from the JSON Schema that zod emits
 * (types, ranges, patterns, enums, required and unknown fields, unions), then what JSON Schema
 * cannot say, with the very functions zod runs: timestamps parsed and bounded (timestampProblem)
 * and cross-field rules. zod stays the single definition: a value this refuses is validated by zod
 * again for its messages, so they are zod's, word for word (property tests check both agree).
 */
export function compileValidator(schema: z.ZodType, options: ValidationOptions, extras: CompileExtras): CompiledValidator {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-7' });
  const check = ajv.compile(json);
  const { rules } = extras;
  // The last answer per column: the rows of a batch mostly share their timestamps.
  const timestamps = extras.timestamps.map((t) => ({ ...t, text: '', nowMs: Number.NaN, answer: '' as number | string }));
  return (input, nowMs = options.now()) => {
    if (!check(input)) return undefined;
    const out = { ...(input as Record<string, unknown>) };
    for (const t of timestamps) {
      const v = out[t.name];
      if (typeof v !== 'string') continue;
      if (v !== t.text || nowMs !== t.nowMs) {
        t.answer = timestampProblem(v, t.limits, nowMs);
        t.text = v;
        t.nowMs = nowMs;
      }
      const micros = t.answer;
      if (typeof micros === 'string') return undefined;
      out[t.name] = micros;
    }
    let ok = true;
    rules?.(out, () => (ok = false));
    return ok ? out : undefined;
  };
}

interface TableSpecLike {
  name: string;
  retentionDays: number;
  columns: Record<string, Column>;
  columnNames: readonly string[];
  rules?: (row: never, report: (path: never, message: string) => void) => void;
}

/** A table's row validator: its TIMESTAMP columns (the designated one bounded by the TTL) and rules. */
export function compileRowValidator(spec: TableSpecLike, schema: z.ZodType, options: ValidationOptions): CompiledValidator {
  return compileValidator(schema, options, {
    timestamps: spec.columnNames
      .filter((n) => spec.columns[n].type === 'TIMESTAMP')
      .map((n) => ({ name: n, limits: { options, retentionDays: n === 'timestamp' ? spec.retentionDays : undefined, table: spec.name } })),
    rules: spec.rules as CompileExtras['rules'],
  });
}

const compiledBySchema = new WeakMap<z.ZodType, { validate: CompiledValidator; now: () => number }>();

/** Attaches a compiled validator to a schema (built once with it), for validateEvents to find. */
export function withCompiled<S extends z.ZodType>(schema: S, options: ValidationOptions, extras: CompileExtras): S {
  compiledBySchema.set(schema, { validate: compileValidator(schema, options, extras), now: options.now });
  return schema;
}

/** The compiled validator attached to a schema, with the clock of its options, if any. */
export function compiledFor(schema: z.ZodType): { validate: CompiledValidator; now: () => number } | undefined {
  return compiledBySchema.get(schema);
}
