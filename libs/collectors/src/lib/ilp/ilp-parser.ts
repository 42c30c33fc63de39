/**
 * InfluxDB line protocol (text, as QuestDB reads it over HTTP at `/write`):
 *
 *   table[,tag=value...] field=value[,field=value...] [timestamp]\n
 *
 * Field values: `"string"`, `12i` (integer), `1.5` / `1e3` (float), `t|T|true|True|TRUE|f|F|false|False|FALSE`
 * (boolean), `123t` (timestamp in microseconds) or `123n` (nanoseconds). A backslash makes the next
 * character literal (space, comma, equals sign, quote, backslash, newline). The line's timestamp is
 * in the request's precision (nanoseconds unless `?precision=` says otherwise); without one, the
 * receiver's clock is used, as QuestDB does.
 *
 * The parser is pure and works line by line; `IlpLineSplitter` cuts a body that arrives in chunks
 * into lines, so a caller can parse while reading.
 */

export type IlpValue =
  | { kind: 'string'; value: string }
  | { kind: 'integer'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'timestamp'; micros: bigint };

export interface IlpLine {
  /** 1-based physical line number in the request body. */
  line: number;
  table: string;
  /** Tags (symbols), in order. */
  tags: [string, string][];
  fields: [string, IlpValue][];
  /** The designated timestamp in microseconds, or undefined (the receiver's clock). */
  timestampMicros?: bigint;
}

/** A line that is not line protocol; `column` when the problem is one column's. */
export class IlpSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
    readonly column?: string,
  ) {
    super(message);
    this.name = 'IlpSyntaxError';
  }
}

/** `?precision=` values as QuestDB reads them, with the factor to microseconds (negative: divide). */
export const ILP_PRECISIONS = { n: -1000n, ns: -1000n, u: 1n, us: 1n, ms: 1000n, s: 1_000_000n } as const;
export type IlpPrecision = keyof typeof ILP_PRECISIONS;

export function isIlpPrecision(p: string): p is IlpPrecision {
  return Object.prototype.hasOwnProperty.call(ILP_PRECISIONS, p);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** JavaScript dates (and so ISO strings) reach ±8.64e15 ms. */
const MAX_ABS_MICROS = 8_640_000_000_000_000_000n;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ...['t', 'T', 'true', 'True', 'TRUE'].map((s) => [s, true] as const),
  ...['f', 'F', 'false', 'False', 'FALSE'].map((s) => [s, false] as const),
]);

function toMicros(value: bigint, factor: bigint): bigint {
  return factor < 0n ? value / -factor - (value < 0n && value % -factor !== 0n ? 1n : 0n) : value * factor;
}

function parseInt64(text: string, line: number, what: string, column?: string): bigint {
  if (!INTEGER.test(text)) throw new IlpSyntaxError(line, `${what} is not an integer: ${text}`, column);
  const v = BigInt(text);
  if (v < INT64_MIN || v > INT64_MAX) throw new IlpSyntaxError(line, `${what} is outside the 64-bit integer range: ${text}`, column);
  return v;
}

function timestampMicros(digits: string, factor: bigint, line: number, what: string, column?: string): bigint {
  const micros = toMicros(parseInt64(digits, line, what, column), factor);
  if (micros > MAX_ABS_MICROS || micros < -MAX_ABS_MICROS) throw new IlpSyntaxError(line, `${what} is out of range: ${digits}`, column);
  return micros;
}

/** Reads a field value's raw text (already unescaped, quotes removed for strings). */
function fieldValue(raw: string, quoted: boolean, line: number, column: string): IlpValue {
  if (quoted) return { kind: 'string', value: raw };
  const bool = BOOLEANS.get(raw);
  if (bool !== undefined) return { kind: 'boolean', value: bool };
  const last = raw.slice(-1);
  if (last === 'i') return { kind: 'integer', value: parseInt64(raw.slice(0, -1), line, 'integer value', column) };
  if (last === 't') return { kind: 'timestamp', micros: timestampMicros(raw.slice(0, -1), 1n, line, 'timestamp value', column) };
  if (last === 'n') return { kind: 'timestamp', micros: timestampMicros(raw.slice(0, -1), -1000n, line, 'timestamp value', column) };
  if (FLOAT.test(raw)) {
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new IlpSyntaxError(line, `float value out of range: ${raw}`, column);
    return { kind: 'float', value };
  }
  throw new IlpSyntaxError(line, `field value is invalid: ${raw === '' ? '(empty)' : raw}`, column);
}

/**
 * A cursor over one line. `until` reads an unescaped token up to one of the stop characters;
 * backslash escapes any character.
 */
class Cursor {
  i = 0;
  constructor(
    readonly text: string,
    readonly line: number,
  ) {}

  get done(): boolean {
    return this.i >= this.text.length;
  }

  peek(): string {
    return this.text[this.i];
  }

  /** Reads up to (not including) the first unescaped character in `stops`, unescaping. */
  until(stops: string): string {
    let out = '';
    while (this.i < this.text.length) {
      const ch = this.text[this.i];
      if (ch === '\\' && this.i + 1 < this.text.length) {
        out += this.text[this.i + 1];
        this.i += 2;
      } else if (stops.includes(ch)) {
        break;
      } else {
        out += ch;
        this.i++;
      }
    }
    return out;
  }

  /** A double-quoted string value: its content, unescaped. */
  quoted(column: string): string {
    this.i++; // opening quote
    const out = this.until('"');
    if (this.done) throw new IlpSyntaxError(this.line, 'string value has no closing quote', column);
    this.i++; // closing quote
    return out;
  }

  skipSpaces(): void {
    while (this.text[this.i] === ' ') this.i++;
  }
}

/**
 * Parses one line (without its newline). Returns undefined for a blank line or a `#` comment.
 * Throws IlpSyntaxError naming the line (and the column where one is at fault).
 */
export function parseIlpLine(text: string, line: number, precision: IlpPrecision = 'n'): IlpLine | undefined {
  const body = text.endsWith('\r') ? text.slice(0, -1) : text;
  if (body.trim() === '' || body.trimStart().startsWith('#')) return undefined;
  const c = new Cursor(body, line);
  const table = c.until(', ');
  if (table === '') throw new IlpSyntaxError(line, 'table name is missing');
  const tags: [string, string][] = [];
  while (c.peek() === ',') {
    c.i++;
    const key = c.until('=, ');
    if (key === '' || c.peek() !== '=') throw new IlpSyntaxError(line, `tag ${key === '' ? '(empty name)' : key} has no value`, key || undefined);
    c.i++;
    const value = c.until(', ');
    if (value === '') throw new IlpSyntaxError(line, `tag ${key} has an empty value`, key);
    tags.push([key, value]);
  }
  c.skipSpaces();
  const fields: [string, IlpValue][] = [];
  // A line of tags only may go straight on to its timestamp.
  const tagsOnly = tags.length > 0 && /^-?\d+\s*$/.test(body.slice(c.i));
  while (!tagsOnly && !c.done && c.peek() !== ' ') {
    const key = c.until('=, ');
    if (key === '' || c.peek() !== '=') throw new IlpSyntaxError(line, `field ${key === '' ? '(empty name)' : key} has no value`, key || undefined);
    c.i++;
    const quoted = c.peek() === '"';
    const raw = quoted ? c.quoted(key) : c.until(', ');
    fields.push([key, fieldValue(raw, quoted, line, key)]);
    if (c.peek() === ',') c.i++;
    else if (!c.done && c.peek() !== ' ') throw new IlpSyntaxError(line, `unexpected character after field ${key}: ${c.peek()}`, key);
  }
  if (fields.length === 0 && tags.length === 0) throw new IlpSyntaxError(line, 'a line needs at least one tag or field');
  c.skipSpaces();
  let timestampMicrosValue: bigint | undefined;
  if (!c.done) {
    const digits = body.slice(c.i).trimEnd();
    timestampMicrosValue = timestampMicros(digits, ILP_PRECISIONS[precision], line, 'timestamp');
  }
  return { line, table, tags, fields, timestampMicros: timestampMicrosValue };
}

/**
 * Cuts a body that arrives in chunks into lines: a newline ends a line unless a backslash
 * escapes it. `push` returns the complete lines so far, `end` the last one.
 */
export class IlpLineSplitter {
  private pending = '';
  private escaped = false;
  private next = 1;

  push(chunk: string): { line: number; text: string }[] {
    const out: { line: number; text: string }[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i];
      if (this.escaped) {
        this.escaped = false;
        continue;
      }
      if (ch === '\\') this.escaped = true;
      else if (ch === '\n') {
        out.push({ line: this.next++, text: this.pending + chunk.slice(start, i) });
        this.pending = '';
        start = i + 1;
      }
    }
    this.pending += chunk.slice(start);
    return out;
  }

  end(): { line: number; text: string }[] {
    const rest = this.pending;
    this.pending = '';
    return rest === '' ? [] : [{ line: this.next++, text: rest }];
  }
}

/** Parses a whole body: every line, every error (so a client sees all bad lines at once). */
export function parseIlp(body: string, precision: IlpPrecision = 'n'): { lines: IlpLine[]; errors: IlpSyntaxError[] } {
  const splitter = new IlpLineSplitter();
  const lines: IlpLine[] = [];
  const errors: IlpSyntaxError[] = [];
  for (const { line, text } of [...splitter.push(body), ...splitter.end()]) {
    try {
      const parsed = parseIlpLine(text, line, precision);
      if (parsed) lines.push(parsed);
    } catch (error) {
      if (error instanceof IlpSyntaxError) errors.push(error);
      else throw error;
    }
  }
  return { lines, errors };
}
