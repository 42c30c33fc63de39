import { TABLES, TABLE_NAMES } from '@tradewatch/models';
import { questDbUrl } from '../testing';
import { SchemaMismatchError } from './errors';
import { MetricsClient } from './metrics-client';

describe('schema bootstrap against a real QuestDB', () => {
  let client: MetricsClient;
  beforeAll(async () => {
    client = await MetricsClient.connect({ url: questDbUrl() });
  });
  afterAll(() => client.close());

  it('creates exactly the tables of SPEC.md §3, and is idempotent', async () => {
    const first = await client.bootstrap();
    expect([...first.created, ...first.existing].sort()).toEqual([...TABLE_NAMES].sort());
    const second = await client.bootstrap();
    expect(second.created).toEqual([]);
    expect(second.existing.sort()).toEqual([...TABLE_NAMES].sort());

    const { rows } = await client.query<Record<string, unknown>>(
      `SELECT table_name, designatedTimestamp, partitionBy, walEnabled, dedup, ttlValue, ttlUnit FROM tables() WHERE table_name IN ('daemon_metrics','exchange_status','pipeline_metrics','trading_metrics') ORDER BY table_name`,
    );
    expect(rows).toEqual([
      { table_name: 'daemon_metrics', designatedTimestamp: 'timestamp', partitionBy: 'DAY', walEnabled: true, dedup: true, ttlValue: 90, ttlUnit: 'DAY' },
      { table_name: 'exchange_status', designatedTimestamp: 'timestamp', partitionBy: 'DAY', walEnabled: true, dedup: true, ttlValue: 90, ttlUnit: 'DAY' },
      { table_name: 'pipeline_metrics', designatedTimestamp: 'timestamp', partitionBy: 'DAY', walEnabled: true, dedup: true, ttlValue: 90, ttlUnit: 'DAY' },
      { table_name: 'trading_metrics', designatedTimestamp: 'timestamp', partitionBy: 'DAY', walEnabled: true, dedup: true, ttlValue: 365, ttlUnit: 'DAY' },
    ]);
  });

  it.each([
    // Written out by hand from SPEC.md §3 rather than derived from the registry, so a registry
    // edit that drifts from the spec fails here.
    ['daemon_metrics', 'timestamp:TIMESTAMP:k host:SYMBOL:k env:SYMBOL:k fetch_count:LONG error_count:LONG liquidation_count:LONG uptime_seconds:DOUBLE running:BOOLEAN memory_rss_bytes:LONG cpu_percent:DOUBLE parquet_bytes:LONG last_error:VARCHAR last_error_at:TIMESTAMP'],
    ['exchange_status', 'timestamp:TIMESTAMP:k exchange:SYMBOL:k host:SYMBOL:k env:SYMBOL connected:BOOLEAN latency_ms:DOUBLE reconnect_count:LONG last_message_at:TIMESTAMP disconnected_at:TIMESTAMP'],
    ['pipeline_metrics', 'timestamp:TIMESTAMP:k exchange:SYMBOL:k symbol:SYMBOL:k data_type:SYMBOL:k host:SYMBOL:k env:SYMBOL records_count:LONG bytes_written:LONG latency_ms:DOUBLE gap_detected:BOOLEAN gap_duration_seconds:DOUBLE'],
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
    await expect(waitForBootstrapOk(client)).resolves.toBe(true);
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

async function waitForBootstrapOk(client: MetricsClient): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    try {
      await client.bootstrap();
      return true;
    } catch (e) {
      if (!(e instanceof SchemaMismatchError)) throw e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
