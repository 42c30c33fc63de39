import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { uniqueName } from '@tradewatch/questdb-client/testing';
import { startTestCollector, type TestCollector } from '../testing/test-collector';

const TOKEN = 'api-events-token-0123456789';

/** `POST /v1/events/api` and the market data types of `/v1/events/fetch`: real service, real QuestDB. */
describe('API-call events over HTTP (real QuestDB, real HTTP)', () => {
  let collector: TestCollector;
  const marker = uniqueName('apiev');

  beforeAll(async () => {
    collector = await startTestCollector(['pipeline:', '  intervalMs: 200', 'apiCalls:', '  intervalMs: 200'], TOKEN);
  });
  afterAll(() => collector?.stop());

  const post = (path: string, body: unknown) => collector.post(path, body);
  const query = (sql: string) => collector.query(sql);
  const waitFor = (sql: string, accept: (rows: Record<string, unknown>[]) => boolean) => collector.waitFor(sql, accept);
  const url = () => collector.running.url;

  it('aggregates calls per exchange, method, outcome and host into exchange_api_calls', async () => {
    const host = `${marker}-ok`;
    const call = { host, env: 'staging', exchange: 'bybit', method: 'fetchOrderBook', outcome: 'ok', latency_ms: 40 };
    const res = await post('/v1/events/api', [call, { ...call, latency_ms: 80 }, { ...call, outcome: 'RequestTimeout', latency_ms: 10_000 }, { ...call, method: 'watchTrades', latency_ms: 0.5, timestamp: new Date().toISOString() }]);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 4 });
    const rows = await waitFor(
      `SELECT exchange, method, outcome, env, calls, latency_ms_avg, latency_ms_max FROM exchange_api_calls WHERE host = '${host}' ORDER BY method, outcome`,
      (r) => r.length >= 3,
    );
    expect(rows).toEqual([
      { exchange: 'bybit', method: 'fetchOrderBook', outcome: 'RequestTimeout', env: 'staging', calls: 1, latency_ms_avg: 10_000, latency_ms_max: 10_000 },
      { exchange: 'bybit', method: 'fetchOrderBook', outcome: 'ok', env: 'staging', calls: 2, latency_ms_avg: 60, latency_ms_max: 80 },
      { exchange: 'bybit', method: 'watchTrades', outcome: 'ok', env: 'staging', calls: 1, latency_ms_avg: 0.5, latency_ms_max: 0.5 },
    ]);

    // The latest interval's figures are also Prometheus gauges, labelled by the low-cardinality columns.
    const families = parsePrometheusTextFormat(await (await fetch(`${url()}/metrics`)).text());
    const sample = (name: string, method: string, outcome: string) =>
      families.find((f) => f.name === name)?.metrics.find((m) => m.labels?.['host'] === host && m.labels?.['method'] === method && m.labels?.['outcome'] === outcome);
    expect(sample('tradewatch_exchange_api_calls', 'fetchOrderBook', 'ok')).toEqual({ labels: { exchange: 'bybit', method: 'fetchOrderBook', outcome: 'ok', host, env: 'staging' }, value: '2' });
    expect(Number(sample('tradewatch_exchange_api_latency_max_seconds', 'fetchOrderBook', 'RequestTimeout')?.value)).toBe(10);
  });

  it('stores fetch events of the market data types (trades, ohlcv, ticker, orderbook)', async () => {
    const host = `${marker}-market`;
    const at = new Date(Date.now() - 1_000).toISOString();
    const events = (['trades', 'ohlcv', 'ticker', 'orderbook'] as const).map((data_type, i) => ({ host, env: 'dev', exchange: 'okx', symbol: 'ETH/USDT', data_type, records: i + 1, bytes: 100, latency_ms: 12, data_timestamp: at }));
    expect((await post('/v1/events/fetch', events)).status).toBe(202);
    const rows = await waitFor(`SELECT data_type, records_count, gap_detected FROM pipeline_metrics WHERE host = '${host}' ORDER BY data_type`, (r) => r.length >= 4);
    expect(rows).toEqual([
      { data_type: 'ohlcv', records_count: 2, gap_detected: false },
      { data_type: 'orderbook', records_count: 4, gap_detected: false },
      { data_type: 'ticker', records_count: 3, gap_detected: false },
      { data_type: 'trades', records_count: 1, gap_detected: false },
    ]);
  });

  describe('bad events: 400 naming the field, nothing of the request stored', () => {
    const host = `${marker}-bad`;
    const good = { host, env: 'prod', exchange: 'binance', method: 'fetchTicker', outcome: 'ok', latency_ms: 5 };
    it.each([
      ['a method that is not a name', { method: 'fetch ticker' }, 'method', /must be a method name/],
      ['an outcome outside the ccxt list', { outcome: 'TypeError' }, 'outcome', /RateLimitExceeded/],
      ['a latency beyond the column limit', { latency_ms: 10_001 }, 'latency_ms', /<= 10000/],
      ['a negative latency', { latency_ms: -1 }, 'latency_ms', />= 0/],
      ['an exchange outside the allow-list', { exchange: 'kraken' }, 'exchange', /configured exchanges/],
      ['a missing method', { method: undefined }, 'method', /is required/],
      ['an unknown field', { status: 429 }, 'status', /unknown field/],
    ])('%s', async (_name, change, path, message) => {
      const res = await post('/v1/events/api', [good, { ...good, ...change }]);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: string; issues: { row: number; path: string; message: string }[] };
      expect(json.error).toBe('validation_failed');
      expect(json.issues).toEqual([{ row: 1, path, message: expect.stringMatching(message) }]);
    });

    it('stored none of them', async () => {
      const sentinel = { ...good, method: 'sentinel' };
      expect((await post('/v1/events/api', sentinel)).status).toBe(202);
      await waitFor(`SELECT calls FROM exchange_api_calls WHERE host = '${host}' AND method = 'sentinel'`, (r) => r.length === 1);
      expect(await query(`SELECT count() n FROM exchange_api_calls WHERE host = '${host}' AND method != 'sentinel'`)).toEqual([{ n: 0 }]);
    });
  });

  it('GET /openapi.json describes POST /v1/events/api with the ApiEvent schema', async () => {
    const doc = (await (await fetch(`${url()}/openapi.json`)).json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, { required?: string[]; properties?: Record<string, { enum?: string[] }> }> } };
    expect(doc.paths['/v1/events/api']).toBeDefined();
    expect(doc.components.schemas['ApiEvent'].required?.sort()).toEqual(['env', 'exchange', 'host', 'latency_ms', 'method', 'outcome']);
    expect(doc.components.schemas['ApiEvent'].properties?.['outcome'].enum).toEqual(expect.arrayContaining(['ok', 'RateLimitExceeded', 'RequestTimeout', 'other']));
  });
});
