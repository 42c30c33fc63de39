import { IlpByteWriter } from './ilp-byte-writer';

const written = (f: (w: IlpByteWriter) => void, capacity = 4) => {
  const w = new IlpByteWriter(capacity, 3);
  f(w);
  const bytes = w.bytes();
  expect(bytes.length).toBe(w.pos);
  return bytes.subarray(3).toString('utf8');
};

describe('IlpByteWriter', () => {
  it('writes integers as String() does, across the part boundaries and signs', () => {
    const values = [0, 7, -7, 9, 10, 999_999_999, 1_000_000_000, 1_000_000_001, -1_000_000_000, 1_764_000_000_123_456, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53, 2 ** 62, -(2 ** 62)];
    for (let i = 0; i < 2_000; i++) values.push(Math.floor((Math.random() - 0.5) * 2 * 10 ** Math.floor(Math.random() * 16)));
    for (const v of values) expect(written((w) => w.int(v))).toBe(String(v));
  });

  it('repeats an integer equal to the one before by copying its digits, also after the buffer grew', () => {
    const values = [1_764_000_000_123_456, 1_764_000_000_123_456, 5, 5, -12, 1_764_000_000_123_456, 1_764_000_000_123_456];
    expect(written((w) => values.forEach((v) => (w.repeatable(v), w.byte(0x20))), 1)).toBe(values.map((v) => `${v} `).join(''));
  });

  it('escapes symbol text outside quotes and string text inside them, non-ASCII included', () => {
    expect(written((w) => w.unquoted('a b,c=d\\e\nf\rg"h'))).toBe('a\\ b\\,c\\=d\\\\e\\\nf\\\rg"h');
    expect(written((w) => w.quoted('say "hi"\\\nbye, a=b'))).toBe('say \\"hi\\"\\\\\\\nbye, a=b');
    expect(written((w) => w.unquoted('üb er,x'))).toBe('üb\\ er\\,x');
    expect(written((w) => w.quoted('€ "x"'))).toBe('€ \\"x\\"');
  });

  it('grows its buffer as needed and keeps what was written, the reserved front included', () => {
    const w = new IlpByteWriter(1, 5);
    w.buf.fill(0x41, 0, 5);
    const long = 'x'.repeat(10_000);
    w.ascii(long);
    w.raw(Buffer.from('ü'));
    w.byte(0x0a);
    expect(w.bytes().toString('utf8')).toBe(`AAAAA${long}ü\n`);
  });
});
