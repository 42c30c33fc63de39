import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ccxt from 'ccxt';
import { MetricsClient } from '@tradewatch/questdb-client';
import { questDbUrl, uniqueName } from '@tradewatch/questdb-client/testing';
import { freePort, startCollector, type CollectorProcess } from '../../testing/collector-process';
import { FakeOkx } from '../../testing/fake-okx';
import { Reporter } from '../reporter';
import type { ApiCallInput, FetchEventInput } from '../types';
import { instrumentCcxt } from './instrument-ccxt';

/**
 * The real ccxt (okx) against a local server answering like OKX's REST API, instrumented into the
 * real Reporter, sending to the real collector process, storing in the real QuestDB.
 */
describe('instrumentCcxt: real ccxt → Reporter → collector → QuestDB', () => {
  let collector: CollectorProcess;
  let reader: MetricsClient;
  let fake: FakeOkx;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ccxt-int-'));
    const config = join(dir, 'collector.yaml');
    writeFileSync(config, ['pipeline:', '  intervalMs: 300', 'apiCalls:', '  intervalMs: 300', ''].join('\n'));
    collector = await startCollector(await freePort(), { QUESTDB_URL: questDbUrl(), COLLECTOR_SPOOL_DIR: join(dir, 'spool'), COLLECTOR_CONFIG: config });
    reader = await MetricsClient.connect({ url: questDbUrl() });
    fake = await FakeOkx.start();
  }, 120_000);

  afterAll(async () => {
    await fake?.close();
    await collector?.stop();
    await reader?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const waitFor = async (sql: string, accept: (rows: Record<string, unknown>[]) => boolean) => {
    const deadline = Date.now() + 20_000;
    let rows: Record<string, unknown>[] = [];
    while (Date.now() < deadline) {
      rows = (await reader.query<Record<string, unknown>>(sql)).rows;
      if (accept(rows)) return rows;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out: ${sql}: ${JSON.stringify(rows)}`);
  };

  it('reports fetches with records, latency and data timestamps, a 429 as RateLimitExceeded, a stall as RequestTimeout; the rows reach QuestDB', async () => {
    const host = uniqueName('ccxt');
    const reporter = new Reporter({ url: collector.url, flushIntervalMs: 100, exitHandlers: false });
    // What the instrumentation hands the reporter, kept to check the events themselves.
    const apiCalls: ApiCallInput[] = [];
    const fetches: FetchEventInput[] = [];
    const tee = {
      apiCall: (e: ApiCallInput) => (apiCalls.push(e), reporter.apiCall(e)),
      fetchEvent: (e: FetchEventInput) => (fetches.push(e), reporter.fetchEvent(e)),
    };
    const errors: Error[] = [];
    const exchange = new ccxt.okx({ options: { fetchMarkets: { types: ['swap'] } } });
    exchange.urls['api'] = { rest: fake.url };
    instrumentCcxt(exchange, tee, { host, env: 'dev', onError: (e) => errors.push(e) });
    const symbol = 'BTC/USDT:USDT';
    const timed = async <T>(call: () => Promise<T>) => {
      const started = performance.now();
      const result = await call();
      return { result, ms: performance.now() - started };
    };

    const oi = await timed(() => exchange.fetchOpenInterest(symbol)); // loads the markets first
    const funding = await timed(() => exchange.fetchFundingRate(symbol));
    const beforeFunding = Date.now();
    const trades = await timed(() => exchange.fetchTrades(symbol));
    expect(trades.result).toHaveLength(3);
    fake.mode = 'rate-limited';
    await expect(exchange.fetchTicker(symbol)).rejects.toBeInstanceOf(ccxt.RateLimitExceeded);
    fake.mode = 'stalled';
    exchange.timeout = 600;
    await expect(exchange.fetchTrades(symbol)).rejects.toBeInstanceOf(ccxt.RequestTimeout);
    fake.mode = 'ok';

    // Calls made inside a reported call (loadMarkets → fetchMarkets) are not reported again.
    expect(apiCalls.map((e) => [e.method, e.outcome])).toEqual([
      ['fetchOpenInterest', 'ok'],
      ['fetchFundingRate', 'ok'],
      ['fetchTrades', 'ok'],
      ['fetchTicker', 'RateLimitExceeded'],
      ['fetchTrades', 'RequestTimeout'],
    ]);
    for (const e of apiCalls) expect(e).toMatchObject({ host, env: 'dev', exchange: 'okx' });
    // Latency is the call's wall time: within what the caller measured around it.
    const [oiCall, fundingCall, tradesCall, , stalledCall] = apiCalls;
    expect(oiCall.latency_ms).toBeGreaterThan(0);
    expect(oiCall.latency_ms).toBeLessThanOrEqual(oi.ms);
    expect(fundingCall.latency_ms).toBeLessThanOrEqual(funding.ms);
    expect(tradesCall.latency_ms).toBeLessThanOrEqual(trades.ms);
    expect(stalledCall.latency_ms).toBeGreaterThanOrEqual(600);

    expect(fetches).toEqual([
      { timestamp: expect.any(Number), host, env: 'dev', exchange: 'okx', symbol, data_type: 'oi', records: 1, bytes: expect.any(Number), latency_ms: oiCall.latency_ms, data_timestamp: fake.oiTs },
      // OKX's funding answer has no timestamp in ccxt's structure: the time of the answer stands in.
      { timestamp: expect.any(Number), host, env: 'dev', exchange: 'okx', symbol, data_type: 'funding', records: 1, bytes: expect.any(Number), latency_ms: fundingCall.latency_ms, data_timestamp: expect.any(Number) },
      { timestamp: expect.any(Number), host, env: 'dev', exchange: 'okx', symbol, data_type: 'trades', records: 3, bytes: JSON.stringify(trades.result).length, latency_ms: tradesCall.latency_ms, data_timestamp: Math.max(...fake.tradeTs) },
    ]);
    expect(fetches[1].data_timestamp).toBeLessThanOrEqual(beforeFunding);
    expect(fetches[1].data_timestamp).toBe(fetches[1].timestamp);

    await reporter.close();
    expect(errors).toEqual([]);
    expect(reporter.counters).toMatchObject({ sent: 8, refused: 0 });

    const calls = await waitFor(
      `SELECT method, outcome, sum(calls) calls, max(latency_ms_max) max_ms FROM exchange_api_calls WHERE host = '${host}' GROUP BY method, outcome ORDER BY method, outcome`,
      (r) => r.reduce((n, x) => n + Number(x['calls']), 0) >= 5,
    );
    expect(calls.map((r) => [r['method'], r['outcome'], r['calls']])).toEqual([
      ['fetchFundingRate', 'ok', 1],
      ['fetchOpenInterest', 'ok', 1],
      ['fetchTicker', 'RateLimitExceeded', 1],
      ['fetchTrades', 'RequestTimeout', 1],
      ['fetchTrades', 'ok', 1],
    ]);
    expect(Number(calls[3]['max_ms'])).toBeCloseTo(stalledCall.latency_ms, 6);
    const pipeline = await waitFor(
      `SELECT data_type, sum(records_count) records FROM pipeline_metrics WHERE host = '${host}' GROUP BY data_type ORDER BY data_type`,
      (r) => r.length >= 3,
    );
    expect(pipeline).toEqual([
      { data_type: 'funding', records: 1 },
      { data_type: 'oi', records: 1 },
      { data_type: 'trades', records: 3 },
    ]);
  }, 60_000);
});
