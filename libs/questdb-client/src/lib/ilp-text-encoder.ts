import { tableDef, type TableName } from '@tradewatch/models';
import { RowEncodingError } from './errors';

/** Encodes a batch of rows of one table into ILP text lines, one line per row. */
export type TextEncoder = (rows: readonly object[]) => string;
/** Encodes a batch of rows of one table into the body of one ILP/HTTP request. */
export type BatchEncoder = (rows: readonly object[]) => Buffer;

// ILP escaping (as the client does it): outside quotes space, comma and equals sign, inside
// quotes the double quote; backslash and line breaks everywhere.
const UNQUOTED = /[ ,=\n\r\\]/g;
const NEEDS_ESCAPE = /[ ,=\n\r\\]/;
const QUOTED = /["\n\r\\]/g;
const NEEDS_QUOTE_ESCAPE = /["\n\r\\]/;
const escapeName = (s: string) => s.replace(UNQUOTED, '\\$&');
const escapeString = (s: string) => s.replace(QUOTED, '\\$&');

/** Beyond ±2^63 a LONG does not exist; -2^63 itself is QuestDB's null. */
const LONG_LIMIT = 2 ** 63;

/** What the generated code calls: checks that throw a RowEncodingError naming the column, and the escapers. */
function helpers(table: TableName) {
  const fail = (column: string, value: unknown, what: string): never => {
    throw new RowEncodingError(table, column, `${typeof value === 'string' ? JSON.stringify(value) : String(value)} ${what}`);
  };
  return {
    symbol(v: unknown, column: string): string {
      if (typeof v !== 'string') return fail(column, v, 'is not a string');
      return NEEDS_ESCAPE.test(v) ? escapeName(v) : v;
    },
    long(v: unknown, column: string): number {
      if (!Number.isInteger(v)) return fail(column, v, 'is not an integer');
      if (!((v as number) < LONG_LIMIT && (v as number) > -LONG_LIMIT)) return fail(column, v, 'is outside the range of a LONG');
      return v as number;
    },
    // JavaScript's shortest round-trip form (1e+21, 5e-7) is what QuestDB parses back to the same double.
    double(v: unknown, column: string): number {
      if (typeof v !== 'number') return fail(column, v, 'is not a number');
      if (!Number.isFinite(v)) return fail(column, v, 'is not a finite number');
      return v;
    },
    bool(v: unknown, column: string): string {
      if (typeof v !== 'boolean') return fail(column, v, 'is not a boolean');
      return v ? 't' : 'f';
    },
    string(v: unknown, column: string): string {
      if (typeof v !== 'string') return fail(column, v, 'is not a string');
      return NEEDS_QUOTE_ESCAPE.test(v) ? escapeString(v) : v;
    },
    empty(): never {
      throw new RowEncodingError(table, '(row)', 'a row needs a symbol or a non-null field');
    },
  };
}

/**
 * The registry-driven ILP text encoder of a table (the format the client's `Sender` produces,
 * timestamps in microseconds with the `t` suffix), compiled once per table into straight-line
 * code: one property read and one type check per column, no per-column dispatch. Symbols come
 * first, then fields in registry order; null and absent values are left out, which QuestDB stores
 * as null. A value of the wrong type, a non-finite double or an integer beyond a LONG throws a
 * `RowEncodingError` naming the column: nothing QuestDB would refuse leaves the encoder.
 */
export function textEncoder(table: TableName): TextEncoder {
  const def = tableDef(table);
  const lit = (s: string) => JSON.stringify(s);
  const symbols: string[] = [];
  const fields: string[] = [];
  for (const name of def.columnNames) {
    if (name === 'timestamp') continue;
    const type = def.columns[name].type;
    const read = `r[${lit(name)}]`;
    const key = escapeName(name);
    if (type === 'SYMBOL') {
      symbols.push(`line += ${lit(`,${key}=`)} + h.symbol(${read}, ${lit(name)});`);
      continue;
    }
    const text = {
      LONG: `h.long(v, ${lit(name)}) + 'i'`,
      DOUBLE: `h.double(v, ${lit(name)})`,
      BOOLEAN: `h.bool(v, ${lit(name)})`,
      VARCHAR: `'"' + h.string(v, ${lit(name)}) + '"'`,
      TIMESTAMP: `h.long(v, ${lit(name)}) + 't'`,
    }[type];
    fields.push(`v = ${read}; if (v !== null && v !== undefined) { line += sep + ${lit(`${key}=`)} + ${text}; sep = ','; }`);
  }
  const body = [
    'let text = "";',
    'for (let i = 0; i < rows.length; i++) {',
    '  const r = rows[i];',
    '  let v;',
    `  let line = ${lit(escapeName(table))};`,
    ...symbols.map((s) => `  ${s}`),
    "  let sep = ' ';",
    ...fields.map((f) => `  ${f}`),
    symbols.length === 0 ? "  if (sep === ' ') h.empty();" : '',
    "  text += line + ' ' + h.long(r.timestamp, 'timestamp') + 't\\n';",
    '}',
    'return text;',
  ].join('\n');
  // Column names come from the registry (identifiers), and are embedded as JSON string literals.
  const compiled = new Function('h', 'rows', body) as (h: ReturnType<typeof helpers>, rows: readonly object[]) => string;
  const h = helpers(table);
  return (rows) => compiled(h, rows);
}

/** `textEncoder` as one Buffer per request body. */
export function batchEncoder(table: TableName): BatchEncoder {
  const encode = textEncoder(table);
  return (rows) => Buffer.from(encode(rows), 'utf8');
}
