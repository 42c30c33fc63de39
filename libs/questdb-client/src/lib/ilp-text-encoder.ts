import { tableDef, type QuestDbType, type TableName } from '@tradewatch/models';

/** Encodes a batch of rows of one table into the body of one ILP/HTTP request. */
export type BatchEncoder = (rows: readonly object[]) => Buffer;

// ILP escaping (as the client does it): outside quotes space, comma and equals sign, inside
// quotes the double quote; backslash and line breaks everywhere.
const UNQUOTED = /[ ,=\n\r\\]/g;
const NEEDS_ESCAPE = /[ ,=\n\r\\]/;
const QUOTED = /["\n\r\\]/g;
const escapeName = (s: string) => s.replace(UNQUOTED, '\\$&');
const escapeString = (s: string) => s.replace(QUOTED, '\\$&');

function integer(value: unknown, column: string): number {
  if (!Number.isInteger(value)) throw new TypeError(`${column}: ${String(value)} is not an integer`);
  return value as number;
}

function fieldText(type: Exclude<QuestDbType, 'SYMBOL'>, column: string, value: unknown): string {
  switch (type) {
    case 'LONG':
      return `${integer(value, column)}i`;
    // JavaScript's shortest round-trip form (1e+21, 5e-7, NaN) is what QuestDB parses back to the same double.
    case 'DOUBLE':
      if (typeof value !== 'number') throw new TypeError(`${column}: ${String(value)} is not a number`);
      return String(value);
    case 'BOOLEAN':
      if (typeof value !== 'boolean') throw new TypeError(`${column}: ${String(value)} is not a boolean`);
      return value ? 't' : 'f';
    case 'VARCHAR':
      if (typeof value !== 'string') throw new TypeError(`${column}: ${String(value)} is not a string`);
      return `"${escapeString(value)}"`;
    case 'TIMESTAMP':
      return `${integer(value, column)}t`;
  }
}

/**
 * The registry-driven ILP encoder of a table, writing text lines (the format the client's
 * `Sender` produces, timestamps in microseconds with the `t` suffix) as one string per batch and
 * one Buffer per request. The client's buffer writes every character with a separate
 * `Buffer.write`, which was a third of the collector's CPU time under load (docs/benchmarks.md).
 * Symbols come first, then fields in registry order; null and absent values are left out, which
 * QuestDB stores as null. A value of the wrong type throws a TypeError naming the column.
 */
export function batchEncoder(table: TableName): BatchEncoder {
  const def = tableDef(table);
  const prefix = escapeName(table);
  const symbols: { name: string; key: string }[] = [];
  const fields: { name: string; type: Exclude<QuestDbType, 'SYMBOL'>; first: string; next: string }[] = [];
  for (const name of def.columnNames) {
    if (name === 'timestamp') continue;
    const type = def.columns[name].type;
    if (type === 'SYMBOL') symbols.push({ name, key: `,${escapeName(name)}=` });
    else fields.push({ name, type, first: ` ${escapeName(name)}=`, next: `,${escapeName(name)}=` });
  }
  return (rows) => {
    let text = '';
    for (const row of rows) {
      const r = row as Record<string, unknown>;
      let line = prefix;
      for (const s of symbols) {
        const v = r[s.name];
        if (typeof v !== 'string') throw new TypeError(`${s.name}: ${String(v)} is not a string`);
        line += s.key + (NEEDS_ESCAPE.test(v) ? escapeName(v) : v);
      }
      let separator: 'first' | 'next' = 'first';
      for (const f of fields) {
        const v = r[f.name];
        if (v === null || v === undefined) continue;
        line += f[separator] + fieldText(f.type, f.name, v);
        separator = 'next';
      }
      if (separator === 'first' && symbols.length === 0) throw new TypeError(`${table}: a row needs a symbol or a non-null field`);
      text += `${line} ${integer(r['timestamp'], 'timestamp')}t\n`;
    }
    return Buffer.from(text, 'utf8');
  };
}
