import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { questDbUrl, uniqueName } from '@tradewatch/questdb-client/testing';
import { loadConfig } from './config';
import { startCollector } from './server';
import { startTestCollector, type TestCollector } from '../testing/test-collector';

const TOKEN = 'edges-token-0123456789abcdef';
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

/**
 * Input at the edges of what can be stored (issue 12): every request either gets a 4xx naming
 * the field and reason, or a 202 for rows that are then in QuestDB exactly as sent; one client's
 * overflow never costs other clients' rows. The real service over HTTP, the real QuestDB.
 */
describe('ingest edge cases (real HTTP, real QuestDB)', () => {
  const marker = uniqueName('edge');
  let collector: TestCollector;

  beforeAll(async () => {
    collector = await startTestCollector(
      [
        'limits:',
        '  maxBodyBytes: 2000000',
        '  maxRowsPerRequest: 2000',
        'pipeline:',
        '  intervalMs: 200',
        'trading:',
        '  intervalMs: 200',
        '  capital:',
        '    strategies:',
        `      constructor: 1000`,
        `      __proto__: 2000`,
      ],
      TOKEN,
    );
  });
  afterAll(() => collector?.stop());

  const post = (path: string, body: unknown) => collector.post(path, body);
  const query = (sql: string) => collector.query(sql);
  const waitFor = (sql: string, accept: (rows: Record<string, unknown>[]) => boolean, ms = 10_000) => collector.waitFor(sql, accept, ms);
  const issuesOf = async (res: Response) => ((await res.json()) as { issues?: { path: string; message: string }[] }).issues ?? [];

  it('timestamps at the boundaries: exactly the rows that got 202 are stored, the others are refused saying why', async () => {
    const now = Date.now();
    const edge = now - 90 * DAY + 3_600_000; // daemon_metrics keeps 90 days, less a 1-hour margin
    const cases: [string, Record<string, unknown>, number, RegExp?][] = [
      ['inside the TTL edge', { timestamp: iso(edge + 120_000) }, 202],
      ['beyond the TTL edge', { timestamp: iso(edge - 120_000) }, 400, /older than the retention: daemon_metrics keeps 90 days/],
      ['at 1970-01-01 (a non-designated timestamp)', { timestamp: iso(now - 60_000), last_error_at: '1970-01-01T00:00:00.000000Z' }, 202],
      ['before 1970', { timestamp: iso(now - 60_000), last_error_at: '1969-12-31T23:59:59.999999Z' }, 400, /before 1970/],
      ['a year below 100', { timestamp: iso(now - 60_000), last_error_at: '0070-01-01T00:00:00Z' }, 400, /before 1970/],
      ['a designated timestamp in 1970', { timestamp: '1970-01-01T00:00:00Z' }, 400, /older than the retention/],
      ['within the future skew', { timestamp: iso(now + 2_000) }, 202],
      ['beyond the future skew', { timestamp: iso(now + 60_000) }, 400, /in the future/],
    ];
    const accepted: Record<string, unknown>[] = [];
    for (const [i, [name, fields, status, reason]] of cases.entries()) {
      const row = { host: `${marker}-ts-${i}`, env: 'prod', running: true, ...fields };
      const res = await post('/v1/metrics/daemon', row);
      expect([name, res.status]).toEqual([name, status]);
      if (status === 202) accepted.push(row);
      else expect(await issuesOf(res)).toEqual([expect.objectContaining({ message: expect.stringMatching(reason as RegExp) })]);
    }
    const rows = await waitFor(
      `SELECT host, timestamp, last_error_at FROM daemon_metrics WHERE host LIKE '${marker}-ts-%' ORDER BY host`,
      (r) => r.length >= accepted.length,
    );
    expect(rows).toEqual(
      accepted
        .map((r) => ({ host: r['host'], timestamp: r['timestamp'], last_error_at: r['last_error_at'] ?? null }))
        .sort((a, b) => String(a.host).localeCompare(String(b.host))),
    );
  });

  it('refuses names with format characters, lone surrogates or invalid UTF-8, and stores none of them', async () => {
    const base = { timestamp: iso(Date.now() - 60_000), env: 'prod', running: true };
    for (const host of [`${marker}-zw\u200b`, `${marker}-bidi\u202e`, `\ufeff${marker}-bom`, `${marker}-lone\ud800`]) {
      const res = await post('/v1/metrics/daemon', { ...base, host });
      expect(res.status).toBe(400);
      expect(await issuesOf(res)).toEqual([expect.objectContaining({ path: 'host' })]);
    }
    const invalidUtf8 = Buffer.concat([Buffer.from(`{"timestamp":"${base.timestamp}","env":"prod","running":true,"host":"${marker}-bad`), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const res = await post('/v1/metrics/daemon', invalidUtf8);
    expect(res.status).toBe(400);
    // A sentinel written afterwards: once it is visible, a refused row would be too.
    expect((await post('/v1/metrics/daemon', { ...base, host: `${marker}-names-sentinel` })).status).toBe(202);
    await waitFor(`SELECT host FROM daemon_metrics WHERE host = '${marker}-names-sentinel'`, (r) => r.length === 1);
    expect(await query(`SELECT host FROM daemon_metrics WHERE host LIKE '${marker}-%' AND host != '${marker}-names-sentinel' AND host NOT LIKE '${marker}-ts-%'`)).toEqual([]);
  });

  it("refuses fetch events whose sum would overflow records_count; other hosts' rows of the interval are stored", async () => {
    const event = (host: string, records: number) => ({ host, env: 'prod', exchange: 'okx', symbol: 'BTC/USDT:USDT', data_type: 'oi', records, bytes: 1, latency_ms: 1, data_timestamp: iso(Date.now() - 1_000) });
    const good = `${marker}-sum-good`;
    const greedy = `${marker}-sum-greedy`;
    expect((await post('/v1/events/fetch', [event(good, 5)])).status).toBe(202);
    const res = await post('/v1/events/fetch', Array.from({ length: 1100 }, () => event(greedy, Number.MAX_SAFE_INTEGER)));
    expect(res.status).toBe(400);
    expect((await issuesOf(res))[0]).toEqual({ row: 1, path: 'records', message: expect.stringMatching(/beyond the column's limit/) });
    const [row] = await waitFor(`SELECT records_count FROM pipeline_metrics WHERE host = '${good}'`, (r) => r.length === 1);
    expect(row).toEqual({ records_count: 5 });
    expect(await query(`SELECT * FROM pipeline_metrics WHERE host = '${greedy}'`)).toEqual([]);
  });

  it('bounds data_timestamp of fetch events, so a gap can never be decades long', async () => {
    const res = await post('/v1/events/fetch', { host: `${marker}-old-data`, env: 'prod', exchange: 'okx', symbol: 'X', data_type: 'oi', records: 1, bytes: 1, latency_ms: 1, data_timestamp: '1990-01-01T00:00:00Z' });
    expect(res.status).toBe(400);
    expect(await issuesOf(res)).toEqual([expect.objectContaining({ path: 'data_timestamp', message: expect.stringMatching(/older than the retention/) })]);
  });

  it("refuses trading events that would make PnL or exposure infinite; other strategies' rows are stored", async () => {
    const p = (strategy: string) => ({ strategy, symbol: 'BTC/USDT:USDT', venue: 'okx', env: 'prod' });
    const good = `${marker}-inf-good`;
    const huge = `${marker}-inf-huge`;
    expect((await post('/v1/events/trading', [{ type: 'order_filled', ...p(good), side: 'buy', quantity: 2, price: 10 }])).status).toBe(202);
    const res = await post('/v1/events/trading', [{ type: 'order_filled', ...p(huge), side: 'buy', quantity: 1e300, price: 1e300 }]);
    expect(res.status).toBe(400);
    expect(await issuesOf(res)).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'quantity', message: expect.stringMatching(/exposure .*Infinity/) })]));
    const [row] = await waitFor(`SELECT position_size, exposure FROM trading_metrics WHERE strategy = '${good}' LIMIT 1`, (r) => r.length === 1);
    expect(row).toEqual({ position_size: 2, exposure: 20 });
    expect(await query(`SELECT * FROM trading_metrics WHERE strategy = '${huge}'`)).toEqual([]);
  });

  it('applies marks in event-time order: a late mark does not override a newer one', async () => {
    const strategy = `${marker}-marks`;
    const pos = { strategy, symbol: `${marker}-SYM`, venue: 'okx', env: 'prod' };
    const now = Date.now();
    expect((await post('/v1/events/trading', { type: 'order_filled', ...pos, side: 'buy', quantity: 1, price: 100, timestamp: iso(now - 3_000) })).status).toBe(202);
    expect((await post('/v1/events/trading', { type: 'mark', symbol: pos.symbol, venue: 'okx', price: 130, timestamp: iso(now - 1_000) })).status).toBe(202);
    expect((await post('/v1/events/trading', { type: 'mark', symbol: pos.symbol, venue: 'okx', price: 90, timestamp: iso(now - 2_000) })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 600));
    const rows = await waitFor(`SELECT unrealized_pnl FROM trading_metrics WHERE strategy = '${strategy}' LATEST ON timestamp PARTITION BY strategy`, (r) => r.length === 1);
    expect(rows).toEqual([{ unrealized_pnl: 30 }]);
  });

  it('refuses a fill_rate that disagrees with orders_filled / orders_placed', async () => {
    const row = { timestamp: iso(Date.now() - 60_000), strategy: `${marker}-fr`, symbol: 'X', venue: 'okx', env: 'prod', orders_placed: 4, orders_filled: 1, fill_rate: 0.9 };
    const res = await post('/v1/metrics/trading', row);
    expect(res.status).toBe(400);
    expect(await issuesOf(res)).toEqual([expect.objectContaining({ path: 'fill_rate' })]);
    expect((await post('/v1/metrics/trading', { ...row, fill_rate: 0.25 })).status).toBe(202);
  });

  it('keeps cumulative counters monotone in time order: backdated rows and same-timestamp upserts that lower them are refused', async () => {
    const host = `${marker}-counter`;
    const t = Date.now() - 600_000;
    const row = (offset: number, fetch_count: number, uptime_seconds: number) => ({ timestamp: iso(t + offset), host, env: 'prod', running: true, fetch_count, uptime_seconds });
    expect((await post('/v1/metrics/daemon', [row(0, 100, 100), row(20_000, 120, 120)])).status).toBe(202);
    const backdated = await post('/v1/metrics/daemon', row(10_000, 150, 110));
    expect(backdated.status).toBe(400);
    expect(await issuesOf(backdated)).toEqual([expect.objectContaining({ path: 'fetch_count', message: expect.stringMatching(/later/) })]);
    const upsert = await post('/v1/metrics/daemon', row(20_000, 50, 120));
    expect(upsert.status).toBe(400);
    expect((await post('/v1/metrics/daemon', row(10_000, 110, 110))).status).toBe(202);
    const rows = await waitFor(`SELECT fetch_count FROM daemon_metrics WHERE host = '${host}' ORDER BY timestamp`, (r) => r.length === 3);
    expect(rows).toEqual([{ fetch_count: 100 }, { fetch_count: 110 }, { fetch_count: 120 }]);
  });

  it('a restarted collector checks counters against what QuestDB holds', async () => {
    const host = `${marker}-restart`;
    const row = (offset: number, fetch_count: number) => ({ timestamp: iso(Date.now() - 300_000 + offset), host, env: 'prod', running: true, fetch_count, uptime_seconds: 1000 + offset / 1000 });
    expect((await post('/v1/metrics/daemon', row(0, 500))).status).toBe(202);
    await waitFor(`SELECT fetch_count FROM daemon_metrics WHERE host = '${host}'`, (r) => r.length === 1);
    const dir = mkdtempSync(join(tmpdir(), 'collector-edges-restart-'));
    const second = await startCollector(
      loadConfig({ QUESTDB_URL: questDbUrl(), COLLECTOR_PORT: '0', COLLECTOR_TOKENS: TOKEN, COLLECTOR_SPOOL_DIR: join(dir, 'spool') }),
      pino({ level: 'silent' }),
    );
    try {
      const send = (body: unknown) => fetch(`${second.url}/v1/metrics/daemon`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
      const res = await send(row(10_000, 400));
      expect(res.status).toBe(400);
      expect(await issuesOf(res)).toEqual([expect.objectContaining({ path: 'fetch_count', message: expect.stringMatching(/went down from 500 to 400/) })]);
      expect((await send(row(10_000, 510))).status).toBe(202);
    } finally {
      await second.stop();
    }
  });

  it('treats constructor, __proto__, toString, hasOwnProperty and valueOf as plain names (config capital and events)', async () => {
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
    const symbol = `${marker}-PROTO`;
    const events = names.flatMap((strategy) => [
      { type: 'order_filled', strategy, symbol, venue: 'okx', env: 'dev', side: 'buy', quantity: 1, price: 100 },
    ]);
    expect((await post('/v1/events/trading', [...events, { type: 'mark', symbol, venue: 'okx', price: 50 }])).status).toBe(202);
    const rows = await waitFor(
      `SELECT strategy, drawdown FROM trading_metrics WHERE symbol = '${symbol}' LATEST ON timestamp PARTITION BY strategy ORDER BY strategy`,
      (r) => r.length === names.length,
    );
    // A loss of 50: 5% of the configured 1000 (constructor), 2.5% of 2000 (__proto__), 0.05% of the default 100000.
    expect(rows).toEqual([
      { strategy: '__proto__', drawdown: 2.5 },
      { strategy: 'constructor', drawdown: 5 },
      { strategy: 'hasOwnProperty', drawdown: 0.05 },
      { strategy: 'toString', drawdown: 0.05 },
      { strategy: 'valueOf', drawdown: 0.05 },
    ]);
    const host = `${marker}-proto-host`;
    for (const h of names) {
      expect((await post('/v1/metrics/daemon', { timestamp: iso(Date.now() - 60_000), host: h, env: 'dev', running: true, fetch_count: 1 })).status).toBe(202);
    }
    expect((await post('/v1/events/fetch', { host, env: 'dev', exchange: 'okx', symbol: 'constructor', data_type: 'oi', records: 1, bytes: 1, latency_ms: 1, data_timestamp: iso(Date.now() - 1000) })).status).toBe(202);
    await waitFor(`SELECT symbol FROM pipeline_metrics WHERE host = '${host}'`, (r) => r.length === 1 && r[0]['symbol'] === 'constructor');
  });
});
