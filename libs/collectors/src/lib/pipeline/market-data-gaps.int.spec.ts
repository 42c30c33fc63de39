import type { FetchEvent } from '@tradewatch/models';
import { uniqueName } from '@tradewatch/questdb-client/testing';
import { recorderFixture, waitForRows, type RecorderFixture } from '../../testing/recorder-fixture';
import { PipelineCollector, pipelineOptionsSchema } from './pipeline-collector';

describe('PipelineCollector with the market data types (real QuestDB, pinned clock)', () => {
  let fx: RecorderFixture;
  beforeAll(async () => (fx = await recorderFixture()));
  afterAll(() => fx.close());

  it('has no default cadence for trades, ohlcv, ticker, orderbook', () => {
    const { cadencesMs } = pipelineOptionsSchema.parse({});
    expect(cadencesMs).toEqual({ oi: 300_000, funding: 3_600_000, liquidation: 120_000 });
  });

  it('detects gaps of a market data type only where a cadence is configured', async () => {
    const host = uniqueName('market');
    const base = Date.now() - 600_000;
    let now = base;
    const collector = new PipelineCollector(pipelineOptionsSchema.parse({ intervalMs: 1_000, tolerance: 1, cadencesMs: { ohlcv: 10_000 } }), {
      output: fx.recorder,
      onError: (e) => {
        throw e;
      },
      now: () => now,
    });
    const fetched = (data_type: FetchEvent['data_type'], at: number): FetchEvent => ({
      timestamp: at * 1000,
      host,
      env: 'dev',
      exchange: 'bybit',
      symbol: 'BTC/USDT:USDT',
      data_type,
      records: 2,
      bytes: 200,
      latency_ms: 15,
      data_timestamp: at * 1000,
    });

    collector.record([fetched('trades', base), fetched('ohlcv', base)]);
    now = base + 1_000;
    await collector.tick();
    now = base + 61_000;
    await collector.tick(); // both silent for 60 s: only ohlcv (cadence 10 s) has a gap
    collector.record([fetched('trades', base + 61_500), fetched('ohlcv', base + 61_500)]);
    now = base + 62_000;
    await collector.tick(); // both resume: ohlcv reports the whole silence, trades a plain interval

    const rows = await waitForRows(
      fx.client,
      `SELECT timestamp, data_type, records_count, gap_detected, gap_duration_seconds FROM pipeline_metrics WHERE host = '${host}' ORDER BY timestamp, data_type`,
      (r) => r.length >= 5,
    );
    const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');
    expect(rows).toEqual([
      { timestamp: iso(base + 1_000), data_type: 'ohlcv', records_count: 2, gap_detected: false, gap_duration_seconds: null },
      { timestamp: iso(base + 1_000), data_type: 'trades', records_count: 2, gap_detected: false, gap_duration_seconds: null },
      { timestamp: iso(base + 61_000), data_type: 'ohlcv', records_count: 0, gap_detected: true, gap_duration_seconds: 61 },
      { timestamp: iso(base + 62_000), data_type: 'ohlcv', records_count: 2, gap_detected: true, gap_duration_seconds: 61.5 },
      { timestamp: iso(base + 62_000), data_type: 'trades', records_count: 2, gap_detected: false, gap_duration_seconds: null },
    ]);
  });
});
