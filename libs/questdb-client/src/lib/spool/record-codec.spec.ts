import { encodeLegacyJsonRecord } from './legacy-record.fixture';
import { encodeRecord, PREFIX_BYTES, readRecordHeader, readRecordIlp, readRecordJsonRows } from './record-codec';

describe('spool record codec', () => {
  const ilp = 'daemon_metrics,host=h/ü:1,env=prod running=t,last_error="line1\\\nline2 \\"quoted\\"" 1763800000123456t\ndaemon_metrics,host=h,env=dev running=f 1763800000123457t\n';

  it('round-trips table, ILP payload, row count and append time; the payload is read without a copy', () => {
    const record = encodeRecord('daemon_metrics', 2, ilp, 1_763_800_000_123.5);
    const result = readRecordHeader(record, 0);
    expect(result).toEqual({
      kind: 'record',
      header: { size: record.length, rowCount: 2, appendedAtMs: 1_763_800_000_123.5, table: 'daemon_metrics', payloadOffset: expect.any(Number), format: 'ilp' },
    });
    if (result.kind !== 'record') throw new Error('unreachable');
    const payload = readRecordIlp(record, 0, result.header);
    expect(payload.toString('utf8')).toBe(ilp);
    expect(payload.buffer).toBe(record.buffer);
  });

  it('writes the same record from a string and from a Buffer, multi-byte characters included', () => {
    expect(encodeRecord('daemon_metrics', 2, Buffer.from(ilp), 7)).toEqual(encodeRecord('daemon_metrics', 2, ilp, 7));
    for (const text of ['', 'a', 'ü', 'ascii only x=1i 1t\n', `${'€'.repeat(5)}\n`, `${'x'.repeat(100)}ü\n`, `ü${'x'.repeat(100)}\n`, '😀😀\n']) {
      const record = encodeRecord('t', 1, text, 1);
      expect(record).toEqual(encodeRecord('t', 1, Buffer.from(text), 1));
      const result = readRecordHeader(record, 0);
      if (result.kind !== 'record') throw new Error(`not a record: ${result.kind}`);
      expect(readRecordIlp(record, 0, result.header).toString('utf8')).toBe(text);
    }
  });

  it('reads records back to back at their offsets', () => {
    const a = encodeRecord('daemon_metrics', 1, ilp, 1);
    const b = encodeRecord('exchange_status', 1, 'exchange_status,exchange=okx,host=h,env=dev connected=t 1t\n', 2);
    const buf = Buffer.concat([a, b]);
    const second = readRecordHeader(buf, a.length);
    expect(second).toMatchObject({ kind: 'record', header: { table: 'exchange_status', rowCount: 1, appendedAtMs: 2 } });
    if (second.kind !== 'record') throw new Error('unreachable');
    expect(readRecordIlp(buf, a.length, second.header).toString()).toBe('exchange_status,exchange=okx,host=h,env=dev connected=t 1t\n');
  });

  it('still reads records of the older format (rows as JSON), and tells the two apart', () => {
    const rows = [{ timestamp: 1, host: 'h', env: 'dev', running: true }];
    const record = encodeLegacyJsonRecord('daemon_metrics', rows, 5);
    const result = readRecordHeader(record, 0);
    expect(result).toMatchObject({ kind: 'record', header: { size: record.length, rowCount: 1, appendedAtMs: 5, table: 'daemon_metrics', format: 'json' } });
    if (result.kind !== 'record') throw new Error('unreachable');
    expect(readRecordJsonRows(record, 0, result.header)).toEqual(rows);
    expect(() => readRecordIlp(record, 0, result.header)).toThrow(/holds json, not ILP/);
  });

  it('calls every cut of a record incomplete, never a record', () => {
    const record = encodeRecord('daemon_metrics', 2, ilp, 1);
    for (let cut = 0; cut < record.length; cut++) {
      expect(readRecordHeader(record.subarray(0, cut), 0).kind).toBe('incomplete');
    }
  });

  it('detects any flipped byte in the body by its checksum', () => {
    const record = encodeRecord('daemon_metrics', 2, ilp, 1);
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
