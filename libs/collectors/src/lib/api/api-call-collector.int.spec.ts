import type { ApiEvent } from '@tradewatch/models';
import { uniqueName } from '@tradewatch/questdb-client/testing';
import { recorderFixture, waitForRows, type RecorderFixture } from '../../testing/recorder-fixture';
import { ApiCallCollector, apiCallOptionsSchema } from './api-call-collector';

describe('ApiCallCollector (real QuestDB, pinned clock)', () => {
  let fx: RecorderFixture;
  beforeAll(async () => (fx = await recorderFixture()));
  afterAll(() => fx.close());

  it('writes one row per interval and exchange/method/outcome/host with calls, mean and max latency; none for a quiet interval', async () => {
    const host = uniqueName('api');
    const base = Date.now() - 600_000; // in the past, so no row is in the future
    let now = base;
    const collector = new ApiCallCollector(apiCallOptionsSchema.parse({ intervalMs: 1_000 }), {
      output: fx.recorder,
      onError: (e) => {
        throw e;
      },
      now: () => now,
    });
    const call = (method: string, outcome: ApiEvent['outcome'], latency_ms: number, exchange = 'binance'): ApiEvent => ({ host, env: 'dev', exchange, method, outcome, latency_ms });

    collector.record([call('fetchTicker', 'ok', 10), call('fetchTicker', 'ok', 30), call('fetchTicker', 'RateLimitExceeded', 5), call('fetchTicker', 'ok', 50, 'okx')]);
    collector.record([call('fetchTicker', 'ok', 20)]);
    now = base + 1_000;
    await collector.tick();
    now = base + 2_000;
    await collector.tick(); // nothing happened: no row
    collector.record([call('createOrder', 'InsufficientFunds', 120.5)]);
    now = base + 3_000;
    await collector.stop(); // stop writes what it still had

    const rows = await waitForRows(
      fx.client,
      `SELECT timestamp, exchange, method, outcome, env, calls, latency_ms_avg, latency_ms_max FROM exchange_api_calls WHERE host = '${host}' ORDER BY timestamp, exchange, outcome`,
      (r) => r.length >= 4,
    );
    const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');
    expect(rows).toEqual([
      { timestamp: iso(base + 1_000), exchange: 'binance', method: 'fetchTicker', outcome: 'RateLimitExceeded', env: 'dev', calls: 1, latency_ms_avg: 5, latency_ms_max: 5 },
      { timestamp: iso(base + 1_000), exchange: 'binance', method: 'fetchTicker', outcome: 'ok', env: 'dev', calls: 3, latency_ms_avg: 20, latency_ms_max: 30 },
      { timestamp: iso(base + 1_000), exchange: 'okx', method: 'fetchTicker', outcome: 'ok', env: 'dev', calls: 1, latency_ms_avg: 50, latency_ms_max: 50 },
      { timestamp: iso(base + 3_000), exchange: 'binance', method: 'createOrder', outcome: 'InsufficientFunds', env: 'dev', calls: 1, latency_ms_avg: 120.5, latency_ms_max: 120.5 },
    ]);
  });
});
