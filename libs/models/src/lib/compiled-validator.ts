import Ajv from 'ajv';
import { z } from 'zod';
import type { Column } from './columns';
import { timestampProblem, type TimestampLimits } from './timestamp-limits';
import type { ValidationOptions } from './validation-options';

/** A row validator compiled once: the parsed row, or undefined when the row is not valid. `nowMs`: the clock, read once per batch. */
export type CompiledRowValidator = (input: unknown, nowMs?: number) => Record<string, unknown> | undefined;

interface CompileSpec {
  name: string;
  retentionDays: number;
  columns: Record<string, Column>;
  columnNames: readonly string[];
  rules?: (row: never, report: (path: never, message: string) => void) => void;
}

const ajv = new Ajv({ allErrors: false, strict: false });

/**
 * Compiles a table's validation once per options: ajv code generated from the JSON Schema that
 * zod emits for the table's schema (types, ranges, patterns, enums, required and unknown fields),
 * then what JSON Schema cannot say, with the very functions zod runs: timestamps parsed and
 * bounded (timestampProblem) and the table's cross-field rules. zod stays the single definition:
 * a row this refuses is validated by zod again for its messages, so they are zod's, word for word
 * (and the property tests check both agree on every row).
 */
export function compileRowValidator(spec: CompileSpec, schema: z.ZodType, options: ValidationOptions): CompiledRowValidator {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-7' });
  const check = ajv.compile(json);
  const timestamps = spec.columnNames
    .filter((n) => spec.columns[n].type === 'TIMESTAMP')
    .map((n) => ({
      name: n,
      limits: { options, retentionDays: n === 'timestamp' ? spec.retentionDays : undefined, table: spec.name } as TimestampLimits,
    }));
  const rules = spec.rules as ((row: Record<string, unknown>, report: () => void) => void) | undefined;
  return (input, nowMs = options.now()) => {
    if (!check(input)) return undefined;
    const row = { ...(input as Record<string, unknown>) };
    for (const { name, limits } of timestamps) {
      const v = row[name];
      if (typeof v !== 'string') continue;
      const micros = timestampProblem(v, limits, nowMs);
      if (typeof micros === 'string') return undefined;
      row[name] = micros;
    }
    let ok = true;
    rules?.(row, () => (ok = false));
    return ok ? row : undefined;
  };
}
