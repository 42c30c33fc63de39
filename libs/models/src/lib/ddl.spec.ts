import { createMaterializedViewSql, createTableSql } from './ddl';
import { tableDef } from './registry';
import { rollupDef } from './rollup-registry';

describe('createTableSql', () => {
  it('writes columns in registry order with symbol capacities, WAL, TTL and dedup keys', () => {
    expect(createTableSql(tableDef('exchange_status'))).toBe(
      [
        'CREATE TABLE IF NOT EXISTS exchange_status (',
        '  timestamp TIMESTAMP,',
        '  exchange SYMBOL CAPACITY 256 CACHE,',
        '  host SYMBOL CAPACITY 1000 CACHE,',
        '  env SYMBOL CAPACITY 256 CACHE,',
        '  connected BOOLEAN,',
        '  latency_ms DOUBLE,',
        '  reconnect_count LONG,',
        '  last_message_at TIMESTAMP,',
        '  disconnected_at TIMESTAMP',
        ') TIMESTAMP(timestamp) PARTITION BY DAY TTL 90 DAYS WAL',
        'DEDUP UPSERT KEYS(timestamp, exchange, host)',
      ].join('\n'),
    );
  });
});

describe('createMaterializedViewSql', () => {
  it('samples the source by the bucket, keys first, with the partitioning and TTL of the source', () => {
    expect(createMaterializedViewSql(rollupDef('exchange_status_1m'))).toBe(
      [
        'CREATE MATERIALIZED VIEW IF NOT EXISTS exchange_status_1m REFRESH MANUAL AS (',
        '  SELECT timestamp,',
        '    exchange,',
        '    host,',
        '    env,',
        '    count() AS samples,',
        '    sum(CASE WHEN connected THEN 1 ELSE 0 END) AS connected_samples,',
        '    sum(latency_ms) AS latency_sum,',
        '    count(latency_ms) AS latency_samples,',
        '    first(reconnect_count) AS reconnects_first,',
        '    last(reconnect_count) AS reconnects_last,',
        '    min(reconnect_count) AS reconnects_min,',
        '    max(reconnect_count) AS reconnects_max',
        '  FROM exchange_status',
        '  SAMPLE BY 1m',
        ') PARTITION BY DAY TTL 90 DAYS',
      ].join('\n'),
    );
  });
});
