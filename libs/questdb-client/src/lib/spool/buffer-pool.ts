/**
 * Buffers kept once nothing reads or writes them any more, to be used again: records encoded at
 * append (about 150 KB per 1,000 rows), and the shipper's read rounds (8 MiB). Why: a fresh buffer
 * of that size each time costs its page faults, and as external memory it makes V8 run full
 * collections early. Only buffers of their own memory (not slices of Node's shared pool) of at
 * least `minBytes` are kept, up to `maxBytes` in all; the largest are preferred.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];
  private freeBytes = 0;

  constructor(
    private readonly maxBytes = 16 * 1024 * 1024,
    private readonly minBytes = 64 * 1024,
  ) {}

  /** A kept buffer, if any (the caller writes into it, or into a new one if it is too small). */
  take(): Buffer | undefined {
    const buf = this.free.pop();
    if (buf) this.freeBytes -= buf.length;
    return buf;
  }

  /** Keeps the whole buffer under `view` (what was written into it), once nothing reads or writes it any more. */
  give(view: Buffer): void {
    const whole = view.buffer;
    if (view.byteOffset !== 0 || whole.byteLength < this.minBytes) return;
    if (whole.byteLength > this.maxBytes) return;
    // Full: smaller buffers make room for it, larger ones stay.
    while (this.freeBytes + whole.byteLength > this.maxBytes) {
      const smallest = this.free.reduce((k, b, i) => (b.length < this.free[k].length ? i : k), 0);
      if (this.free[smallest].length >= whole.byteLength) return;
      this.freeBytes -= this.free[smallest].length;
      this.free.splice(smallest, 1);
    }
    this.free.push(Buffer.from(whole, 0, whole.byteLength));
    this.freeBytes += whole.byteLength;
  }
}
