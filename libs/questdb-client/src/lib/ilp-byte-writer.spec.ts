import fc from 'fast-check';
import { DOUBLE_BYTES_AT_MOST, IlpByteWriter, INT_BYTES_AT_MOST, writeDouble, writeInt, writeQuoted, writeUnquoted } from './ilp-byte-writer';

/** What `write` puts at position 3 of a buffer of `size` bytes, checking the position it returns. */
const written = (write: (b: Buffer, p: number) => number, size: number) => {
  const b = Buffer.alloc(size + 3);
  const end = write(b, 3);
  expect(end).toBeLessThanOrEqual(b.length);
  return b.toString('utf8', 3, end);
};

describe('ILP byte writers', () => {
  it('writes integers as String() does, across the part boundaries and signs', () => {
    const values = [0, -0, 7, -7, 9, 10, 999_999_999, 1_000_000_000, 1_000_000_001, -1_000_000_000, 1_764_000_000_123_456, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53, 2 ** 62, -(2 ** 62), 2 ** 63 - 1024];
    // Every digit count of the small path (below 1e9) at its edges, and every value below 10,000.
    for (let k = 0; k <= 10; k++) values.push(10 ** k - 1, 10 ** k, 10 ** k + 1, -(10 ** k));
    for (let v = 0; v < 10_000; v++) values.push(v);
    for (let i = 0; i < 2_000; i++) values.push(Math.floor((Math.random() - 0.5) * 2 * 10 ** Math.floor(Math.random() * 16)));
    for (const v of values) expect(written((b, p) => writeInt(b, p, v), INT_BYTES_AT_MOST)).toBe(String(v));
  });

  it('writes doubles as String() does: few decimals without String(), anything else through it', () => {
    const text = (v: number) => written((b, p) => writeDouble(b, p, v), DOUBLE_BYTES_AT_MOST);
    const special = [0, -0, 1e-6, 1e-7, 5e-7, 0.1, 0.1 + 0.2, 1e15, 1e15 - 0.5, 999_999_999_999_999.9, 1e21, 2 ** 53 + 2, 1.005, 9.995, 5e-324, -1.7976931348623157e308, 2.2250738585072014e-308];
    for (const v of special) expect(text(v)).toBe(String(v));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.integer({ min: -(2 ** 31), max: 2 ** 31 }).chain((m) => fc.integer({ min: 0, max: 16 }).map((k) => m / 10 ** k)),
          fc.maxSafeInteger().chain((m) => fc.integer({ min: 0, max: 22 }).map((k) => m / 10 ** k)),
        ),
        (v) => expect(text(v)).toBe(String(v)),
      ),
      { numRuns: 20_000 },
    );
  });

  it('escapes symbol text outside quotes and string text inside them, non-ASCII included', () => {
    const unquoted = (s: string) => written((b, p) => writeUnquoted(b, p, s), 3 * s.length);
    const quoted = (s: string) => written((b, p) => writeQuoted(b, p, s), 3 * s.length);
    expect(unquoted('a b,c=d\\e\nf\rg"h')).toBe('a\\ b\\,c\\=d\\\\e\\\nf\\\rg"h');
    expect(quoted('say "hi"\\\nbye, a=b')).toBe('say \\"hi\\"\\\\\\\nbye, a=b');
    expect(unquoted('üb er,x')).toBe('üb\\ er\\,x');
    expect(quoted('€ "x"')).toBe('€ \\"x\\"');
    // The most a string can take once escaped: every unit escaped, or 3 UTF-8 bytes each.
    expect(unquoted('\\'.repeat(50))).toBe('\\\\'.repeat(50));
    expect(quoted('\uffff'.repeat(50))).toBe('\uffff'.repeat(50));
  });
});

describe('IlpByteWriter', () => {
  it('gives a buffer with room after the position reached, copying what was written when it has to grow', () => {
    const w = new IlpByteWriter(1, 2);
    w.buf.fill(0x41, 0, 2);
    const b = w.room(2, 300);
    expect(b.length).toBeGreaterThanOrEqual(302);
    expect(w.room(2, 10)).toBe(b);
    b.write('xyz', 2, 'latin1');
    expect(w.room(5, 10_000).subarray(0, 5).toString()).toBe('AAxyz');
    expect(w.bytes().toString()).toBe('AAxyz');
  });
});
