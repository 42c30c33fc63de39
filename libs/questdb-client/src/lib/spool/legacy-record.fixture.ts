import { crc32 } from 'node:zlib';

/**
 * A spool record as versions before ILP payloads wrote it (rows as a JSON array after the table
 * name), for tests that a spool left by such a version is still replayed.
 */
export function encodeLegacyJsonRecord(table: string, rows: readonly unknown[], appendedAtMs: number): Buffer {
  const tableBytes = Buffer.from(table, 'utf8');
  const json = Buffer.from(JSON.stringify(rows), 'utf8');
  const bodyLength = 4 + 8 + 2 + tableBytes.length + json.length;
  const record = Buffer.allocUnsafe(8 + bodyLength);
  record.writeUInt32LE(bodyLength, 0);
  let o = 8;
  o = record.writeUInt32LE(rows.length, o);
  o = record.writeDoubleLE(appendedAtMs, o);
  o = record.writeUInt16LE(tableBytes.length, o);
  o += tableBytes.copy(record, o);
  json.copy(record, o);
  record.writeUInt32LE(crc32(record.subarray(8)), 4);
  return record;
}
