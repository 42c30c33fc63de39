const BACKSLASH = 0x5c;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const UNQUOTED = /[ ,=\n\r\\]/g;
const QUOTED = /["\n\r\\]/g;
/** ASCII code → 1 where the character must be escaped (the characters of the patterns above). */
const escapeTable = (chars: string) => Uint8Array.from({ length: 0x80 }, (_, c) => (chars.includes(String.fromCharCode(c)) ? 1 : 0));
const ESCAPE_UNQUOTED = escapeTable(' ,=\n\r\\');
const ESCAPE_QUOTED = escapeTable('"\n\r\\');

/**
 * Bytes per UTF-16 unit a string can take once escaped: an ASCII unit becomes at most 2 bytes
 * (backslash and itself), any other at most 3 in UTF-8 (a surrogate pair 4 for 2 units).
 */
export const ESCAPED_BYTES_PER_UNIT = 3;

// The write* functions below write at `p` into `b`, which the caller has made large enough, and
// return the position after what they wrote: the compiled encoder keeps buffer and position in
// locals and calls them without a writer object in between.

/** An ASCII-only string (a number's text). */
export function writeAscii(b: Buffer, p: number, s: string): number {
  const n = s.length;
  for (let i = 0; i < n; i++) b[p + i] = s.charCodeAt(i);
  return p + n;
}

/** A symbol value or name: space, comma, equals sign, backslash and line breaks escaped (room: `ESCAPED_BYTES_PER_UNIT` per unit). */
export function writeUnquoted(b: Buffer, p: number, s: string): number {
  return writeEscaped(b, p, s, ESCAPE_UNQUOTED, UNQUOTED);
}

/** The inside of a quoted string field: double quote, backslash and line breaks escaped (room: `ESCAPED_BYTES_PER_UNIT` per unit). */
export function writeQuoted(b: Buffer, p: number, s: string): number {
  return writeEscaped(b, p, s, ESCAPE_QUOTED, QUOTED);
}

/** `s` with a backslash before each ASCII character marked in `escape`; text with non-ASCII goes through `pattern`. */
function writeEscaped(b: Buffer, start: number, s: string, escape: Uint8Array, pattern: RegExp): number {
  const n = s.length;
  let p = start;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return start + b.write(s.replace(pattern, '\\$&'), start, 'utf8');
    if (escape[c] === 1) b[p++] = BACKSLASH;
    b[p++] = c;
  }
  return p;
}

/** Powers of ten, exact as doubles up to 1e22. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Below this many units a decimal has at most 15 significant digits, which no two doubles share. */
const FIFTEEN_DIGITS = 1e15;

/**
 * A finite double as String() writes it (the shortest text that reads back the same), without
 * String() for the common case of a number with few decimals: the first k for which
 * round(|v|·10^k)/10^k is v gives the digits. With at most 15 significant digits that decimal is
 * the only one of k decimals that reads back as v, and a shorter one would have been found at a
 * smaller k, so it is what String() gives. Anything else (more digits, exponent notation below
 * 1e-6) goes through String(). Room: `DOUBLE_BYTES_AT_MOST`.
 */
export function writeDouble(b: Buffer, p: number, v: number): number {
  const a = v < 0 ? -v : v;
  if (a < FIFTEEN_DIGITS && a >= 1e-6) {
    if (Number.isInteger(a)) return writeInt(b, p, v);
    for (let k = 1; k <= 15; k++) {
      const scale = POW10[k];
      const m = Math.round(a * scale);
      if (m >= FIFTEEN_DIGITS) break;
      if (m / scale !== a) continue;
      if (v < 0) b[p++] = 0x2d;
      // Integer part and fraction without %, which is slow on doubles; m/scale may round up to the next integer.
      let whole = Math.floor(m / scale);
      let fraction = m - whole * scale;
      if (fraction < 0) {
        whole--;
        fraction += scale;
      }
      p = writeInt(b, p, whole);
      b[p++] = 0x2e;
      // The fraction's k digits, leading zeros included, in parts below 1e9 (small-integer arithmetic).
      if (k <= 9) digitsBefore(b, p + k, fraction, k);
      else {
        const hi = Math.floor(fraction / BILLION);
        digitsBefore(b, nineDigits(b, p + k, fraction - hi * BILLION), hi, k - 9);
      }
      return p + k;
    }
  }
  return writeAscii(b, p, String(v));
}

/** Bytes String() takes at most for a finite double (`-1.7976931348623157e+308`, `-2.2250738585072014e-308`). */
export const DOUBLE_BYTES_AT_MOST = 25;

/** Bytes an integer's digits take at most (sign included; below 2^63 in magnitude). */
export const INT_BYTES_AT_MOST = 20;

/** An integer (checked by the caller to be below 2^63 in magnitude) in decimal digits, as String() writes it. */
export function writeInt(b: Buffer, p: number, v: number): number {
  // Most figures are small and not negative: a body small enough for V8 to inline into the encoder.
  return v >= 0 && v < BILLION ? smallDigits(b, p, v) : writeLargeInt(b, p, v);
}

/** `writeInt` for negative integers and those of 1e9 or more. */
function writeLargeInt(b: Buffer, p: number, v: number): number {
  if (!(v >= -MAX_SAFE && v <= MAX_SAFE)) return writeAscii(b, p, String(v)); // plain digits below 1e21
  if (v < 0) {
    b[p++] = 0x2d;
    v = -v;
  }
  // In parts below 1e9, so that the digit loops run on small integers (fast) rather than doubles.
  if (v < BILLION) return smallDigits(b, p, v);
  const hi = Math.floor(v / BILLION);
  p = smallDigits(b, p, hi);
  return nineDigits(b, p + 9, v - hi * BILLION) + 9;
}

const BILLION = 1_000_000_000;

/** The ASCII digits of 00 to 99, two bytes each: integers are written two digits per division (and no %, slower than a division and a product). */
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 0x30 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));

/** Writes `v` (0 ≤ v < 1e9) as 9 digits, leading zeros included, ending before `end`; returns where they start. */
const nineDigits = (b: Buffer, end: number, v: number) => digitsBefore(b, end, v, 9);

/** How many digits `v` (an integer, 0 ≤ v < 2^31) has. */
const digitCount = (v: number) =>
  v < 100_000 ? (v < 100 ? (v < 10 ? 1 : 2) : v < 1_000 ? 3 : v < 10_000 ? 4 : 5) : v < 10_000_000 ? (v < 1_000_000 ? 6 : 7) : v < 100_000_000 ? 8 : v < BILLION ? 9 : 10;

/** Writes `v` (an integer, 0 ≤ v < 2^31) at `p`; returns the position after it. */
function smallDigits(b: Buffer, p: number, v: number): number {
  const end = p + digitCount(v);
  digitsBefore(b, end, v, end - p);
  return end;
}

/** Writes `v` (0 ≤ v < 10^count, below 2^31) as `count` digits, leading zeros included, ending before `end`; returns where they start. */
function digitsBefore(b: Buffer, end: number, v: number, count: number): number {
  const start = end - count;
  let q = end;
  while (q - start >= 2) {
    const next = (v / 100) | 0;
    const r = v - next * 100;
    v = next;
    q -= 2;
    b[q] = PAIRS[2 * r];
    b[q + 1] = PAIRS[2 * r + 1];
  }
  if (q > start) b[start] = 0x30 + v;
  return start;
}

/**
 * The growing Buffer the compiled encoder writes ILP into, with room kept free at the front (for a
 * spool record's header). The encoder keeps buffer and position in locals, writes with the
 * functions above, and asks `room` before it could run past the end; a batch costs one buffer,
 * not a string per value.
 */
export class IlpByteWriter {
  buf: Buffer;
  pos: number;

  /** Writes into `into` when it holds `capacity` bytes (a buffer its owner reuses), else into a new buffer. */
  constructor(capacity: number, reserve = 0, into?: Buffer) {
    const size = Math.max(capacity, reserve + 256);
    this.buf = into !== undefined && into.length >= size ? into : Buffer.allocUnsafe(size);
    this.pos = reserve;
  }

  /** The bytes written, reserved front included (a view, no copy). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /**
   * The buffer, with at least `n` bytes free after `p` (the position its caller reached, which
   * becomes `pos`): the same one if they are, else a larger copy of what is written so far.
   */
  room(p: number, n: number): Buffer {
    this.pos = p;
    if (p + n > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, p + n));
      this.buf.copy(next, 0, 0, p);
      this.buf = next;
    }
    return this.buf;
  }
}
