import type { z } from 'zod';
import { ValidationError, type FieldIssue } from './errors';
import { tableDef, type Row, type TableName } from './registry';
import { DEFAULT_VALIDATION_OPTIONS, type ValidationOptions } from './validation-options';

/** Turns zod issues of one row into our field-level issues. */
export function toFieldIssues(row: number, error: z.ZodError, input: unknown): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ row, path: key, message: 'unknown field' }));
    }
    const path = issue.path.map(String).join('.');
    if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.path.length === 1 && isMissing(input, issue.path[0])) {
      return [{ row, path, message: 'is required' }];
    }
    return [{ row, path, message: issue.message }];
  });
}

function isMissing(input: unknown, key: PropertyKey): boolean {
  return typeof input === 'object' && input !== null && (input as Record<PropertyKey, unknown>)[key] === undefined;
}

/**
 * Validates one row or an array of rows for a table, all or nothing: either every row is valid
 * and the parsed rows come back, or a ValidationError lists every bad field of every row. `input`
 * is never written. The rows are new objects of one shape per table: every column (`undefined`
 * where none was sent), in registry order, timestamps in µs (see CompileExtras.fields for why).
 */
export function validateRows<T extends TableName>(table: T, input: unknown, options: ValidationOptions = DEFAULT_VALIDATION_OPTIONS): Row<T>[] {
  const items = Array.isArray(input) ? input : [input];
  if (items.length === 0) {
    throw new ValidationError(table, [{ row: 0, path: '', message: 'at least one row is required' }]);
  }
  const def = tableDef(table);
  const compiled = def.compiled(options);
  const nowMs = options.now();
  const rows: Row<T>[] = [];
  const issues: FieldIssue[] = [];
  items.forEach((item, i) => {
    // The compiled validator accepts valid rows fast; zod, the definition, words the issues.
    const fast = compiled(item, nowMs);
    if (fast) {
      rows.push(fast as Row<T>);
      return;
    }
    const parsed = def.schema(options).safeParse(item);
    if (parsed.success) rows.push(parsed.data as Row<T>);
    else issues.push(...toFieldIssues(i, parsed.error, item));
  });
  if (issues.length > 0) throw new ValidationError(table, issues);
  return rows;
}
