import { BodyBytes, utf8 } from './body-bytes';

describe('BodyBytes', () => {
  it('writes integers exactly as String(n) does, growing its buffer as needed', () => {
    const values = [0, 7, 9, 10, 99, 100, 101, 1_000_000, -1, -12_345, 2 ** 31, 2 ** 32 + 1, 1_764_590_000_123_456, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
    for (let k = 1; k < 16; k++) values.push(10 ** k - 1, 10 ** k, 10 ** k + 1);
    const out = new BodyBytes(4);
    for (const v of values) {
      out.int(v);
      out.bytes(utf8(','));
    }
    expect(Buffer.from(out.view()).toString()).toBe(values.map((v) => `${String(v)},`).join(''));
  });

  it('refuses what is not a safe integer', () => {
    const out = new BodyBytes();
    for (const v of [1.5, Number.NaN, Infinity, 2 ** 53]) expect(() => out.int(v)).toThrow(RangeError);
  });

  it('starts over at reset, keeping its buffer', () => {
    const out = new BodyBytes(8);
    out.bytes(utf8('first body, longer than eight bytes'));
    out.reset();
    out.bytes(utf8('[]'));
    expect(Buffer.from(out.view()).toString()).toBe('[]');
  });
});
