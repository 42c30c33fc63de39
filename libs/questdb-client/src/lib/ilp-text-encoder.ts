import { tableDef, type TableName } from '@tradewatch/models';
import { RowEncodingError } from './errors';
import { DOUBLE_BYTES_AT_MOST, ESCAPED_BYTES_PER_UNIT, IlpByteWriter, INT_BYTES_AT_MOST, writeDouble, writeInt, writeQuoted, writeUnquoted } from './ilp-byte-writer';

/** Encodes a batch of rows of one table into ILP text lines, one line per row. */
export type TextEncoder = (rows: readonly object[]) => string;
/** Encodes a batch of rows of one table into the body of one ILP/HTTP request. */
export type BatchEncoder = (rows: readonly object[]) => Buffer;

/**
 * Encodes a batch of rows into ILP bytes, leaving `reserve` bytes free at the front of the Buffer.
 * `prefixes[i]`, when present, must be `linePrefixEncoder(table)(rows[i])`: it is copied in place
 * of encoding row i's table name and symbols (a series' prefix is encoded once, not per row).
 * The result is a view of `into` when the batch fits in it, else of a new buffer.
 */
export type BytesEncoder = (rows: readonly object[], reserve?: number, prefixes?: readonly (Uint8Array | undefined)[], into?: Buffer) => Buffer;

/** The start of a row's ILP line: table name and symbols, escaped (see `linePrefixEncoder`). */
export type LinePrefixEncoder = (row: object) => Buffer;

// ILP escaping (as the client does it): outside quotes space, comma and equals sign, inside
// quotes the double quote; backslash and line breaks everywhere (ilp-byte-writer does the values).
const escapeName = (s: string) => s.replace(/[ ,=\n\r\\]/g, '\\$&');

/** Beyond ±2^63 a LONG does not exist; -2^63 itself is QuestDB's null. */
const LONG_LIMIT = 2 ** 63;

/** What the generated code calls: the byte writers, and `fail`, which throws a RowEncodingError naming the column. */
function helpers(table: TableName) {
  return {
    fail(column: string, value: unknown, what: string): never {
      throw new RowEncodingError(table, column, `${typeof value === 'string' ? JSON.stringify(value) : String(value)} ${what}`);
    },
    empty(): never {
      throw new RowEncodingError(table, '(row)', 'a row needs a symbol or a non-null field');
    },
    writeDouble,
    writeInt,
    writeQuoted,
    writeUnquoted,
  };
}
type Helpers = ReturnType<typeof helpers>;

/**
 * The generated code keeps the buffer in `b` and the position in `p`, and stores constant text as
 * literal bytes. `room` bytes (`ROOM`, the most the fixed part of a row can take) are checked once
 * per row, and again with each string's escaped size: writes between checks need no bounds test.
 */
class Generator {
  readonly symbols: string[] = [];
  readonly fields: string[] = [];
  /** The most the row's bytes other than its strings can take. */
  room = 0;

  constructor(private readonly table: TableName) {
    const def = tableDef(table);
    this.room += 1; // the space after the symbols
    for (const name of def.columnNames) {
      if (name === 'timestamp') continue;
      const type = def.columns[name].type;
      if (type === 'SYMBOL') this.symbols.push(name);
      else this.fields.push(this.field(name, type));
    }
    this.room += 1 + INT_BYTES_AT_MOST + 2; // ' ', the timestamp, 't\n'
  }

  /** `p` advanced over `text`, written as literal byte stores. */
  private bytes(text: string): string {
    const bytes = Buffer.from(text, 'utf8');
    this.room += bytes.length;
    const at = (i: number) => `p${i === 0 ? '' : ` + ${i}`}`;
    const stores: string[] = [];
    let i = 0;
    for (; i + 4 <= bytes.length; i += 4) stores.push(`d.setUint32(${at(i)}, ${bytes.readUInt32LE(i)}, true);`);
    for (; i < bytes.length; i++) stores.push(`b[${at(i)}] = ${bytes[i]};`);
    return `${stores.join(' ')} p += ${bytes.length};`;
  }

  /** `n` more bytes made free if they are not (a new buffer, and a new view of it for the 4-byte stores). */
  static room(n: string) {
    return `if (p + ${n} > b.length) { b = w.room(p, ${n}); d = new DataView(b.buffer, b.byteOffset, b.length); }`;
  }

  /** Room for a string value `s` and what may follow it in the row. */
  private static roomFor(s: string) {
    return Generator.room(`${ESCAPED_BYTES_PER_UNIT} * ${s}.length + ROOM`);
  }

  /** Throws unless `v` is an integer a LONG holds. */
  static checkLong(name: string) {
    const n = JSON.stringify(name);
    return (
      `if (!Number.isInteger(v)) h.fail(${n}, v, 'is not an integer'); ` +
      `if (!(v < ${LONG_LIMIT} && v > -${LONG_LIMIT})) h.fail(${n}, v, 'is outside the range of a LONG');`
    );
  }

  private field(name: string, type: string): string {
    const n = JSON.stringify(name);
    // The separator (space before the first field, comma after) is `sep`: one set of stores for both.
    const key = `b[p++] = sep; sep = 44; ${this.bytes(`${escapeName(name)}=`)}`;
    let write: string;
    switch (type) {
      case 'LONG':
      case 'TIMESTAMP':
        this.room += INT_BYTES_AT_MOST + 1;
        write = `${Generator.checkLong(name)} ${key} p = h.writeInt(b, p, v); b[p++] = ${type === 'LONG' ? 0x69 : 0x74};`;
        break;
      case 'DOUBLE':
        // JavaScript's shortest round-trip form (1e+21, 5e-7) is what QuestDB parses back to the same double.
        this.room += DOUBLE_BYTES_AT_MOST;
        write =
          `if (typeof v !== 'number') h.fail(${n}, v, 'is not a number'); ` +
          `if (!Number.isFinite(v)) h.fail(${n}, v, 'is not a finite number'); ` +
          `${key} p = h.writeDouble(b, p, v);`;
        break;
      case 'BOOLEAN':
        this.room += 1;
        write = `if (typeof v !== 'boolean') h.fail(${n}, v, 'is not a boolean'); ${key} b[p++] = v ? 0x74 : 0x66;`;
        break;
      case 'VARCHAR':
        this.room += 2;
        write = `if (typeof v !== 'string') h.fail(${n}, v, 'is not a string'); ${Generator.roomFor('v')} ${key} b[p++] = 0x22; p = h.writeQuoted(b, p, v); b[p++] = 0x22;`;
        break;
      default:
        throw new Error(`no ILP encoding for column type ${type}`);
    }
    return `v = r[${n}]; if (v !== null && v !== undefined) { ${write} }`;
  }

  /** Table name and symbols of row `r`, written after a check that `ROOM` bytes are free. */
  prefix(): string {
    const lines = [Generator.room('ROOM'), this.bytes(escapeName(this.table))];
    for (const name of this.symbols) {
      const n = JSON.stringify(name);
      lines.push(`v = r[${n}]; if (typeof v !== 'string') h.fail(${n}, v, 'is not a string'); ${Generator.roomFor('v')} ${this.bytes(`,${escapeName(name)}=`)} p = h.writeUnquoted(b, p, v);`);
    }
    return lines.join('\n');
  }
}

type Compiled<A extends unknown[]> = (h: Helpers, w: IlpByteWriter, ...args: A) => void;

/**
 * The registry-driven ILP encoder of a table (the text format the client's `Sender` produces,
 * timestamps in microseconds with the `t` suffix), compiled once per table into straight-line
 * code that writes bytes into one Buffer per batch: constant text as literal byte stores, buffer
 * and position in locals, one bounds check per row and per string, one property read and one type
 * check per column, no string per value except a double's digits. Symbols come first, then fields
 * in registry order; null and absent fields are left out, which QuestDB stores as null. A value of
 * the wrong type, a non-finite double or an integer beyond a LONG throws a `RowEncodingError`
 * naming the column: nothing QuestDB would refuse leaves the encoder.
 */
export function bytesEncoder(table: TableName): BytesEncoder {
  const g = new Generator(table);
  const prefix = g.prefix();
  const body = [
    `const ROOM = ${g.room};`,
    'let b = w.buf, p = w.pos, v, sep, d = new DataView(b.buffer, b.byteOffset, b.length);',
    // A batch's rows often share their timestamp: its digits are copied from the row before when they do.
    'let lastTs = NaN, lastAt = 0, lastLength = 0;',
    'for (let i = 0; i < rows.length; i++) {',
    '  const r = rows[i];',
    '  const pre = prefixes === undefined ? undefined : prefixes[i];',
    '  if (pre === undefined) {',
    prefix,
    '  } else {',
    `    ${Generator.room('pre.length + ROOM')}`,
    '    b.set(pre, p); p += pre.length;',
    '  }',
    '  sep = 32;',
    ...g.fields,
    g.symbols.length === 0 ? '  if (sep === 32) h.empty();' : '',
    `  v = r.timestamp; ${Generator.checkLong('timestamp')}`,
    '  b[p++] = 32;',
    '  if (v === lastTs) { for (let j = 0; j < lastLength; j++) b[p + j] = b[lastAt + j]; lastAt = p; p += lastLength; }',
    '  else { lastAt = p; p = h.writeInt(b, p, v); lastLength = p - lastAt; lastTs = v; }',
    '  b[p] = 116; b[p + 1] = 10; p += 2;',
    '}',
    'w.buf = b; w.pos = p;',
  ].join('\n');
  // Column names come from the registry (identifiers), and are embedded as JSON string literals.
  const compiled = new Function('h', 'w', 'rows', 'prefixes', body) as Compiled<[readonly object[], readonly (Uint8Array | undefined)[] | undefined]>;
  const h = helpers(table);
  // The first guess at a batch's size comes from the batches before it, so a buffer rarely grows.
  let bytesPerRow = 256;
  return (rows, reserve = 0, prefixes, into) => {
    const w = new IlpByteWriter(reserve + Math.ceil(rows.length * bytesPerRow * 1.1), reserve, into);
    compiled(h, w, rows, prefixes);
    if (rows.length > 0) bytesPerRow = (w.pos - reserve) / rows.length;
    return w.bytes();
  };
}

/**
 * The start of a row's ILP line as `bytesEncoder` writes it: the table name and the symbols, in
 * registry order, escaped (the same checks: a symbol that is not a string throws a
 * RowEncodingError). The same for every row of a series, so it can be encoded once per series
 * and handed to the encoder as one of its `prefixes`.
 */
export function linePrefixEncoder(table: TableName): LinePrefixEncoder {
  const g = new Generator(table);
  const prefix = g.prefix();
  const body = [`const ROOM = ${g.room};`, 'let b = w.buf, p = w.pos, v, d = new DataView(b.buffer, b.byteOffset, b.length);', prefix, 'w.buf = b; w.pos = p;'].join('\n');
  const compiled = new Function('h', 'w', 'r', body) as Compiled<[object]>;
  const h = helpers(table);
  const w = new IlpByteWriter(256);
  return (row) => {
    w.pos = 0;
    compiled(h, w, row);
    return Buffer.from(w.bytes());
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
