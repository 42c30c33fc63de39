import { tableDef, type TableName } from '@tradewatch/models';
import { RowEncodingError } from './errors';
import { IlpByteWriter } from './ilp-byte-writer';

/** Encodes a batch of rows of one table into ILP text lines, one line per row. */
export type TextEncoder = (rows: readonly object[]) => string;
/** Encodes a batch of rows of one table into the body of one ILP/HTTP request. */
export type BatchEncoder = (rows: readonly object[]) => Buffer;

// ILP escaping (as the client does it): outside quotes space, comma and equals sign, inside
// quotes the double quote; backslash and line breaks everywhere (IlpByteWriter does the values).
const escapeName = (s: string) => s.replace(/[ ,=\n\r\\]/g, '\\$&');

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
      return v;
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
    text(v: unknown, column: string): string {
      if (typeof v !== 'string') return fail(column, v, 'is not a string');
      return v;
    },
    empty(): never {
      throw new RowEncodingError(table, '(row)', 'a row needs a symbol or a non-null field');
    },
  };
}

/** Encodes a batch of rows into ILP bytes, leaving `reserve` bytes free at the front of the Buffer. */
export type BytesEncoder = (rows: readonly object[], reserve?: number) => Buffer;

/**
 * The registry-driven ILP encoder of a table (the text format the client's `Sender` produces,
 * timestamps in microseconds with the `t` suffix), compiled once per table into straight-line
 * code that writes bytes into one Buffer per batch: one property read and one type check per
 * column, no per-column dispatch, no string per value except a double's digits. Symbols come
 * first, then fields in registry order; null and absent values are left out, which QuestDB stores
 * as null. A value of the wrong type, a non-finite double or an integer beyond a LONG throws a
 * `RowEncodingError` naming the column: nothing QuestDB would refuse leaves the encoder.
 */
export function bytesEncoder(table: TableName): BytesEncoder {
  const def = tableDef(table);
  const lit = (s: string) => JSON.stringify(s);
  const constants: Uint8Array[] = [];
  const k = (text: string) => `K[${constants.push(Buffer.from(text, 'utf8')) - 1}]`;
  const symbols: string[] = [];
  const fields: string[] = [];
  for (const name of def.columnNames) {
    if (name === 'timestamp') continue;
    const type = def.columns[name].type;
    const read = `r[${lit(name)}]`;
    const key = escapeName(name);
    if (type === 'SYMBOL') {
      symbols.push(`w.raw(${k(`,${key}=`)}); w.unquoted(h.symbol(${read}, ${lit(name)}));`);
      continue;
    }
    const write = {
      LONG: `w.int(h.long(v, ${lit(name)})); w.byte(0x69);`,
      DOUBLE: `w.ascii(String(h.double(v, ${lit(name)})));`,
      BOOLEAN: `w.byte(h.bool(v, ${lit(name)}) === 't' ? 0x74 : 0x66);`,
      VARCHAR: `w.byte(0x22); w.quoted(h.text(v, ${lit(name)})); w.byte(0x22);`,
      TIMESTAMP: `w.int(h.long(v, ${lit(name)})); w.byte(0x74);`,
    }[type];
    fields.push(`v = ${read}; if (v !== null && v !== undefined) { w.raw(first ? ${k(` ${key}=`)} : ${k(`,${key}=`)}); first = false; ${write} }`);
  }
  const body = [
    'for (let i = 0; i < rows.length; i++) {',
    '  const r = rows[i];',
    '  let v;',
    `  w.raw(${k(escapeName(table))});`,
    ...symbols.map((s) => `  ${s}`),
    '  let first = true;',
    ...fields.map((f) => `  ${f}`),
    symbols.length === 0 ? '  if (first) h.empty();' : '',
    '  w.byte(0x20); w.repeatable(h.long(r.timestamp, "timestamp")); w.byte(0x74); w.byte(0x0a);',
    '}',
  ].join('\n');
  // Column names come from the registry (identifiers), and are embedded as JSON string literals.
  const compiled = new Function('h', 'K', 'w', 'rows', body) as (h: ReturnType<typeof helpers>, K: Uint8Array[], w: IlpByteWriter, rows: readonly object[]) => void;
  const h = helpers(table);
  // The first guess at a batch's size comes from the batches before it, so a buffer rarely grows.
  let bytesPerRow = 256;
  return (rows, reserve = 0) => {
    const w = new IlpByteWriter(reserve + Math.ceil(rows.length * bytesPerRow * 1.1), reserve);
    compiled(h, constants, w, rows);
    if (rows.length > 0) bytesPerRow = (w.pos - reserve) / rows.length;
    return w.bytes();
  };
}

/** `bytesEncoder` as one Buffer per request body. */
export function batchEncoder(table: TableName): BatchEncoder {
  const encode = bytesEncoder(table);
  return (rows) => encode(rows);
}

/** `bytesEncoder` as a string (for tests and tools; the spool and the sender use the bytes). */
export function textEncoder(table: TableName): TextEncoder {
  const encode = bytesEncoder(table);
  return (rows) => encode(rows).toString('utf8');
}
