import type { Column } from './columns';
import { TradewatchError, type FieldIssue } from './errors';
import { tableDef, type TableName } from './registry';

const LONG = { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };
const DOUBLE = { min: -Number.MAX_VALUE, max: Number.MAX_VALUE };

/** A row the collector built (an aggregate, PnL) holds a value its column cannot: a bug or an overflow, never stored. */
export class ColumnRangeError extends TradewatchError {
  readonly code = 'value_out_of_range';
  constructor(
    readonly table: string,
    readonly issues: FieldIssue[],
  ) {
    super(`${table}: ${issues.map((i) => `row ${i.row} ${i.path}: ${i.message}`).slice(0, 5).join('; ')}`);
  }
}

interface NumericColumn {
  name: string;
  integer: boolean;
  min: number;
  max: number;
}

const numericColumns = new Map<string, NumericColumn[]>();

function columnsOf(table: TableName): NumericColumn[] {
  let cols = numericColumns.get(table);
  if (!cols) {
    const def = tableDef(table);
    cols = def.columnNames.flatMap((name) => {
      const c = def.columns[name] as Column;
      if (c.type !== 'LONG' && c.type !== 'DOUBLE') return [];
      const range = c.range ?? (c.type === 'LONG' ? LONG : DOUBLE);
      return [{ name, integer: c.type === 'LONG', ...range }];
    });
    numericColumns.set(table, cols);
  }
  return cols;
}

/** Why `value` cannot be stored in the column, or undefined when it can. NaN and ±Infinity never can. */
function problem(c: NumericColumn, value: number): string | undefined {
  if (!Number.isFinite(value)) return `is ${value}, not a finite number`;
  if (c.integer && !Number.isInteger(value)) return `is ${value}, not an integer`;
  if (value < c.min || value > c.max) return `is ${value}, outside the column's range ${c.min}..${c.max}`;
  return undefined;
}

/**
 * The registry's range of every LONG and DOUBLE column, applied to rows the collector computed
 * (sums of events, PnL, exposure): the issues, empty when every value can be stored.
 */
export function rowRangeIssues(table: TableName, rows: readonly object[]): FieldIssue[] {
  const cols = columnsOf(table);
  const issues: FieldIssue[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as Record<string, unknown>;
    for (const c of cols) {
      const v = r[c.name];
      if (v === null || v === undefined) continue;
      const message = typeof v === 'number' ? problem(c, v) : `is ${typeof v}, not a number`;
      if (message) issues.push({ row: i, path: c.name, message });
    }
  }
  return issues;
}

/** Throws ColumnRangeError when a row holds a value its column cannot (see rowRangeIssues). */
export function checkRowRanges(table: TableName, rows: readonly object[]): void {
  const issues = rowRangeIssues(table, rows);
  if (issues.length > 0) throw new ColumnRangeError(table, issues);
}
