import { uniqueName } from '@tradewatch/questdb-client/testing';
import { recorderFixture, waitForRows, type RecorderFixture } from '../../testing/recorder-fixture';
import type { FetchEvent } from '@tradewatch/models';
import { PipelineCollector, pipelineOptionsSchema } from './pipeline-collector';

describe('PipelineCollector gap detection (real QuestDB, pinned clock)', () => {
  let fx: RecorderFixture;
  beforeAll(async () => (fx = await recorderFixture()));
  afterAll(() => fx.close());

  it('turns fetch events into interval rows; silence and data-timestamp jumps give gap rows with their durations', async () => {
    const host = uniqueName('pipe');
    // Ten minutes in the past, so no timestamp is in the future; the clock only moves when told.
    const base = Date.now() - 600_000;
    let now = base;
    const collector = new PipelineCollector(
      pipelineOptionsSchema.parse({ intervalMs: 1_000, tolerance: 1.5, cadencesMs: { oi: 10_000 } }),
      { output: fx.recorder, onError: (e) => { throw e; }, now: () => now },
    );
    const event = (at: number, dataAt: number, records: number): FetchEvent => ({
      timestamp: at * 1000,
      host,
      env: 'dev',
      exchange: 'bybit',
      symbol: 'BTC/USDT:USDT',
      data_type: 'oi',
      records,
      bytes: records * 100,
      latency_ms: 20 + records,
      data_timestamp: dataAt * 1000,
    });

    collector.record([event(base, base, 1), event(base + 2_000, base + 2_000, 3)]);
    now = base + 5_000;
    await collector.tick(); // normal interval: 4 records, mean latency 22 ms
    now = base + 40_000;
    await collector.tick(); // 38 s silent > 10 s × 1.5: an open gap of 38 s so far
    collector.record([event(base + 45_000, base + 45_000, 2)]);
    now = base + 46_000;
    await collector.tick(); // data resumed: the whole silence, 43 s
    collector.record([event(base + 50_000, base + 75_000, 1)]);
    now = base + 51_000;
    await collector.tick(); // fetched on time, but the data jumped 30 s > 15 s
    now = base + 52_000;
    await collector.tick(); // quiet for 2 s, within the cadence: no row

    const rows = await waitForRows(
      fx.client,
      `SELECT timestamp, records_count, bytes_written, latency_ms, gap_detected, gap_duration_seconds FROM pipeline_metrics WHERE host = '${host}' ORDER BY timestamp`,
      (r) => r.length >= 4,
    );
    const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');
    expect(rows).toEqual([
      { timestamp: iso(base + 5_000), records_count: 4, bytes_written: 400, latency_ms: 22, gap_detected: false, gap_duration_seconds: null },
      { timestamp: iso(base + 40_000), records_count: 0, bytes_written: 0, latency_ms: null, gap_detected: true, gap_duration_seconds: 38 },
      { timestamp: iso(base + 46_000), records_count: 2, bytes_written: 200, latency_ms: 22, gap_detected: true, gap_duration_seconds: 43 },
      { timestamp: iso(base + 51_000), records_count: 1, bytes_written: 100, latency_ms: 21, gap_detected: true, gap_duration_seconds: 30 },
    ]);
  });
});
