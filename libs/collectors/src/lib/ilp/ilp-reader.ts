import { TABLES, formatIsoMicros, type QuestDbType, type TableName } from '@tradewatch/models';
import { ILP_PRECISIONS, IlpSyntaxError, parseIlpLine, type IlpPrecision } from './ilp-parser';
import { ilpToRows, type IlpLineIssue, type IlpTableBatch, type IlpTables } from './ilp-rows';

/** What `readIlp` makes of a body: JSON-shaped rows per table, every problem, and the number of lines that were not blank. */
export interface IlpRead {
  batches: IlpTableBatch[];
  issues: IlpLineIssue[];
  /** Lines that are neither blank nor a comment: each is a row or has an issue. */
  count: number;
  /** Of those, the lines the reference parser read (not plain, or with a problem). */
  slow: number;
}

interface ColumnInfo {
  name: string;
  /** The name's character codes, to compare in place (cheaper than startsWith at an offset). */
  codes: readonly number[];
  type: QuestDbType;
  index: number;
}

interface TableInfo {
  name: TableName;
  codes: readonly number[];
  byName: ReadonlyMap<string, ColumnInfo>;
  /** The column met at each position of the previous line: the next line most likely has the same. */
  expected: (ColumnInfo | undefined)[];
  /** `seen[i] === stamp` when column i was given on the current line (a repeat makes the line slow). */
  seen: Int32Array;
  stamp: number;
  /** Symbol values read before, each held once (see `symbolValue`). */
  symbols: Map<string, string>;
  /** How many columns the previous line had (`expected[0…shapeLength)`), and its row factory if one was made. */
  shapeLength: number;
  makeRow: RowFactory | undefined;
  /** Row factories by shape (column indexes in line order), at most MAX_ROW_SHAPES. */
  factories: Map<string, RowFactory>;
}

/** Makes a line's row from its timestamp and its column values in line order. */
type RowFactory = (timestamp: string, values: readonly unknown[]) => Record<string, unknown>;

/**
 * Shapes (columns in line order) of a table that get a compiled row factory; lines of any other
 * shape get rows built a property at a time. Bounded because each is a compiled function: a body
 * of ever new shapes must not make the collector compile one per line.
 */
const MAX_ROW_SHAPES = 32;

/**
 * The row factory of a shape: an object literal with the columns as literal keys, in line order
 * after the timestamp (the key order a row built property by property has). Why: rows built a
 * property at a time by computed name went through V8's generic keyed stores and regrew their
 * out-of-object property storage, about half of reading a line.
 */
function compileRowFactory(columns: readonly ColumnInfo[]): RowFactory {
  const fields = columns.map((c, k) => `${JSON.stringify(c.name)}: v[${k}]`);
  return new Function('timestamp', 'v', `return { "timestamp": timestamp, ${fields.join(', ')} };`) as RowFactory;
}

/** The factory for the first `length` columns of `expected` (the current line's), made once per shape while there is room. */
function rowFactory(table: TableInfo, length: number): RowFactory | undefined {
  const columns = table.expected.slice(0, length) as ColumnInfo[];
  const shape = columns.map((c) => c.index).join(',');
  let make = table.factories.get(shape);
  if (make === undefined && table.factories.size < MAX_ROW_SHAPES) table.factories.set(shape, (make = compileRowFactory(columns)));
  return make;
}

/** Symbol values a table's cache holds at most; it starts over when full. */
const MAX_SYMBOL_VALUES = 65_536;

/**
 * `value` (a slice of the body) as the table's one string for it. Why: V8 makes a slice of 13 or
 * more characters a view that keeps the whole body piece (64 KiB) alive, and rows outlive the
 * request (the latest row of each series is kept): the pieces were promoted to the old generation
 * and full collections ran every second. Held once, a symbol value is also found faster in the
 * series Maps (its hash is computed once, and equal values are the same string).
 */
function symbolValue(table: TableInfo, value: string): string {
  // Shorter slices are copies already (V8's SlicedString::kMinLength is 13).
  if (value.length < 13) return value;
  let held = table.symbols.get(value);
  if (held === undefined) {
    if (table.symbols.size >= MAX_SYMBOL_VALUES) table.symbols.clear();
    held = ownCopy(value);
    table.symbols.set(held, held);
  }
  return held;
}

/** A copy of its own, not a view of the body (exact: lone surrogates survive JSON text). */
const ownCopy = (text: string) => JSON.parse(JSON.stringify(text)) as string;

const charCodes = (text: string) => Array.from(text, (_, i) => text.charCodeAt(i));

/** Whether `codes` are the characters of `body` at `p`. */
function matchesAt(body: string, p: number, codes: readonly number[]): boolean {
  const n = codes.length;
  for (let i = 0; i < n; i++) if (body.charCodeAt(p + i) !== codes[i]) return false;
  return true;
}

/**
 * A line's table and tags as read before: the text before its first space (table name and tags)
 * mostly repeats from request to request (one per series), so it is looked up whole instead of
 * read a character at a time (matching every name, slicing and interning every value), which was
 * about half of reading a plain line.
 */
interface TagSection {
  /** The section's text (a copy, never a view of a body). */
  text: string;
  table: TableInfo;
  /** The tags' columns and values, in line order. */
  columns: readonly ColumnInfo[];
  values: readonly string[];
  /** The section of the line that followed this one's the last time it was read. */
  next: TagSection | undefined;
}

/** Tag sections remembered at most; the cache starts over when full (bounded like `symbols`). */
const MAX_TAG_SECTIONS = 65_536;

interface TablesInfo {
  tables: Map<string, TableInfo>;
  /** Tag sections of plain lines read before, by their text (a copy, never a view of a body). */
  sections: Map<string, TagSection>;
}

const tableInfos = new WeakMap<IlpTables, TablesInfo>();

function tablesInfo(tables: IlpTables): TablesInfo {
  let info = tableInfos.get(tables);
  if (!info) {
    const infos = new Map<string, TableInfo>();
    for (const name of tables) {
      const columns = Object.entries(TABLES[name].columns as Record<string, { type: QuestDbType }>)
        .filter(([column]) => column !== 'timestamp')
        .map(([column, { type }], index) => ({ name: column, codes: charCodes(column), type, index }));
      infos.set(name, { name, codes: charCodes(name), byName: new Map(columns.map((c) => [c.name, c])), expected: [], seen: new Int32Array(columns.length),
        stamp: 0,
        symbols: new Map(),
        shapeLength: -1,
        makeRow: undefined,
        factories: new Map(),
      });
    }
    info = { tables: infos, sections: new Map() };
    tableInfos.set(tables, info);
  }
  return info;
}

const SPACE = 32;
const COMMA = 44;
const EQUALS = 61;
const QUOTE = 34;
const BACKSLASH = 92;
const NEWLINE = 10;
const CR = 13;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
/** Digits a double holds exactly (below 2^53) whatever they are. */
const EXACT_DIGITS = 15;
/** Digits of an integer read here: 16 reach 2^53, checked against MAX_SAFE_INTEGER. */
const INTEGER_DIGITS = 16;
const POW10 = Array.from({ length: EXACT_DIGITS + 1 }, (_, i) => 10 ** i);

/** Thrown inside the fast path: this line is not the plain kind; the reference parser reads it. */
const SLOW = Symbol('slow line');

/**
 * Reads a line-protocol body (one string, or pieces that each end with a line) into per-table rows, exactly as `parseIlp` then `ilpToRows` would
 * (same rows, issues, line numbers and count), but in one pass without intermediate objects:
 * a plain line (known table and columns, no escapes, values of the column's type, numbers a
 * double holds exactly) becomes its row straight from the text; any other line, including
 * every line with a problem, is read by the reference parser and converter, so its issues are
 * theirs word for word. `nowMicros` stands in for a missing timestamp, as in `ilpToRows`.
 */
export function readIlp(body: string | readonly string[], precision: IlpPrecision, tables: IlpTables, nowMicros: () => number): IlpRead {
  const info = tablesInfo(tables);
  const reader = new IlpReader(precision, info.tables, info.sections, tables, nowMicros);
  // A body in pieces (`decodeLinePieces`): each piece ends with a line; line numbers run on.
  for (const piece of typeof body === 'string' ? [body] : body) reader.read(piece);
  return reader.result();
}

class IlpReader {
  private readonly batches = new Map<TableName, IlpTableBatch>();
  private readonly issues: IlpLineIssue[] = [];
  private count = 0;
  private slow = 0;
  private lastTable: TableInfo | undefined;
  /** The tag section of the previous line, when it was a plain line's. */
  private lastSection: TagSection | undefined;
  private lastIsoMicros = Number.NaN;
  private lastIso = '';
  /** Microseconds per unit of the line's timestamp; 0 for nanoseconds (divided instead). */
  private readonly timestampFactor: number;

  /** The piece being read. */
  private body = '';
  /** The current line's column values, in line order (reused). */
  private readonly values: unknown[] = [];
  /** Lines read before it. */
  private lines = 0;

  constructor(
    private readonly precision: IlpPrecision,
    private readonly infos: Map<string, TableInfo>,
    private readonly sections: Map<string, TagSection>,
    private readonly tables: IlpTables,
    private readonly nowMicros: () => number,
  ) {
    const factor = ILP_PRECISIONS[precision];
    this.timestampFactor = factor < 0n ? 0 : Number(factor);
  }

  read(body: string): void {
    this.body = body;
    const length = body.length;
    let nextBackslash = body.indexOf('\\');
    let pos = 0;
    let line = this.lines;
    while (pos < length) {
      line++;
      const newline = body.indexOf('\n', pos);
      let end = newline < 0 ? length : newline;
      if (nextBackslash >= 0 && nextBackslash < end) {
        // A backslash escapes the next character, a newline too: find the line's real end; the reference parser reads it.
        end = escapedLineEnd(body, pos);
        nextBackslash = end + 1 < length ? body.indexOf('\\', end + 1) : -1;
        this.slowLine(pos, end, line);
      } else {
        this.line(pos, end, line);
      }
      pos = end + 1;
    }
    this.lines = line;
  }

  result(): IlpRead {
    return { batches: [...this.batches.values()], issues: this.issues, count: this.count, slow: this.slow };
  }

  private line(start: number, end: number, line: number): void {
    const { body } = this;
    const first = body.charCodeAt(start);
    if (start === end || (first === CR && end === start + 1) || first === 35 /* # */) return;
    // One carriage return before the newline is not part of the line.
    const stop = body.charCodeAt(end - 1) === CR ? end - 1 : end;
    let row: Record<string, unknown> | undefined;
    try {
      row = this.plainRow(start, stop);
    } catch (error) {
      if (error !== SLOW) throw error;
    }
    if (row === undefined) return this.slowLine(start, end, line);
    this.count++;
    this.add(this.lastTable as TableInfo, row, line);
  }

  private add(table: TableInfo, row: Record<string, unknown>, line: number): void {
    let batch = this.batches.get(table.name);
    if (!batch) this.batches.set(table.name, (batch = { table: table.name, rows: [], lines: [] }));
    batch.rows.push(row);
    batch.lines.push(line);
  }

  /** A line the fast path does not take: the reference parser and converter, line by line. */
  private slowLine(start: number, end: number, line: number): void {
    let parsed;
    try {
      parsed = parseIlpLine(this.body.slice(start, end), line, this.precision);
    } catch (error) {
      if (!(error instanceof IlpSyntaxError)) throw error;
      this.count++;
      this.slow++;
      this.issues.push({ line: error.line, column: error.column, message: error.message });
      return;
    }
    if (parsed === undefined) return;
    this.count++;
    this.slow++;
    const { batches, issues } = ilpToRows([parsed], this.tables, this.nowMicros);
    this.issues.push(...issues);
    for (const b of batches) {
      const info = this.infos.get(b.table) as TableInfo;
      this.add(info, b.rows[0], line);
    }
  }

  /** The row of a plain line in [start, stop), or SLOW thrown / undefined when it is not one. */
  private plainRow(start: number, stop: number): Record<string, unknown> | undefined {
    const { body, values } = this;
    const previous = this.lastSection;
    this.lastSection = undefined;
    const space = body.indexOf(' ', start);
    // The tag section (table name and tags) as one string, read before or not: most likely the one
    // that followed the previous line's the last time (series come in the same order request after
    // request), compared whole (a string comparison is about a quarter of a Map lookup).
    const text = space >= 0 && space < stop ? body.slice(start, space) : undefined;
    let known = text === undefined ? undefined : previous?.next;
    if (text !== undefined && (known === undefined || known.text !== text)) {
      known = this.sections.get(text);
      if (known !== undefined && previous !== undefined) previous.next = known;
    }
    const table = known !== undefined ? known.table : this.tableAt(start, stop);
    if (table === undefined) return undefined;
    const { seen, expected } = table;
    if (table.stamp === 0x7fffffff) {
      seen.fill(0);
      table.stamp = 0;
    }
    const stamp = ++table.stamp;
    let p: number;
    let k = 0;
    if (known !== undefined) {
      this.lastTable = table;
      const { columns } = known;
      for (; k < columns.length; k++) {
        const column = columns[k];
        seen[column.index] = stamp;
        if (expected[k] !== column) table.shapeLength = -1;
        expected[k] = column;
        values[k] = known.values[k];
      }
      p = space;
      this.lastSection = known;
    } else {
      p = start + table.name.length;
      while (p < stop && body.charCodeAt(p) === COMMA) {
        const column = this.columnAt(table, p + 1, stop, k);
        if (column.type !== 'SYMBOL' || seen[column.index] === stamp) return undefined;
        seen[column.index] = stamp;
        if (expected[k] !== column) table.shapeLength = -1;
        expected[k] = column;
        const from = p + 2 + column.name.length;
        p = tokenEnd(body, from, stop);
        if (p === from) return undefined;
        values[k++] = symbolValue(table, body.slice(from, p));
      }
      if (p < stop && body.charCodeAt(p) !== SPACE) return undefined;
      // A tag section read in full: the same text is the same table and tags on any line.
      if (text !== undefined && p === space) this.lastSection = this.remember(text, table, k, previous);
    }
    const tags = k;
    while (p < stop && body.charCodeAt(p) === SPACE) p++;
    if (p < stop) {
      // A number right after the tags (a line without fields) is no column name: the reference parser reads it.
      while (p < stop && body.charCodeAt(p) !== SPACE) {
        const column = this.columnAt(table, p, stop, k);
        if (seen[column.index] === stamp) return undefined;
        seen[column.index] = stamp;
        if (expected[k] !== column) table.shapeLength = -1;
        expected[k] = column;
        p = this.field(k++, column, p + column.name.length + 1, stop);
        if (p < stop) {
          const next = body.charCodeAt(p);
          // A comma before the end or the timestamp is allowed, as the reference parser allows it.
          if (next === COMMA) p++;
          else if (next !== SPACE) return undefined;
        }
      }
      while (p < stop && body.charCodeAt(p) === SPACE) p++;
    }
    if (tags === 0 && k === 0) return undefined;
    const micros = p < stop ? this.timestamp(p, stop) : this.nowMicros();
    if (micros !== this.lastIsoMicros) {
      this.lastIsoMicros = micros;
      this.lastIso = formatIsoMicros(micros);
    }
    // A column other than the previous line's at some position (on this line, or on one left to
    // the reference parser since) set shapeLength to -1: the factory no longer fits `expected`.
    if (k !== table.shapeLength) {
      table.shapeLength = k;
      table.makeRow = rowFactory(table, k);
    }
    if (table.makeRow !== undefined) return table.makeRow(this.lastIso, values);
    // The designated timestamp comes first, as in ilpToRows.
    const row: Record<string, unknown> = { timestamp: this.lastIso };
    for (let i = 0; i < k; i++) row[(expected[i] as ColumnInfo).name] = values[i];
    return row;
  }

  /** Remembers a tag section just read (its `k` tags are the first of `expected` and `values`), as the one after `previous`. */
  private remember(text: string, table: TableInfo, k: number, previous: TagSection | undefined): TagSection {
    if (this.sections.size >= MAX_TAG_SECTIONS) {
      // Unlinked too, so that no section still known leads to one forgotten.
      for (const forgotten of this.sections.values()) forgotten.next = undefined;
      this.sections.clear();
    }
    const section: TagSection = { text: ownCopy(text), table, columns: table.expected.slice(0, k) as ColumnInfo[], values: this.values.slice(0, k) as string[], next: undefined };
    this.sections.set(section.text, section);
    if (previous !== undefined) previous.next = section;
    return section;
  }

  /** The table whose name starts the line (ends at a comma or space), if it is one line protocol writes. */
  private tableAt(start: number, stop: number): TableInfo | undefined {
    const { body } = this;
    const last = this.lastTable;
    if (last !== undefined && matchesAt(body, start, last.codes)) {
      const c = body.charCodeAt(start + last.name.length);
      if (c === COMMA || c === SPACE) return last;
    }
    let e = start;
    while (e < stop) {
      const c = body.charCodeAt(e);
      if (c === COMMA || c === SPACE) break;
      e++;
    }
    const info = this.infos.get(body.slice(start, e));
    if (info !== undefined) this.lastTable = info;
    return info;
  }

  /** The known column named at `p` and followed by `=`; SLOW otherwise (unknown, empty or no value). */
  private columnAt(table: TableInfo, p: number, stop: number, k: number): ColumnInfo {
    const { body } = this;
    const guess = table.expected[k];
    if (guess !== undefined && matchesAt(body, p, guess.codes) && body.charCodeAt(p + guess.codes.length) === EQUALS) return guess;
    let e = p;
    while (e < stop) {
      const c = body.charCodeAt(e);
      if (c === EQUALS || c === COMMA || c === SPACE) break;
      e++;
    }
    if (e === stop || body.charCodeAt(e) !== EQUALS) throw SLOW;
    const column = table.byName.get(body.slice(p, e));
    if (column === undefined) throw SLOW;
    return column;
  }

  /** Reads a field value at `p` into `values[k]` when it fits the column's type; returns the position after it. */
  private field(k: number, column: ColumnInfo, p: number, stop: number): number {
    const { body, values } = this;
    if (p < stop && body.charCodeAt(p) === QUOTE) {
      const close = body.indexOf('"', p + 1);
      if (close < 0 || close >= stop || (column.type !== 'SYMBOL' && column.type !== 'VARCHAR')) throw SLOW;
      values[k] = body.slice(p + 1, close);
      return close + 1;
    }
    const e = tokenEnd(body, p, stop);
    if (e === p) throw SLOW;
    const bool = booleanAt(body, p, e);
    if (bool !== undefined) {
      if (column.type !== 'BOOLEAN') throw SLOW;
      values[k] = bool;
      return e;
    }
    const last = body.charCodeAt(e - 1);
    if (last === 105 /* i */) {
      if (column.type !== 'LONG' && column.type !== 'DOUBLE') throw SLOW;
      values[k] = integerAt(body, p, e - 1, true);
    } else if (last === 116 /* t */ || last === 110 /* n */) {
      if (column.type !== 'TIMESTAMP') throw SLOW;
      // Unsigned only here: a floor division of a negative count of nanoseconds is the reference's business.
      const micros = last === 116 ? integerAt(body, p, e - 1, false) : nanosToMicros(body, p, e - 1);
      if (micros !== this.lastIsoMicros) {
        this.lastIsoMicros = micros;
        this.lastIso = formatIsoMicros(micros);
      }
      values[k] = this.lastIso;
    } else {
      if (column.type !== 'DOUBLE') throw SLOW;
      values[k] = floatAt(body, p, e);
    }
    return e;
  }

  /** The line's timestamp in [p, stop) in microseconds: unsigned digits, below 2^53 microseconds. */
  private timestamp(p: number, stop: number): number {
    if (this.timestampFactor === 0) return nanosToMicros(this.body, p, stop);
    // Exact integers whose true product passes 2^53 come out at 2^53 or more: refused, never wrong.
    const micros = integerAt(this.body, p, stop, false) * this.timestampFactor;
    if (micros > Number.MAX_SAFE_INTEGER) throw SLOW;
    return micros;
  }
}

/** Where the token at `p` ends: the next comma or space, or `stop`. */
function tokenEnd(body: string, p: number, stop: number): number {
  while (p < stop) {
    const c = body.charCodeAt(p);
    if (c === COMMA || c === SPACE) return p;
    p++;
  }
  return stop;
}

/** The end of the line starting at `start` when backslashes escape characters (a newline too). */
function escapedLineEnd(body: string, start: number): number {
  let escaped = false;
  for (let i = start; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (escaped) escaped = false;
    else if (c === BACKSLASH) escaped = true;
    else if (c === NEWLINE) return i;
  }
  return body.length;
}

const TRUE_WORDS = ['t', 'T', 'true', 'True', 'TRUE'].map(charCodes);
const FALSE_WORDS = ['f', 'F', 'false', 'False', 'FALSE'].map(charCodes);

/** The boolean spelled in [p, e), compared in place; undefined when it is none. */
function booleanAt(body: string, p: number, e: number): boolean | undefined {
  const n = e - p;
  if (n !== 1 && n !== 4 && n !== 5) return undefined;
  const c = body.charCodeAt(p);
  const words = c === 116 || c === 84 ? TRUE_WORDS : c === 102 || c === 70 ? FALSE_WORDS : undefined; // t T / f F
  if (words === undefined) return undefined;
  for (const word of words) if (word.length === n && matchesAt(body, p, word)) return words === TRUE_WORDS;
  return undefined;
}

/** `[+-]?digits` in [p, e) as an exact number (at most 16 digits, a safe integer); SLOW otherwise. */
function integerAt(body: string, p: number, e: number, signed: boolean): number {
  let negative = false;
  if (signed && p < e) {
    const c = body.charCodeAt(p);
    if (c === MINUS || c === PLUS) {
      negative = c === MINUS;
      p++;
    }
  }
  if (p === e || e - p > INTEGER_DIGITS) throw SLOW;
  let v = 0;
  for (let i = p; i < e; i++) {
    const d = body.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) throw SLOW;
    v = v * 10 + d;
  }
  // Below 2^53 every step is exact; a true value beyond it rounds to 2^53 or more.
  if (v > Number.MAX_SAFE_INTEGER) throw SLOW;
  // 0 - v: "-0i" is the integer 0, not the double -0.
  return negative ? 0 - v : v;
}

/** Unsigned nanoseconds in [p, e) as whole microseconds (floor): the digits but the last three. */
function nanosToMicros(body: string, p: number, e: number): number {
  const n = e - p;
  if (n === 0 || n > INTEGER_DIGITS + 3) throw SLOW;
  for (let i = e - 3 > p ? e - 3 : p; i < e; i++) {
    const d = body.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) throw SLOW;
  }
  return n <= 3 ? 0 : integerAt(body, p, e - 3, false);
}

/**
 * A float `[+-]?(digits[.digits]|.digits)([eE][+-]?digits)?` in [p, e). With at most 15 significant
 * digits and no exponent, mantissa ÷ 10^k is one correctly rounded division of exact values, the
 * same double as Number(text); otherwise Number(text), after checking the grammar the reference
 * parser checks.
 */
function floatAt(body: string, p: number, e: number): number {
  let i = p;
  let negative = false;
  const sign = body.charCodeAt(i);
  if (sign === MINUS || sign === PLUS) {
    negative = sign === MINUS;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  let dot = false;
  for (; i < e; i++) {
    const c = body.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
      if (dot) fraction++;
    } else if (c === DOT && !dot) dot = true;
    else break;
  }
  if (digits === 0) throw SLOW;
  if (i < e) {
    // An exponent, or not a number at all.
    const c = body.charCodeAt(i);
    if (c !== 101 && c !== 69) throw SLOW; // e E
    i++;
    if (i < e && (body.charCodeAt(i) === MINUS || body.charCodeAt(i) === PLUS)) i++;
    if (i === e) throw SLOW;
    for (; i < e; i++) {
      const c2 = body.charCodeAt(i);
      if (c2 < ZERO || c2 > NINE) throw SLOW;
    }
    const v = Number(body.slice(p, e));
    if (!Number.isFinite(v)) throw SLOW;
    return v;
  }
  if (digits > EXACT_DIGITS) {
    const v = Number(body.slice(p, e));
    if (!Number.isFinite(v)) throw SLOW;
    return v;
  }
  const v = fraction === 0 ? mantissa : mantissa / POW10[fraction];
  return negative ? -v : v;
}
