import { uniqueName } from '@tradewatch/questdb-client/testing';
import { noop, recorderFixture, waitForRows, type RecorderFixture } from '../../testing/recorder-fixture';
import { inventoryOptionsSchema } from './inventory-config';
import { InventoryCollector } from './inventory-collector';
import { SourceInventory } from './source-inventory';

/** Silence rows of every kind, written through the recorder into the real QuestDB (pinned clock). */
describe('InventoryCollector silence rows (real QuestDB, pinned clock)', () => {
  let fx: RecorderFixture;
  beforeAll(async () => {
    fx = await recorderFixture();
  });
  afterAll(() => fx.close());

  it('stores the explicit row of each kind exactly as CONTRACT.md describes it', async () => {
    const m = uniqueName('invrows');
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;
    const clock = { now: t0 };
    const inventory = new SourceInventory({
      options: inventoryOptionsSchema.parse({ cadencesMs: { daemon: 60_000, exchange: 60_000, strategy: 60_000 } }),
      pipeline: { cadencesMs: { oi: 60_000 }, tolerance: 1.5, intervalMs: 60_000 },
      env: 'prod',
      now: () => clock.now,
    });
    const us = t0 * 1000;
    inventory.observe('daemon_metrics', [{ timestamp: us, host: m, env: 'staging', running: true }]);
    inventory.observe('exchange_status', [{ timestamp: us, exchange: 'okx', host: m, env: 'dev', connected: true, last_message_at: us - 1_000_000 }]);
    inventory.observe('pipeline_metrics', [{ timestamp: us, exchange: 'bybit', symbol: 'ETH/USDT:USDT', data_type: 'oi', host: m, env: 'prod', records_count: 3, gap_detected: false }]);
    inventory.observeStrategyEvents([{ timestamp: us, strategy: m, symbol: 'BTC/USDT:USDT', venue: 'okx', env: 'prod' }]);
    const collector = new InventoryCollector({ inventory, output: fx.recorder.derived, intervalMs: 60_000, onError: noop });
    clock.now = t0 + 200_000; // beyond every limit (pipeline: 60 s × 1.5 + 60 s)
    await collector.tick();
    const at = new Date(clock.now).toISOString().replace('Z', '000Z');
    const since = new Date(t0).toISOString().replace('Z', '000Z');
    const q = (sql: string) => waitForRows(fx.client, sql, (r) => r.length === 1);
    expect(await q(`SELECT * FROM daemon_metrics WHERE host = '${m}'`)).toEqual([
      { timestamp: at, host: m, env: 'staging', fetch_count: null, error_count: null, liquidation_count: null, uptime_seconds: null, running: false, memory_rss_bytes: null, cpu_percent: null, parquet_bytes: null, last_error: 'silent: no report for 200s (expected every 60s)', last_error_at: at },
    ]);
    expect(await q(`SELECT * FROM exchange_status WHERE host = '${m}'`)).toEqual([
      { timestamp: at, exchange: 'okx', host: m, env: 'dev', connected: false, latency_ms: null, reconnect_count: null, last_message_at: new Date(t0 - 1000).toISOString().replace('Z', '000Z'), disconnected_at: since },
    ]);
    expect(await q(`SELECT * FROM pipeline_metrics WHERE host = '${m}'`)).toEqual([
      { timestamp: at, exchange: 'bybit', symbol: 'ETH/USDT:USDT', data_type: 'oi', host: m, env: 'prod', records_count: 0, bytes_written: 0, latency_ms: null, gap_detected: true, gap_duration_seconds: 200 },
    ]);
    expect(await q(`SELECT * FROM trading_metrics WHERE strategy = '${m}'`)).toEqual([
      { timestamp: at, strategy: m, symbol: 'BTC/USDT:USDT', venue: 'okx', env: 'prod', pnl: null, unrealized_pnl: null, position_size: null, orders_placed: null, orders_filled: null, fill_rate: null, exposure: null, drawdown: null },
    ]);
    // A check before a cadence has passed writes nothing more; one after it, one row per source.
    clock.now += 30_000;
    await collector.tick();
    clock.now += 31_000;
    await collector.tick();
    const rows = await waitForRows(fx.client, `SELECT count() n FROM daemon_metrics WHERE host = '${m}'`, (r) => Number(r[0]?.['n']) === 2);
    expect(rows).toEqual([{ n: 2 }]);
  });
});
