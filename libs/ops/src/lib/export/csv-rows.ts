import { Transform, type TransformCallback } from 'node:stream';

/**
 * Passes CSV bytes through unchanged while counting bytes and records. A record ends at a
 * newline outside double quotes (a quoted value may itself hold newlines; `""` toggles twice).
 */
export class CsvCounter extends Transform {
  bytes = 0;
  /** Records seen, the header line included. */
  records = 0;
  private inQuotes = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 0x22) this.inQuotes = !this.inQuotes;
      else if (b === 0x0a && !this.inQuotes) this.records++;
    }
    callback(null, chunk);
  }

  /** Data rows (records minus the header). */
  get rows(): number {
    return Math.max(0, this.records - 1);
  }
}
