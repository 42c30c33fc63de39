import { crc32 } from 'node:zlib';

/**
 * One spool record on disk:
 *
 *   u32 bodyLength | u32 crc32(body) | body
 *   body = u32 rowCount | f64 appendedAtMs | u16 tableLength | table (UTF-8) | rows (JSON array, UTF-8)
 *
 * Little-endian. The length prefix lets recovery walk the file; the checksum over the whole body
 * tells a torn or overwritten tail from a whole record. Row count and append time sit in the
 * binary header so recovery and stats never have to parse the JSON.
 */
export const PREFIX_BYTES = 8;
const FIXED_BODY_BYTES = 4 + 8 + 2;
/** Bigger than any batch the collector accepts; a larger length in a prefix means garbage. */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

export interface RecordHeader {
  /** Bytes of the whole record, prefix included. */
  size: number;
  rowCount: number;
  appendedAtMs: number;
  table: string;
}

export interface DecodedRecord extends RecordHeader {
  rows: unknown[];
}

export function encodeRecord(table: string, rows: readonly unknown[], appendedAtMs: number): Buffer {
  const tableBytes = Buffer.from(table, 'utf8');
  const json = Buffer.from(JSON.stringify(rows), 'utf8');
  const bodyLength = FIXED_BODY_BYTES + tableBytes.length + json.length;
  const record = Buffer.allocUnsafe(PREFIX_BYTES + bodyLength);
  record.writeUInt32LE(bodyLength, 0);
  let o = PREFIX_BYTES;
  o = record.writeUInt32LE(rows.length, o);
  o = record.writeDoubleLE(appendedAtMs, o);
  o = record.writeUInt16LE(tableBytes.length, o);
  o += tableBytes.copy(record, o);
  json.copy(record, o);
  record.writeUInt32LE(crc32(record.subarray(PREFIX_BYTES)), 4);
  return record;
}

export type ReadResult =
  | { kind: 'record'; header: RecordHeader }
  /** Fewer bytes than the record needs: the end of the data, or a torn last write. */
  | { kind: 'incomplete' }
  /** The bytes are not a record: a failed checksum or an impossible length. */
  | { kind: 'corrupt'; reason: string };

/** Checks the record starting at `offset` of `buf` and reads its header (not its rows). */
export function readRecordHeader(buf: Buffer, offset: number): ReadResult {
  if (buf.length - offset < PREFIX_BYTES) return { kind: 'incomplete' };
  const bodyLength = buf.readUInt32LE(offset);
  if (bodyLength < FIXED_BODY_BYTES || bodyLength > MAX_BODY_BYTES) {
    return { kind: 'corrupt', reason: `impossible record length ${bodyLength}` };
  }
  const end = offset + PREFIX_BYTES + bodyLength;
  if (end > buf.length) return { kind: 'incomplete' };
  const body = buf.subarray(offset + PREFIX_BYTES, end);
  const expected = buf.readUInt32LE(offset + 4);
  if (crc32(body) !== expected) return { kind: 'corrupt', reason: 'checksum mismatch' };
  const tableLength = body.readUInt16LE(12);
  if (FIXED_BODY_BYTES + tableLength > bodyLength) return { kind: 'corrupt', reason: 'table name past the record end' };
  return {
    kind: 'record',
    header: {
      size: PREFIX_BYTES + bodyLength,
      rowCount: body.readUInt32LE(0),
      appendedAtMs: body.readDoubleLE(4),
      table: body.toString('utf8', FIXED_BODY_BYTES, FIXED_BODY_BYTES + tableLength),
    },
  };
}

/** Parses the rows of a record whose header `readRecordHeader` already accepted. */
export function readRecordRows(buf: Buffer, offset: number, header: RecordHeader): unknown[] {
  const start = offset + PREFIX_BYTES + FIXED_BODY_BYTES + Buffer.byteLength(header.table, 'utf8');
  return JSON.parse(buf.toString('utf8', start, offset + header.size)) as unknown[];
}
