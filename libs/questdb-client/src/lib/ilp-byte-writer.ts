const BACKSLASH = 0x5c;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const UNQUOTED = /[ ,=\n\r\\]/g;
const QUOTED = /["\n\r\\]/g;
/** ASCII code → 1 where the character must be escaped (the characters of the patterns above). */
const escapeTable = (chars: string) => Uint8Array.from({ length: 0x80 }, (_, c) => (chars.includes(String.fromCharCode(c)) ? 1 : 0));
const ESCAPE_UNQUOTED = escapeTable(' ,=\n\r\\');
const ESCAPE_QUOTED = escapeTable('"\n\r\\');

/**
 * Writes ILP text straight into one growing Buffer, byte by byte, with room kept free at the front
 * (for a spool record's header). Built for the encoder's hot path: ASCII strings and integers are
 * copied without creating a string, so a batch costs one buffer, not a string per value.
 */
export class IlpByteWriter {
  buf: Buffer;
  pos: number;

  constructor(capacity: number, reserve = 0) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, reserve + 256));
    this.pos = reserve;
  }

  /** The bytes written, reserved front included (a view, no copy). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    this.ensure(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = bytes[i];
    this.pos = p;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** An ASCII-only string (a number's text). */
  ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** A symbol value or name: space, comma, equals sign, backslash and line breaks escaped. */
  unquoted(s: string): void {
    this.escaped(s, ESCAPE_UNQUOTED, UNQUOTED);
  }

  /** The inside of a quoted string field: double quote, backslash and line breaks escaped. */
  quoted(s: string): void {
    this.escaped(s, ESCAPE_QUOTED, QUOTED);
  }

  /** `s` with a backslash before each ASCII character marked in `escape`; text with non-ASCII goes through `pattern`. */
  private escaped(s: string, escape: Uint8Array, pattern: RegExp): void {
    const n = s.length;
    this.ensure(2 * n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return this.utf8(s.replace(pattern, '\\$&'));
      if (escape[c] === 1) buf[p++] = BACKSLASH;
      buf[p++] = c;
    }
    this.pos = p;
  }

  /** Text with non-ASCII characters (already escaped), from the current position. */
  private utf8(s: string): void {
    this.ensure(Buffer.byteLength(s, 'utf8'));
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** The last timestamp written by `repeatable`, and where its digits are. */
  private last = Number.NaN;
  private lastAt = 0;
  private lastLength = 0;

  /**
   * An integer likely to equal the one before (a batch's rows often share their timestamp): its
   * digits are copied from the previous ones when it does.
   */
  repeatable(v: number): void {
    if (v === this.last) {
      const n = this.lastLength;
      this.ensure(n);
      const buf = this.buf;
      const from = this.lastAt;
      const p = this.pos;
      for (let i = 0; i < n; i++) buf[p + i] = buf[from + i];
      this.lastAt = p;
      this.pos = p + n;
      return;
    }
    const at = this.pos;
    this.int(v);
    this.last = v;
    this.lastAt = at;
    this.lastLength = this.pos - at;
  }

  /** An integer (checked by the caller) in decimal digits. */
  int(v: number): void {
    if (!(v >= -MAX_SAFE && v <= MAX_SAFE)) return this.ascii(String(v)); // plain digits below 1e21
    this.ensure(17);
    const buf = this.buf;
    let p = this.pos;
    if (v < 0) {
      buf[p++] = 0x2d;
      v = -v;
    }
    // In parts below 1e9, so that the digit loops run on small integers (fast) rather than doubles.
    if (v < BILLION) p = smallDigits(buf, p, v);
    else {
      const hi = Math.floor(v / BILLION);
      p = smallDigits(buf, p, hi);
      let lo = v - hi * BILLION;
      for (let q = p + 8; q >= p; q--) {
        buf[q] = 0x30 + (lo % 10);
        lo = (lo / 10) | 0;
      }
      p += 9;
    }
    this.pos = p;
  }
}

const BILLION = 1_000_000_000;

/** Writes `v` (an integer, 0 ≤ v < 2^31) at `p`; returns the position after it. */
function smallDigits(buf: Buffer, p: number, v: number): number {
  let digits = 1;
  for (let t = v; t >= 10; t = (t / 10) | 0) digits++;
  let q = p + digits;
  let t = v;
  do {
    buf[--q] = 0x30 + (t % 10);
    t = (t / 10) | 0;
  } while (t > 0);
  return p + digits;
}
