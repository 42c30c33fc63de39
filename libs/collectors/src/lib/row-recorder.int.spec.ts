import { ColumnRangeError, nowMicros, type PipelineMetricsRow } from '@tradewatch/models';
import { uniqueName } from '@tradewatch/questdb-client/testing';
import { recorderFixture, waitForRows, type RecorderFixture } from '../testing/recorder-fixture';

describe('RowRecorder guard on computed rows (real QuestDB)', () => {
  let f: RecorderFixture;
  beforeAll(async () => (f = await recorderFixture()));
  afterAll(() => f.close());

  it('refuses only the rows whose values their columns cannot hold (NaN, Infinity, beyond a LONG) and stores the rest', async () => {
    const marker = uniqueName('range');
    const row = (host: string, extra: Partial<PipelineMetricsRow> = {}): PipelineMetricsRow => ({
      timestamp: nowMicros() - 1_000_000,
      exchange: 'okx',
      symbol: 'BTC/USDT:USDT',
      data_type: 'oi',
      host: `${marker}-${host}`,
      env: 'prod',
      records_count: 1,
      gap_detected: false,
      ...extra,
    });
    const rows = [row('good-1'), row('nan', { latency_ms: NaN }), row('long', { records_count: 2 ** 63 }), row('inf', { gap_detected: true, gap_duration_seconds: Infinity }), row('good-2')];
    const error = await f.recorder.write('pipeline_metrics', rows).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ColumnRangeError);
    expect((error as ColumnRangeError).issues.map((i) => `${i.row}:${i.path}`)).toEqual(['1:latency_ms', '2:records_count', '3:gap_duration_seconds']);
    const stored = await waitForRows<{ host: string }>(f.client, `SELECT host FROM pipeline_metrics WHERE host LIKE '${marker}-%' ORDER BY host`, (r) => r.length >= 2);
    expect(stored).toEqual([{ host: `${marker}-good-1` }, { host: `${marker}-good-2` }]);
  });
});
