import { crc32 } from 'node:zlib';

/**
 * One spool record on disk:
 *
 *   u32 bodyLength | u32 crc32(body) | body
 *   body = u32 rowCount | f64 appendedAtMs | u16 tableLength | table (UTF-8) | payload
 *   payload = 0x01 | ILP text lines of the table, one per row (UTF-8)        (current format)
 *           | rows as a JSON array, starting with '['                          (written before ILP payloads)
 *
 * Little-endian. The length prefix lets recovery walk the file; the checksum over the whole body
 * tells a torn or overwritten tail from a whole record. Row count and append time sit in the
 * binary header so recovery and stats never look at the payload. The payload is the request body
 * QuestDB gets, encoded once at append: shipping copies bytes.
 */
export const PREFIX_BYTES = 8;
const FIXED_BODY_BYTES = 4 + 8 + 2;
/** Bigger than any batch the collector accepts; a larger length in a prefix means garbage. */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;
/** First payload byte of an ILP record; JSON records (the older format) start with '['. */
const ILP_FORMAT = 0x01;
const JSON_FORMAT = 0x5b;

export interface RecordHeader {
  /** Bytes of the whole record, prefix included. */
  size: number;
  rowCount: number;
  appendedAtMs: number;
  table: string;
  /** Where the payload starts, from the start of the record. */
  payloadOffset: number;
  /** `ilp`: the payload is ILP text; `json`: rows as JSON, the format of earlier versions. */
  format: 'ilp' | 'json';
}

/** Bytes of a record of `table` before its ILP text: leave them free at the front of the text's Buffer for `sealRecord`. */
export function recordHeadBytes(table: string): number {
  return PREFIX_BYTES + FIXED_BODY_BYTES + Buffer.byteLength(table, 'utf8') + 1;
}

/**
 * Makes a record of `buf` in place: `buf` holds `recordHeadBytes(table)` free bytes, then the ILP
 * text of `rowCount` rows; the header and checksum are written into the free bytes. The encoder
 * writes the rows straight after the room, so appending copies nothing.
 */
export function sealRecord(buf: Buffer, table: string, rowCount: number, appendedAtMs: number): Buffer {
  const bodyLength = buf.length - PREFIX_BYTES;
  if (bodyLength > MAX_BODY_BYTES) throw new RangeError(`a spool record holds at most ${MAX_BODY_BYTES} bytes; this one would hold ${bodyLength}`);
  buf.writeUInt32LE(bodyLength, 0);
  let o = PREFIX_BYTES;
  o = buf.writeUInt32LE(rowCount, o);
  o = buf.writeDoubleLE(appendedAtMs, o);
  o = buf.writeUInt16LE(Buffer.byteLength(table, 'utf8'), o);
  o += buf.write(table, o, 'utf8');
  buf[o] = ILP_FORMAT;
  buf.writeUInt32LE(crc32(buf.subarray(PREFIX_BYTES)), 4);
  return buf;
}

/** A record holding `ilp` (`rowCount` ILP lines of `table`, each ending in a newline). */
export function encodeRecord(table: string, rowCount: number, ilp: string | Buffer, appendedAtMs: number): Buffer {
  const head = recordHeadBytes(table);
  const size = typeof ilp === 'string' ? Buffer.byteLength(ilp, 'utf8') : ilp.length;
  const record = Buffer.allocUnsafe(head + size);
  if (typeof ilp === 'string') record.write(ilp, head, 'utf8');
  else ilp.copy(record, head);
  return sealRecord(record, table, rowCount, appendedAtMs);
}

export type ReadResult =
  | { kind: 'record'; header: RecordHeader }
  /** Fewer bytes than the record needs: the end of the data, or a torn last write. */
  | { kind: 'incomplete' }
  /** The bytes are not a record: a failed checksum or an impossible length. */
  | { kind: 'corrupt'; reason: string };

/** Checks the record starting at `offset` of `buf` and reads its header (not its payload). */
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
  if (FIXED_BODY_BYTES + tableLength >= bodyLength) return { kind: 'corrupt', reason: 'table name past the record end' };
  const marker = body[FIXED_BODY_BYTES + tableLength];
  if (marker !== ILP_FORMAT && marker !== JSON_FORMAT) return { kind: 'corrupt', reason: `unknown payload format 0x${marker.toString(16)}` };
  return {
    kind: 'record',
    header: {
      size: PREFIX_BYTES + bodyLength,
      rowCount: body.readUInt32LE(0),
      appendedAtMs: body.readDoubleLE(4),
      table: body.toString('utf8', FIXED_BODY_BYTES, FIXED_BODY_BYTES + tableLength),
      // The JSON array starts at its marker; ILP text after it.
      payloadOffset: PREFIX_BYTES + FIXED_BODY_BYTES + tableLength + (marker === ILP_FORMAT ? 1 : 0),
      format: marker === ILP_FORMAT ? 'ilp' : 'json',
    },
  };
}

/** The ILP text of a record whose header `readRecordHeader` accepted (a view into `buf`, no copy). */
export function readRecordIlp(buf: Buffer, offset: number, header: RecordHeader): Buffer {
  if (header.format !== 'ilp') throw new TypeError(`the record at ${offset} holds ${header.format}, not ILP`);
  return buf.subarray(offset + header.payloadOffset, offset + header.size);
}

/** The rows of a record in the older JSON format (spools written by earlier versions). */
export function readRecordJsonRows(buf: Buffer, offset: number, header: RecordHeader): unknown[] {
  if (header.format !== 'json') throw new TypeError(`the record at ${offset} holds ${header.format}, not JSON rows`);
  return JSON.parse(buf.toString('utf8', offset + header.payloadOffset, offset + header.size)) as unknown[];
}
