import { startTestCollector, type TestCollector } from '../testing/test-collector';

// The 1-minute rollups are REFRESH MANUAL views: the collector itself keeps them current (real QuestDB).
describe('the collector refreshes the rollups (rollups.refreshIntervalMs)', () => {
  let collector: TestCollector | undefined;
  afterEach(async () => {
    await collector?.stop();
    collector = undefined;
  });

  const host = () => `rollup-${process.pid}-${Date.now()}`;
  const minuteAgo = () => new Date(Math.floor(Date.now() / 60_000) * 60_000 - 120_000).toISOString();
  const row = (h: string) => ({ timestamp: minuteAgo(), exchange: 'okx', symbol: 'BTC/USDT', data_type: 'oi', host: h, env: 'dev', records_count: 7, bytes_written: 70, latency_ms: 3, gap_detected: false });

  it('rows reported over HTTP reach the rollup: the collector asks QuestDB to refresh it every interval', async () => {
    collector = await startTestCollector(['rollups:', '  refreshIntervalMs: 500'], 'rollups-test-token-0123456789');
    const h = host();
    expect((await collector.post('/v1/metrics/pipeline', [row(h)])).status).toBe(202);
    const rows = await collector.waitFor(`SELECT fetches, records FROM pipeline_metrics_1m WHERE host = '${h}'`, (r) => r.length > 0, 8_000);
    expect(rows).toEqual([{ fetches: 1, records: 7 }]);
  });
});
