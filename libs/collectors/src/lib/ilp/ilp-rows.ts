import { TABLES, formatIsoMicros, type QuestDbType, type TableName } from '@tradewatch/models';
import type { IlpLine, IlpValue } from './ilp-parser';

/** One problem with one line: the line number, and the table and column when known. */
export interface IlpLineIssue {
  line: number;
  table?: string;
  column?: string;
  message: string;
}

/** The lines of one table as JSON-shaped rows (what `/v1/metrics/*` would receive), and their line numbers. */
export interface IlpTableBatch {
  table: TableName;
  rows: Record<string, unknown>[];
  lines: number[];
}

const DESCRIBE: Record<IlpValue['kind'], string> = {
  string: 'a string',
  integer: 'an integer (i)',
  float: 'a float',
  boolean: 'a boolean',
  timestamp: 'a timestamp (t)',
};
const EXPECTED: Record<QuestDbType, string> = {
  SYMBOL: 'a tag (or a string)',
  VARCHAR: 'a string ("…")',
  LONG: 'an integer such as 12i',
  DOUBLE: 'a float (or an integer)',
  BOOLEAN: 'a boolean (t/f/true/false)',
  TIMESTAMP: 'a timestamp such as 1700000000000000t (microseconds)',
};

/**
 * A field value as the JSON API would carry it, or an error message when the line-protocol type
 * cannot feed the column's QuestDB type. Range and name rules are left to the table's validation,
 * so a line is judged exactly like the JSON row it becomes.
 */
function jsonValue(type: QuestDbType, value: IlpValue): { ok: unknown } | { error: string } {
  switch (type) {
    case 'SYMBOL':
    case 'VARCHAR':
      if (value.kind === 'string') return { ok: value.value };
      break;
    case 'LONG':
      if (value.kind === 'integer') {
        // Beyond 2^53 a double is no longer exact; the registry's LONG columns stop there too.
        if (value.value > BigInt(Number.MAX_SAFE_INTEGER) || value.value < BigInt(Number.MIN_SAFE_INTEGER)) {
          return { error: `integer ${value.value} is outside the exact range (±${Number.MAX_SAFE_INTEGER})` };
        }
        return { ok: Number(value.value) };
      }
      break;
    case 'DOUBLE':
      if (value.kind === 'float') return { ok: value.value };
      if (value.kind === 'integer') return { ok: Number(value.value) };
      break;
    case 'BOOLEAN':
      if (value.kind === 'boolean') return { ok: value.value };
      break;
    case 'TIMESTAMP':
      if (value.kind === 'timestamp') return { ok: formatIsoMicros(Number(value.micros)) };
      break;
  }
  return { error: `cast error from ${DESCRIBE[value.kind]} to column type ${type}: expected ${EXPECTED[type]}` };
}

/** The tables line protocol may write: those the JSON API writes (`/v1/metrics/*`). */
export type IlpTables = ReadonlySet<TableName>;

/**
 * Turns parsed lines into per-table JSON-shaped rows. Unknown tables, tags on non-symbol
 * columns, repeated columns and type mismatches are issues here; unknown columns are passed
 * through so the table's validation names them, like a JSON row's unknown field.
 */
export function ilpToRows(lines: readonly IlpLine[], tables: IlpTables, nowMicros: () => number): { batches: IlpTableBatch[]; issues: IlpLineIssue[] } {
  const batches = new Map<TableName, IlpTableBatch>();
  const issues: IlpLineIssue[] = [];
  for (const l of lines) {
    const table = l.table as TableName;
    if (!tables.has(table)) {
      issues.push({ line: l.line, table: l.table, message: `unknown table; line protocol writes ${[...tables].join(', ')}` });
      continue;
    }
    const columns = TABLES[table].columns as Record<string, { type: QuestDbType }>;
    const row: Record<string, unknown> = Object.create(null);
    const lineIssues: IlpLineIssue[] = [];
    const set = (column: string, value: unknown) => {
      if (Object.prototype.hasOwnProperty.call(row, column)) lineIssues.push({ line: l.line, table, column, message: 'column given more than once' });
      else row[column] = value;
    };
    const micros = l.timestampMicros ?? BigInt(nowMicros());
    set('timestamp', formatIsoMicros(Number(micros)));
    for (const [name, value] of l.tags) {
      const column = Object.prototype.hasOwnProperty.call(columns, name) ? columns[name] : undefined;
      if (name === 'timestamp') lineIssues.push({ line: l.line, table, column: name, message: 'the designated timestamp is the line\'s timestamp, not a tag' });
      else if (column !== undefined && column.type !== 'SYMBOL') lineIssues.push({ line: l.line, table, column: name, message: `sent as a tag, but the column type is ${column.type}: expected ${EXPECTED[column.type]}` });
      else set(name, value);
    }
    for (const [name, value] of l.fields) {
      const column = Object.prototype.hasOwnProperty.call(columns, name) ? columns[name] : undefined;
      if (name === 'timestamp') {
        lineIssues.push({ line: l.line, table, column: name, message: 'the designated timestamp is the line\'s timestamp, not a field' });
        continue;
      }
      if (column === undefined) {
        set(name, value.kind === 'integer' ? Number(value.value) : value.kind === 'timestamp' ? String(value.micros) : 'value' in value ? value.value : null);
        continue;
      }
      const converted = jsonValue(column.type, value);
      if ('error' in converted) lineIssues.push({ line: l.line, table, column: name, message: converted.error });
      else set(name, converted.ok);
    }
    if (lineIssues.length > 0) {
      issues.push(...lineIssues);
      continue;
    }
    let batch = batches.get(table);
    if (!batch) batches.set(table, (batch = { table, rows: [], lines: [] }));
    // A plain object again: validation treats the row like a parsed JSON body.
    batch.rows.push({ ...row });
    batch.lines.push(l.line);
  }
  return { batches: [...batches.values()], issues };
}
