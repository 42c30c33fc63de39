import { formatIsoMicros, ValidationError, type Row } from '@tradewatch/models';
import { questDbUrl, uniqueName, waitForCount } from '../testing';
import { QuestDbQueryError } from './errors';
import { MetricsClient } from './metrics-client';

// Recent enough for TTL (90 days) to keep them, and with microseconds that Date cannot hold.
const base = Date.now() * 1000 - 3_600_000_000;
const at = (offsetMicros: number) => Math.floor(base / 1_000_000) * 1_000_000 + offsetMicros;

describe('MetricsClient against a real QuestDB', () => {
  let client: MetricsClient;
  beforeAll(async () => {
    client = await MetricsClient.connect({ url: questDbUrl(), batchRows: 1_000, flushIntervalMs: 200 });
    await client.bootstrap();
  });
  afterAll(() => client.close());

  it('reads back every type exactly: nulls, symbols with / and :, microsecond timestamps', async () => {
    const host = uniqueName('host/a:b');
    const rows: Row<'daemon_metrics'>[] = [
      {
        timestamp: at(123_456),
        host,
        env: 'prod',
        fetch_count: 9_007_199_254_740_000, // a LONG far beyond 32 bits
        error_count: 0,
        liquidation_count: 17,
        uptime_seconds: 3600.125,
        running: true,
        memory_rss_bytes: 512 * 1024 * 1024,
        cpu_percent: 12.5,
        parquet_bytes: 123_456_789_012,
        last_error: 'timeout: fetch "BTC/USDT:USDT"\nretrying',
        last_error_at: at(1),
      },
      { timestamp: at(999_999), host, env: 'prod', running: false },
    ];
    await client.write('daemon_metrics', rows);
    await client.flush();
    expect(await waitForCount(client, `SELECT count() FROM daemon_metrics WHERE host = '${host}'`, 2)).toBe(2);

    const { rows: back } = await client.query(`SELECT * FROM daemon_metrics WHERE host = '${host}' ORDER BY timestamp`);
    expect(back).toEqual([
      {
        timestamp: formatIsoMicros(at(123_456)),
        host,
        env: 'prod',
        fetch_count: 9_007_199_254_740_000,
        error_count: 0,
        liquidation_count: 17,
        uptime_seconds: 3600.125,
        running: true,
        memory_rss_bytes: 536_870_912,
        cpu_percent: 12.5,
        parquet_bytes: 123_456_789_012,
        last_error: 'timeout: fetch "BTC/USDT:USDT"\nretrying',
        last_error_at: formatIsoMicros(at(1)),
      },
      {
        timestamp: formatIsoMicros(at(999_999)),
        host,
        env: 'prod',
        fetch_count: null,
        error_count: null,
        liquidation_count: null,
        uptime_seconds: null,
        running: false,
        memory_rss_bytes: null,
        cpu_percent: null,
        parquet_bytes: null,
        last_error: null,
        last_error_at: null,
      },
    ]);
    expect(String(back[0]['timestamp'])).toMatch(/\.\d{3}456Z$/);
  });

  it('round-trips the other three tables, including CCXT symbols', async () => {
    const host = uniqueName('probe');
    await client.write('exchange_status', [
      { timestamp: at(5), exchange: 'okx', host, env: 'staging', connected: false, latency_ms: 41.75, reconnect_count: 3, last_message_at: at(4), disconnected_at: at(2) },
    ]);
    await client.write('pipeline_metrics', [
      { timestamp: at(6), exchange: 'binance', symbol: 'BTC/USDT:USDT', data_type: 'oi', host, env: 'dev', records_count: 50, bytes_written: 4096, latency_ms: 120.5, gap_detected: true, gap_duration_seconds: 312.5 },
    ]);
    const strategy = uniqueName('basis/arb:v2');
    await client.write('trading_metrics', [
      { timestamp: at(7), strategy, symbol: 'ETH/USDT:USDT', venue: 'bybit', env: 'prod', pnl: -12.25, unrealized_pnl: 3.5, position_size: -0.75, orders_placed: 4, orders_filled: 3, fill_rate: 0.75, exposure: 2400, drawdown: 1.5 },
    ]);
    await client.flush();
    expect(await waitForCount(client, `SELECT count() FROM exchange_status WHERE host = '${host}'`, 1)).toBe(1);
    expect(await waitForCount(client, `SELECT count() FROM pipeline_metrics WHERE host = '${host}'`, 1)).toBe(1);
    expect(await waitForCount(client, `SELECT count() FROM trading_metrics WHERE strategy = '${strategy}'`, 1)).toBe(1);

    const ex = await client.query(`SELECT * FROM exchange_status WHERE host = '${host}'`);
    expect(ex.rows).toEqual([
      { timestamp: formatIsoMicros(at(5)), exchange: 'okx', host, env: 'staging', connected: false, latency_ms: 41.75, reconnect_count: 3, last_message_at: formatIsoMicros(at(4)), disconnected_at: formatIsoMicros(at(2)) },
    ]);
    const pipe = await client.query(`SELECT * FROM pipeline_metrics WHERE host = '${host}'`);
    expect(pipe.rows).toEqual([
      { timestamp: formatIsoMicros(at(6)), exchange: 'binance', symbol: 'BTC/USDT:USDT', data_type: 'oi', host, env: 'dev', records_count: 50, bytes_written: 4096, latency_ms: 120.5, gap_detected: true, gap_duration_seconds: 312.5 },
    ]);
    const trade = await client.query(`SELECT * FROM trading_metrics WHERE strategy = '${strategy}'`);
    expect(trade.rows).toEqual([
      { timestamp: formatIsoMicros(at(7)), strategy, symbol: 'ETH/USDT:USDT', venue: 'bybit', env: 'prod', pnl: -12.25, unrealized_pnl: 3.5, position_size: -0.75, orders_placed: 4, orders_filled: 3, fill_rate: 0.75, exposure: 2400, drawdown: 1.5 },
    ]);
  });

  it('flushes on its own timer without an explicit flush', async () => {
    const host = uniqueName('timer');
    await client.write('daemon_metrics', [{ timestamp: at(10), host, env: 'dev', running: true }]);
    expect(client.pendingRows).toBe(1);
    expect(await waitForCount(client, `SELECT count() FROM daemon_metrics WHERE host = '${host}'`, 1, 5_000)).toBe(1);
    expect(client.pendingRows).toBe(0);
  });

  it('flushes by itself at the batch size', async () => {
    const host = uniqueName('batch');
    const small = await MetricsClient.connect({ url: questDbUrl(), batchRows: 10, flushIntervalMs: 3_600_000 });
    try {
      const rows = Array.from({ length: 10 }, (_, i) => ({ timestamp: at(100 + i), host, env: 'dev' as const, running: true }));
      await small.write('daemon_metrics', rows);
      expect(small.pendingRows).toBe(0);
      expect(await waitForCount(small, `SELECT count() FROM daemon_metrics WHERE host = '${host}'`, 10)).toBe(10);
    } finally {
      await small.close();
    }
  });

  it('writing the same batch twice leaves no duplicate', async () => {
    const host = uniqueName('dedup');
    const rows = Array.from({ length: 500 }, (_, i) => ({ timestamp: at(1_000 + i), host, env: 'prod' as const, running: true, fetch_count: i }));
    await client.write('daemon_metrics', rows);
    await client.flush();
    await client.write('daemon_metrics', rows);
    await client.flush();
    // Wait until both commits are applied: the second changes nothing but must not add rows.
    await waitForCount(client, `SELECT count() FROM daemon_metrics WHERE host = '${host}'`, 500);
    await new Promise((r) => setTimeout(r, 1_000));
    const { rows: counts } = await client.query<{ n: number; distinct_ts: number }>(
      `SELECT count() n, count_distinct(timestamp) distinct_ts FROM daemon_metrics WHERE host = '${host}'`,
    );
    expect(counts).toEqual([{ n: 500, distinct_ts: 500 }]);
  });

  it('rejects invalid rows with field-level errors and writes none of the batch', async () => {
    const host = uniqueName('invalid');
    const good = { timestamp: formatIsoMicros(at(1)), host, env: 'prod', running: true };
    const input = [
      good,
      { ...good, timestamp: formatIsoMicros(at(2)), env: 'qa', fetch_count: -1 },
      { ...good, timestamp: '2026-13-01T00:00:00Z', memory_rss_bytes: 1.5, surprise: 1 },
    ];
    const error = await client.ingest('daemon_metrics', input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { row: 1, path: 'env', message: expect.stringContaining('prod') },
      { row: 1, path: 'fetch_count', message: 'must be >= 0' },
      { row: 2, path: 'timestamp', message: expect.stringContaining('ISO-8601') },
      { row: 2, path: 'memory_rss_bytes', message: 'must be an integer' },
      { row: 2, path: 'surprise', message: 'unknown field' },
    ]);
    expect(client.pendingRows).toBe(0);
    await client.flush();
    await new Promise((r) => setTimeout(r, 500));
    const { rows } = await client.query(`SELECT count() n FROM daemon_metrics WHERE host = '${host}'`);
    expect(rows).toEqual([{ n: 0 }]);

    // The same good row on its own is accepted, proving the rejection was the bad rows' doing.
    await expect(client.ingest('daemon_metrics', good)).resolves.toBe(1);
    await client.flush();
    expect(await waitForCount(client, `SELECT count() FROM daemon_metrics WHERE host = '${host}'`, 1)).toBe(1);
  });

  it('surfaces QuestDB query errors with its message and position', async () => {
    const error = await client.query('SELECT nope FROM daemon_metrics').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuestDbQueryError);
    expect(error).toMatchObject({ code: 'questdb_query_error', position: 7, httpStatus: 400 });
    expect((error as QuestDbQueryError).questdbMessage).toMatch(/Invalid column: nope/i);
  });

  it('pings: ok with a latency when up, the reason when not', async () => {
    const up = await client.ping();
    expect(up.ok).toBe(true);
    const down = await MetricsClient.connect({ url: 'http://127.0.0.1:9' });
    const result = await down.ping(500);
    expect(result).toEqual({ ok: false, error: expect.stringContaining('unreachable') });
    await down.close();
  });

});
