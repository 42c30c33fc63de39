import { ROLLUP_NAMES, TABLES, TABLE_NAMES, type PipelineMetricsRow } from '@tradewatch/models';
import { questDbUrl, uniqueName } from '../testing';
import { SchemaMismatchError } from './errors';
import { MetricsClient } from './metrics-client';
import { refreshRollups, waitForRollups } from './rollup-refresh';
import type { BootstrapReport } from './schema-bootstrap';

describe('schema bootstrap against a real QuestDB', () => {
  let client: MetricsClient;
  beforeAll(async () => {
    client = await MetricsClient.connect({ url: questDbUrl() });
  });
  afterAll(() => client.close());

  it('creates exactly the tables of docs/product.md §3, and is idempotent', async () => {
    const first = await client.bootstrap();
    expect([...first.created, ...first.existing].sort()).toEqual([...TABLE_NAMES].sort());
    const second = await client.bootstrap();
    expect(second.created).toEqual([]);
    expect(second.existing.sort()).toEqual([...TABLE_NAMES].sort());

    const { rows } = await client.query<Record<string, unknown>>(
      `SELECT table_name, designatedTimestamp, partitionBy, walEnabled, dedup, ttlValue, ttlUnit FROM tables() WHERE table_name IN ('collector_heartbeat','daemon_metrics','exchange_api_calls','exchange_status','pipeline_metrics','trading_metrics') ORDER BY table_name`,
    );
    expect(rows).toEqual([
      { table_name: 'collector_heartbeat', designatedTimestamp: 'timestamp', partitionBy: 'DAY', walEnabled: true, dedup: true, ttlValue: 30, ttlUnit: 'DAY' },
      { table_name: 'daemon_metrics', designatedTimestamp: 'timestamp', partitionBy: 'DAY', walEnabled: true, dedup: true, ttlValue: 90, ttlUnit: 'DAY' },
      { table_name: 'exchange_api_calls', designatedTimestamp: 'timestamp', partitionBy: 'DAY', walEnabled: true, dedup: true, ttlValue: 90, ttlUnit: 'DAY' },
      { table_name: 'exchange_status', designatedTimestamp: 'timestamp', partitionBy: 'DAY', walEnabled: true, dedup: true, ttlValue: 90, ttlUnit: 'DAY' },
      { table_name: 'pipeline_metrics', designatedTimestamp: 'timestamp', partitionBy: 'DAY', walEnabled: true, dedup: true, ttlValue: 90, ttlUnit: 'DAY' },
      { table_name: 'trading_metrics', designatedTimestamp: 'timestamp', partitionBy: 'DAY', walEnabled: true, dedup: true, ttlValue: 365, ttlUnit: 'DAY' },
    ]);
  });

  it('creates every rollup as a materialized view of its source after the tables, and is idempotent', async () => {
    await client.bootstrap();
    const again = await client.bootstrap();
    expect(again.createdViews).toEqual([]);
    expect(again.existingViews.sort()).toEqual([...ROLLUP_NAMES].sort());
    const { rows } = await client.query<Record<string, unknown>>(
      `SELECT view_name, base_table_name FROM materialized_views() ORDER BY view_name`,
    );
    expect(rows.filter((r) => ROLLUP_NAMES.includes(r['view_name'] as never))).toEqual([
      { view_name: 'daemon_metrics_1m', base_table_name: 'daemon_metrics' },
      { view_name: 'exchange_status_1m', base_table_name: 'exchange_status' },
      { view_name: 'pipeline_metrics_1m', base_table_name: 'pipeline_metrics' },
      { view_name: 'trading_metrics_1m', base_table_name: 'trading_metrics' },
    ]);
    const { rows: meta } = await client.query<Record<string, unknown>>(
      `SELECT table_name, matView, partitionBy, ttlValue, ttlUnit FROM tables() WHERE table_name = 'pipeline_metrics_1m'`,
    );
    expect(meta).toEqual([{ table_name: 'pipeline_metrics_1m', matView: true, partitionBy: 'DAY', ttlValue: 90, ttlUnit: 'DAY' }]);
  });

  it('pipeline_metrics_1m has the columns the dashboards read', async () => {
    await client.bootstrap();
    const { rows } = await client.query<{ column: string; type: string }>(`SELECT "column", type FROM table_columns('pipeline_metrics_1m')`);
    expect(rows.map((r) => `${r.column}:${r.type}`).join(' ')).toBe(
      'timestamp:TIMESTAMP exchange:SYMBOL data_type:SYMBOL host:SYMBOL env:SYMBOL fetches:LONG records:LONG bytes:LONG latency_sum:DOUBLE latency_samples:LONG gaps:LONG',
    );
  });

  it('aggregates written rows into the rollup per minute: counts, sums and gaps', async () => {
    await client.bootstrap();
    const host = uniqueName('rollup');
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
    const row = (second: number, symbol: string, records: number, latency: number | null, gap: boolean): PipelineMetricsRow => ({
      timestamp: (minute + second * 1000) * 1000,
      exchange: 'okx',
      symbol,
      data_type: 'oi',
      host,
      env: 'dev',
      records_count: records,
      bytes_written: records * 10,
      latency_ms: latency,
      gap_detected: gap,
      gap_duration_seconds: gap ? 30 : null,
    });
    // Three fetches in the first minute (one without a latency, one with a gap), one in the next.
    await client.write('pipeline_metrics', [row(1, 'BTC/USDT', 5, 10, false), row(20, 'ETH/USDT', 7, null, true), row(40, 'BTC/USDT', 1, 30, false), row(61, 'BTC/USDT', 2, 4, false)]);
    await client.flush();
    await waitForRollups(client.rest, ['pipeline_metrics_1m'], { timeoutMs: 20_000 });
    const { rows } = await client.query(
      `SELECT timestamp, fetches, records, bytes, latency_sum, latency_samples, gaps FROM pipeline_metrics_1m WHERE host = '${host}' ORDER BY timestamp`,
    );
    expect(rows).toEqual([
      { timestamp: new Date(minute).toISOString().replace('Z', '000Z'), fetches: 3, records: 13, bytes: 130, latency_sum: 40, latency_samples: 2, gaps: 1 },
      { timestamp: new Date(minute + 60_000).toISOString().replace('Z', '000Z'), fetches: 1, records: 2, bytes: 20, latency_sum: 4, latency_samples: 1, gaps: 0 },
    ]);
  });

  it.each([
    // Written out by hand from docs/product.md §3 rather than derived from the registry, so a registry
    // edit that drifts from the spec fails here.
    ['daemon_metrics', 'timestamp:TIMESTAMP:k host:SYMBOL:k env:SYMBOL:k fetch_count:LONG error_count:LONG liquidation_count:LONG uptime_seconds:DOUBLE running:BOOLEAN memory_rss_bytes:LONG cpu_percent:DOUBLE parquet_bytes:LONG last_error:VARCHAR last_error_at:TIMESTAMP'],
    ['exchange_status', 'timestamp:TIMESTAMP:k exchange:SYMBOL:k host:SYMBOL:k env:SYMBOL connected:BOOLEAN latency_ms:DOUBLE reconnect_count:LONG last_message_at:TIMESTAMP disconnected_at:TIMESTAMP'],
    // docs/product.md §3: the API-call stats of the CCXT instrumentation.
    ['exchange_api_calls', 'timestamp:TIMESTAMP:k exchange:SYMBOL:k method:SYMBOL:k outcome:SYMBOL:k host:SYMBOL:k env:SYMBOL calls:LONG latency_ms_avg:DOUBLE latency_ms_max:DOUBLE'],
    ['pipeline_metrics', 'timestamp:TIMESTAMP:k exchange:SYMBOL:k symbol:SYMBOL:k data_type:SYMBOL:k host:SYMBOL:k env:SYMBOL records_count:LONG bytes_written:LONG latency_ms:DOUBLE gap_detected:BOOLEAN gap_duration_seconds:DOUBLE'],
    // docs/product.md §3: the collector's own heartbeat.
    ['collector_heartbeat', 'timestamp:TIMESTAMP:k collector:SYMBOL:k env:SYMBOL spool_backlog_rows:LONG spool_backlog_bytes:LONG oldest_unshipped_age_seconds:DOUBLE sources_silent:LONG'],
    ['trading_metrics', 'timestamp:TIMESTAMP:k strategy:SYMBOL:k symbol:SYMBOL:k venue:SYMBOL:k env:SYMBOL:k pnl:DOUBLE unrealized_pnl:DOUBLE position_size:DOUBLE orders_placed:LONG orders_filled:LONG fill_rate:DOUBLE exposure:DOUBLE drawdown:DOUBLE'],
  ])('%s has the specified columns, types and dedup keys', async (table, expected) => {
    await client.bootstrap();
    const { rows } = await client.query<{ column: string; type: string; upsertKey: boolean; designated: boolean }>(
      `SELECT "column", type, upsertKey, designated FROM table_columns('${table}')`,
    );
    const actual = rows.map((r) => `${r.column}:${r.type}${r.upsertKey ? ':k' : ''}`).join(' ');
    expect(actual).toBe(expected);
    expect(rows.filter((r) => r.designated).map((r) => r.column)).toEqual(['timestamp']);
  });

  it('gives symbol columns the capacities of the registry (rounded up to a power of two by QuestDB)', async () => {
    await client.bootstrap();
    const { rows } = await client.query<{ column: string; symbolCapacity: number }>(
      `SELECT "column", symbolCapacity FROM table_columns('pipeline_metrics') WHERE type = 'SYMBOL'`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.column, r.symbolCapacity]))).toEqual({
      exchange: 256,
      symbol: 16384, // 10,000
      data_type: 256,
      host: 1024, // 1,000
      env: 256,
    });
    expect(TABLES.pipeline_metrics.columns.symbol.capacity).toBe(10_000);
  });

  it('refuses a table whose columns differ from the registry, naming the difference', async () => {
    await client.bootstrap();
    await client.rest.execute('ALTER TABLE exchange_status ADD COLUMN surprise DOUBLE');
    try {
      await expect(waitForMismatch(client)).resolves.toMatchObject({
        code: 'schema_mismatch',
        table: 'exchange_status',
        differences: ['column surprise is not in the Tradewatch schema'],
      });
    } finally {
      await client.rest.execute('ALTER TABLE exchange_status DROP COLUMN surprise');
    }
    await expect(waitForBootstrapOk(client)).resolves.toBeTruthy();
  });

  it('rollups refresh on request (REFRESH MANUAL): rows reach one only once a refresh is asked for; a view of an earlier version (IMMEDIATE) is switched at bootstrap', async () => {
    await client.bootstrap();
    await client.rest.execute('ALTER MATERIALIZED VIEW exchange_status_1m SET REFRESH IMMEDIATE');
    const report = await client.bootstrap();
    expect(report.refreshChanged).toEqual([{ view: 'exchange_status_1m', was: 'immediate' }]);
    const { rows: types } = await client.query<{ view_name: string; refresh_type: string }>('SELECT view_name, refresh_type FROM materialized_views() ORDER BY view_name');
    expect(types.filter((t) => ROLLUP_NAMES.includes(t.view_name as never))).toEqual(ROLLUP_NAMES.map((v) => ({ view_name: v, refresh_type: 'manual' })).sort((a, b) => a.view_name.localeCompare(b.view_name)));

    const host = uniqueName('manual');
    const at = (Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000) * 1000;
    await client.write('exchange_status', [{ timestamp: at, exchange: 'okx', host, env: 'dev', connected: true, latency_ms: 12 }]);
    await client.flush();
    const inRollup = async () => (await client.query(`SELECT samples FROM exchange_status_1m WHERE host = '${host}'`)).rows;
    // The raw row is queryable (its WAL applied) while the rollup, asked for nothing, stays without it.
    for (let i = 0; i < 100 && (await client.query(`SELECT * FROM exchange_status WHERE host = '${host}'`)).rows.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await inRollup()).toEqual([]);
    await refreshRollups(client.rest, ['exchange_status_1m']);
    let rows: Record<string, unknown>[] = [];
    for (let i = 0; i < 200 && rows.length === 0; i++) {
      rows = await inRollup();
      if (rows.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows).toEqual([{ samples: 1 }]);
  });

  it('rebuilds a rollup QuestDB invalidated (DROP COLUMN on its source stops incremental refresh)', async () => {
    await client.bootstrap();
    await client.rest.execute('ALTER TABLE daemon_metrics ADD COLUMN surprise DOUBLE');
    await client.rest.execute('ALTER TABLE daemon_metrics DROP COLUMN surprise');
    await expect(waitForViewStatus(client, 'daemon_metrics_1m', 'invalid')).resolves.toBe(true);
    await expect(waitForRollups(client.rest, ['daemon_metrics_1m'])).rejects.toThrow('daemon_metrics_1m is invalid: drop column operation');
    const report = await waitForBootstrapOk(client);
    expect(report && report.rebuiltViews).toEqual([{ view: 'daemon_metrics_1m', reason: 'drop column operation' }]);
    // REFRESH … FULL runs asynchronously: the view stays invalid until the refresh job picks it up.
    await expect(waitForViewStatus(client, 'daemon_metrics_1m', 'valid')).resolves.toBe(true);
    await waitForRollups(client.rest, ['daemon_metrics_1m'], { timeoutMs: 20_000 });
  });
});

// ALTER on a WAL table is applied asynchronously: poll until the metadata shows it.
async function waitForMismatch(client: MetricsClient): Promise<SchemaMismatchError> {
  for (let i = 0; i < 100; i++) {
    try {
      await client.bootstrap();
    } catch (e) {
      if (e instanceof SchemaMismatchError) return e;
      throw e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('bootstrap never reported the altered table');
}

async function waitForBootstrapOk(client: MetricsClient): Promise<BootstrapReport | false> {
  for (let i = 0; i < 100; i++) {
    try {
      return await client.bootstrap();
    } catch (e) {
      if (!(e instanceof SchemaMismatchError)) throw e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function waitForViewStatus(client: MetricsClient, view: string, status: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await client.query<{ view_status: string }>(`SELECT view_status FROM materialized_views() WHERE view_name = '${view}'`);
    if (rows[0]?.view_status === status) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
