import { encodeRecord, PREFIX_BYTES, readRecordHeader, readRecordRows } from './record-codec';

describe('spool record codec', () => {
  const rows = [
    { timestamp: 1_763_800_000_123_456, host: 'h/ü:1', env: 'prod', running: true, last_error: 'line1\nline2 "quoted"' },
    { timestamp: 1_763_800_000_123_457, host: 'h', env: 'dev', running: false, fetch_count: 9_007_199_254_740_000 },
  ];

  it('round-trips table, rows, row count and append time', () => {
    const record = encodeRecord('daemon_metrics', rows, 1_763_800_000_123.5);
    const result = readRecordHeader(record, 0);
    expect(result).toEqual({
      kind: 'record',
      header: { size: record.length, rowCount: 2, appendedAtMs: 1_763_800_000_123.5, table: 'daemon_metrics' },
    });
    if (result.kind !== 'record') throw new Error('unreachable');
    expect(readRecordRows(record, 0, result.header)).toEqual(rows);
  });

  it('reads records back to back at their offsets', () => {
    const a = encodeRecord('daemon_metrics', rows.slice(0, 1), 1);
    const b = encodeRecord('exchange_status', [{ x: 1 }], 2);
    const buf = Buffer.concat([a, b]);
    const second = readRecordHeader(buf, a.length);
    expect(second).toMatchObject({ kind: 'record', header: { table: 'exchange_status', rowCount: 1, appendedAtMs: 2 } });
  });

  it('calls every cut of a record incomplete, never a record', () => {
    const record = encodeRecord('daemon_metrics', rows, 1);
    for (let cut = 0; cut < record.length; cut++) {
      expect(readRecordHeader(record.subarray(0, cut), 0).kind).toBe('incomplete');
    }
  });

  it('detects any flipped byte in the body by its checksum', () => {
    const record = encodeRecord('daemon_metrics', rows, 1);
    for (let i = PREFIX_BYTES; i < record.length; i += 7) {
      const damaged = Buffer.from(record);
      damaged[i] ^= 0x20;
      expect(readRecordHeader(damaged, 0)).toEqual({ kind: 'corrupt', reason: 'checksum mismatch' });
    }
  });

  it('calls zero-filled space (a file extended but never written) corrupt, not an empty record', () => {
    expect(readRecordHeader(Buffer.alloc(64), 0)).toEqual({ kind: 'corrupt', reason: 'impossible record length 0' });
  });
});
