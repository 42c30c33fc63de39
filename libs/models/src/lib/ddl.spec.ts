import { createTableSql } from './ddl';
import { tableDef } from './registry';

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
