import { BufferPool } from './buffer-pool';

describe('BufferPool', () => {
  it('gives back the whole buffer under a record, only once given, and never a slice of the shared pool', () => {
    const buffers = new BufferPool(1024 * 1024, 64 * 1024);
    expect(buffers.take()).toBeUndefined();
    const own = Buffer.allocUnsafeSlow(100_000);
    buffers.give(own.subarray(0, 70_000));
    const taken = buffers.take();
    expect(taken?.length).toBe(100_000);
    expect(taken?.buffer).toBe(own.buffer);
    expect(buffers.take()).toBeUndefined();
    // A small record sits in Node's shared pool: other buffers live beside it.
    buffers.give(Buffer.allocUnsafe(100));
    expect(buffers.take()).toBeUndefined();
  });

  it('keeps at most maxBytes, preferring larger buffers', () => {
    const buffers = new BufferPool(300_000, 64 * 1024);
    for (const size of [100_000, 100_000, 100_000, 200_000]) buffers.give(Buffer.allocUnsafeSlow(size));
    const kept: number[] = [];
    for (let b = buffers.take(); b; b = buffers.take()) kept.push(b.length);
    expect(kept.sort()).toEqual([100_000, 200_000]);
  });
});
