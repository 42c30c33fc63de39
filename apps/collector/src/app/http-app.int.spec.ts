import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { questDbUrl, uniqueName } from '@tradewatch/questdb-client/testing';
import { loadConfig } from './config';
import { startCollector, type RunningCollector } from './server';

const TOKEN = 'test-token-0123456789abcdef';

/** The real service on a free loopback port, against the real QuestDB. */
describe('collector HTTP API (real QuestDB, real HTTP)', () => {
  let running: RunningCollector;
  const marker = uniqueName('api');

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'collector-api-'));
    const file = join(dir, 'collector.yaml');
    writeFileSync(file, ['limits:', '  maxBodyBytes: 65536', '  maxRowsPerRequest: 50', 'pipeline:', '  intervalMs: 200', 'trading:', '  intervalMs: 200', ''].join('\n'));
    const config = loadConfig({
      QUESTDB_URL: questDbUrl(),
      COLLECTOR_PORT: '0',
      COLLECTOR_TOKENS: `other-token-0123456789,${TOKEN}`,
      COLLECTOR_CONFIG: file,
      COLLECTOR_SPOOL_DIR: join(dir, 'spool'),
    });
    running = await startCollector(config, pino({ level: 'silent' }));
  });
  afterAll(() => running.stop());

  const post = (path: string, body: unknown, token: string | null = TOKEN) =>
    fetch(`${running.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const query = async (sql: string) => (await running.client.query(sql)).rows;
  const waitFor = async (sql: string, accept: (rows: Record<string, unknown>[]) => boolean) => {
    const deadline = Date.now() + 5_000;
    let rows: Record<string, unknown>[] = [];
    while (Date.now() < deadline) {
      rows = await query(sql);
      if (accept(rows)) return rows;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out: ${sql}: ${JSON.stringify(rows)}`);
  };
  const ts = (offsetMs = 0) => new Date(Date.now() - 60_000 + offsetMs).toISOString().replace('Z', '123Z');

  describe('round trips', () => {
    const host = `${marker}-ok`;
    const rows = {
      daemon: {
        table: 'daemon_metrics',
        row: { timestamp: ts(), host, env: 'prod', fetch_count: 10, error_count: 1, liquidation_count: 2, uptime_seconds: 12.25, running: true, memory_rss_bytes: 1048576, cpu_percent: 3.5, parquet_bytes: 2048, last_error: 'boom "quoted", comma', last_error_at: ts(-1000) },
      },
      exchange: {
        table: 'exchange_status',
        row: { timestamp: ts(), exchange: 'dydx', host, env: 'staging', connected: false, latency_ms: 12.5, reconnect_count: 3, last_message_at: ts(-5000), disconnected_at: ts(-2000) },
      },
      pipeline: {
        table: 'pipeline_metrics',
        row: { timestamp: ts(), exchange: 'okx', symbol: 'ETH/USDT:USDT', data_type: 'funding', host, env: 'dev', records_count: 7, bytes_written: 700, latency_ms: 99.5, gap_detected: true, gap_duration_seconds: 61.5 },
      },
      trading: {
        table: 'trading_metrics',
        row: { timestamp: ts(), strategy: host, symbol: 'BTC/USDT:USDT', venue: 'binance', env: 'prod', pnl: -12.5, unrealized_pnl: 3.25, position_size: -0.5, orders_placed: 4, orders_filled: 3, fill_rate: 0.75, exposure: 30000.5, drawdown: 1.5 },
      },
    } as const;

    it.each(Object.entries(rows))('POST /v1/metrics/%s stores the row exactly', async (kind, { table, row }) => {
      const res = await post(`/v1/metrics/${kind}`, [row]);
      expect(res.status).toBe(202);
      expect(res.headers.get('etag')).toBeNull();
      expect(await res.json()).toEqual({ accepted: 1 });
      const column = table === 'trading_metrics' ? 'strategy' : 'host';
      const [stored] = await waitFor(`SELECT * FROM ${table} WHERE ${column} = '${host}'`, (r) => r.length === 1);
      expect(stored).toEqual(row);
    });

    it('POST /v1/events/fetch aggregates into pipeline_metrics', async () => {
      const h = `${marker}-fetch`;
      const event = { host: h, env: 'dev', exchange: 'binance', symbol: 'SOL/USDT:USDT', data_type: 'oi', records: 5, bytes: 500, latency_ms: 10, data_timestamp: ts() };
      const res = await post('/v1/events/fetch', [event, { ...event, records: 3, bytes: 300, latency_ms: 30 }]);
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ accepted: 2 });
      const [row] = await waitFor(`SELECT * FROM pipeline_metrics WHERE host = '${h}'`, (r) => r.length === 1);
      expect(row).toMatchObject({ exchange: 'binance', symbol: 'SOL/USDT:USDT', data_type: 'oi', records_count: 8, bytes_written: 800, latency_ms: 20, gap_detected: false, gap_duration_seconds: null });
    });

    it('POST /v1/events/trading aggregates into trading_metrics', async () => {
      const strategy = `${marker}-trade`;
      const p = { strategy, symbol: 'ETH/USDT:USDT', venue: 'bybit', env: 'dev' };
      const res = await post('/v1/events/trading', [
        { type: 'order_placed', ...p, side: 'buy', quantity: 1 },
        { type: 'order_filled', ...p, side: 'buy', quantity: 1, price: 2000 },
        { type: 'mark', symbol: p.symbol, venue: p.venue, price: 2010 },
      ]);
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ accepted: 3 });
      const [row] = await waitFor(`SELECT * FROM trading_metrics WHERE strategy = '${strategy}' LIMIT 1`, (r) => r.length > 0);
      expect(row).toMatchObject({ pnl: 0, unrealized_pnl: 10, position_size: 1, orders_placed: 1, orders_filled: 1, fill_rate: 1, exposure: 2010, drawdown: 0 });
    });
  });

  describe('bad input: documented status, a body naming the field, nothing stored', () => {
    const bad = `${marker}-bad`;
    const daemon = { timestamp: ts(), host: bad, env: 'prod', running: true };
    const exchange = { timestamp: ts(), exchange: 'okx', host: bad, env: 'prod', connected: true };
    const pipeline = { timestamp: ts(), exchange: 'okx', symbol: 'BTC/USDT:USDT', data_type: 'oi', host: bad, env: 'prod', gap_detected: false };
    const trading = { timestamp: ts(), strategy: bad, symbol: 'BTC/USDT:USDT', venue: 'okx', env: 'prod' };
    const future = new Date(Date.now() + 3_600_000).toISOString();

    type Case = [name: string, path: string, body: unknown, status: number, expected: { path?: string; message: RegExp; token?: string | null }];
    const cases: Case[] = [
      ['malformed JSON', '/v1/metrics/daemon', '{"timestamp": ', 400, { path: '', message: /malformed JSON/ }],
      ['wrong type', '/v1/metrics/daemon', [daemon, { ...daemon, fetch_count: 'ten' }], 400, { path: 'fetch_count', message: /number/ }],
      ['missing field', '/v1/metrics/daemon', { timestamp: ts(), host: bad, env: 'prod' }, 400, { path: 'running', message: /is required/ }],
      ['unknown exchange', '/v1/metrics/exchange', { ...exchange, exchange: 'kraken' }, 400, { path: 'exchange', message: /configured exchanges/ }],
      ['timestamp in the future', '/v1/metrics/daemon', { ...daemon, timestamp: future }, 400, { path: 'timestamp', message: /in the future/ }],
      ['not a timestamp', '/v1/metrics/daemon', { ...daemon, timestamp: 'yesterday' }, 400, { path: 'timestamp', message: /ISO-8601/ }],
      ['negative counter', '/v1/metrics/daemon', { ...daemon, error_count: -1 }, 400, { path: 'error_count', message: />= 0/ }],
      ['fractional counter', '/v1/metrics/exchange', { ...exchange, reconnect_count: 1.5 }, 400, { path: 'reconnect_count', message: /integer/ }],
      ['oversize body', '/v1/metrics/daemon', [{ ...daemon, last_error: 'x'.repeat(70_000) }], 413, { message: /larger than the limit of 65536 bytes/ }],
      ['too many rows', '/v1/metrics/daemon', Array.from({ length: 51 }, () => daemon), 413, { message: /51 rows .* limit is 50/ }],
      ['control characters in a symbol', '/v1/metrics/pipeline', { ...pipeline, symbol: 'BTC\u0007USDT' }, 400, { path: 'symbol', message: /control characters/ }],
      ['fill_rate above 1', '/v1/metrics/trading', { ...trading, fill_rate: 1.5 }, 400, { path: 'fill_rate', message: /<= 1/ }],
      ['orders_filled above orders_placed', '/v1/metrics/trading', { ...trading, orders_placed: 1, orders_filled: 2 }, 400, { path: 'orders_filled', message: /must not exceed orders_placed/ }],
      ['latency out of range', '/v1/metrics/exchange', { ...exchange, latency_ms: 20_000 }, 400, { path: 'latency_ms', message: /<= 10000/ }],
      ['unknown env', '/v1/metrics/pipeline', { ...pipeline, env: 'qa' }, 400, { path: 'env', message: /prod/ }],
      ['unknown field', '/v1/metrics/trading', { ...trading, pnl_usd: 1 }, 400, { path: 'pnl_usd', message: /unknown field/ }],
      ['gap duration without a gap', '/v1/metrics/pipeline', { ...pipeline, gap_duration_seconds: 5 }, 400, { path: 'gap_duration_seconds', message: /only allowed when gap_detected/ }],
      ['last_message_at after timestamp', '/v1/metrics/exchange', { ...exchange, last_message_at: ts(10_000) }, 400, { path: 'last_message_at', message: /not be later than timestamp/ }],
      ['empty array', '/v1/metrics/exchange', [], 400, { path: '', message: /at least one row/ }],
      ['fetch event with a bad data_type', '/v1/events/fetch', { host: bad, env: 'prod', exchange: 'okx', symbol: 'X', data_type: 'candles', records: 1, bytes: 1, latency_ms: 1, data_timestamp: ts() }, 400, { path: 'data_type', message: /oi/ }],
      ['trading event of an unknown type', '/v1/events/trading', { type: 'cancel', strategy: bad }, 400, { path: 'type', message: /./ }],
      ['wrong token', '/v1/metrics/daemon', daemon, 401, { message: /invalid bearer token/, token: 'wrong-token-0123456789abcdef' }],
      ['no token', '/v1/metrics/daemon', daemon, 401, { message: /missing bearer token/, token: null }],
    ];

    it.each(cases)('%s', async (_name, path, body, status, expected) => {
      const res = await post(path, body, expected.token === undefined ? TOKEN : expected.token);
      expect(res.status).toBe(status);
      const json = (await res.json()) as { error: string; message?: string; issues?: { row: number; path: string; message: string }[] };
      if (status === 400) {
        expect(json.error).toBe('validation_failed');
        expect(json.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: expected.path, message: expect.stringMatching(expected.message) })]));
      } else {
        expect(json.message).toMatch(expected.message);
      }
      if (status === 401) expect(res.headers.get('www-authenticate')).toBe('Bearer');
    });

    it('a counter that goes down without a restart is refused; the earlier row stays the only one', async () => {
      const h = `${bad}-counter`;
      const first = { timestamp: ts(), host: h, env: 'prod', running: true, uptime_seconds: 100, fetch_count: 50 };
      expect((await post('/v1/metrics/daemon', first)).status).toBe(202);
      const res = await post('/v1/metrics/daemon', { ...first, timestamp: ts(1_000), uptime_seconds: 101, fetch_count: 40 });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'validation_failed', issues: [{ row: 0, path: 'fetch_count', message: expect.stringMatching(/went down from 50 to 40/) }] });
      // A restart (uptime went down) may reset it.
      expect((await post('/v1/metrics/daemon', { ...first, timestamp: ts(2_000), uptime_seconds: 1, fetch_count: 0 })).status).toBe(202);
      const rows = await waitFor(`SELECT fetch_count FROM daemon_metrics WHERE host = '${h}' ORDER BY timestamp`, (r) => r.length >= 2);
      expect(rows).toEqual([{ fetch_count: 50 }, { fetch_count: 0 }]);
    });

    it('stored none of the refused rows', async () => {
      // A sentinel per table, written after the bad requests: once it is visible, anything sent before would be too.
      const sentinel = `${bad}-sentinel`;
      await post('/v1/metrics/daemon', { ...daemon, host: sentinel });
      await post('/v1/metrics/exchange', { ...exchange, host: sentinel });
      await post('/v1/metrics/pipeline', { ...pipeline, host: sentinel });
      await post('/v1/metrics/trading', { ...trading, strategy: sentinel });
      for (const [table, column] of [['daemon_metrics', 'host'], ['exchange_status', 'host'], ['pipeline_metrics', 'host'], ['trading_metrics', 'strategy']]) {
        await waitFor(`SELECT count() n FROM ${table} WHERE ${column} = '${sentinel}'`, (r) => r[0]?.['n'] === 1);
        expect(await query(`SELECT count() n FROM ${table} WHERE ${column} LIKE '${bad}%' AND ${column} != '${sentinel}' AND ${column} != '${bad}-counter'`)).toEqual([{ n: 0 }]);
      }
    });
  });

  it('GET /metrics parses as Prometheus exposition with collector health and monitored values', async () => {
    const res = await fetch(`${running.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(await res.text());
    const family = (name: string) => families.find((f) => f.name === name);
    const accepted = family('tradewatch_collector_rows_accepted_total');
    expect(accepted?.type).toBe('COUNTER');
    expect(Number(accepted?.metrics.find((m) => m.labels?.['table'] === 'daemon_metrics')?.value)).toBeGreaterThanOrEqual(1);
    expect(Number(family('tradewatch_collector_rows_rejected_total')?.metrics.find((m) => m.labels?.['table'] === 'daemon_metrics')?.value)).toBeGreaterThanOrEqual(1);
    expect(family('tradewatch_collector_flush_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(family('tradewatch_collector_spool_rows')?.type).toBe('GAUGE');
    expect(family('tradewatch_collector_process_resident_memory_bytes')).toBeDefined();
    const running_ = family('tradewatch_daemon_running')?.metrics.find((m) => m.labels?.['host'] === `${marker}-ok`);
    expect(running_).toEqual({ labels: { host: `${marker}-ok`, env: 'prod' }, value: '1' });
    const latency = family('tradewatch_exchange_latency_seconds')?.metrics.find((m) => m.labels?.['host'] === `${marker}-ok`);
    expect(Number(latency?.value)).toBeCloseTo(0.0125, 10);
    for (const f of families) expect(f.metrics.every((m) => !m.labels || !('symbol' in m.labels))).toBe(true);
  });

  it('GET /openapi.json describes every route with schemas from the zod models', async () => {
    const doc = (await (await fetch(`${running.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/metrics/daemon', '/v1/metrics/exchange', '/v1/metrics/pipeline', '/v1/metrics/trading', '/v1/events/fetch', '/v1/events/trading', '/metrics', '/health/ready']));
    expect(doc.components.schemas['exchange_status'].required).toEqual(expect.arrayContaining(['timestamp', 'exchange', 'host', 'env', 'connected']));
    expect(doc.components.schemas['exchange_status'].properties?.['latency_ms']).toEqual({
      anyOf: [{ type: 'number', minimum: 0, maximum: 10_000 }, { type: 'null' }],
    });
  });

  it('GET /health/live and /health/ready answer 200 with QuestDB reachable', async () => {
    expect((await fetch(`${running.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${running.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { accepting: 'ok', questdb: 'ok', sink: 'ok' },
      spool: expect.objectContaining({ depthRows: expect.any(Number), depthBytes: expect.any(Number), oldestAgeSeconds: expect.any(Number), deadLetters: 0, full: false }),
    });
  });
});
