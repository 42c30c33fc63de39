import { createTableSql } from '../ddl';
import { ValidationError } from '../errors';
import { tableDef } from '../registry';
import { formatIsoMicros } from '../timestamp';
import { validateRows } from '../validate';
import { DEFAULT_VALIDATION_OPTIONS, type ValidationOptions } from '../validation-options';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const options: ValidationOptions = { ...DEFAULT_VALIDATION_OPTIONS, now: () => NOW };
const row = {
  timestamp: formatIsoMicros((NOW - 1000) * 1000),
  exchange: 'binance',
  method: 'fetchTicker',
  outcome: 'ok',
  host: 'bot-1',
  env: 'prod',
  calls: 12,
  latency_ms_avg: 41.5,
  latency_ms_max: 120,
};

function issuesOf(input: unknown): string[] {
  try {
    validateRows('exchange_api_calls', input, options);
    return [];
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

describe('exchange_api_calls (registry)', () => {
  it('has the DDL of the contract: symbols, dedup keys, TTL 90 days, DAY partitions', () => {
    expect(createTableSql(tableDef('exchange_api_calls'))).toBe(
      [
        'CREATE TABLE IF NOT EXISTS exchange_api_calls (',
        '  timestamp TIMESTAMP,',
        '  exchange SYMBOL CAPACITY 256 CACHE,',
        '  method SYMBOL CAPACITY 1000 CACHE,',
        '  outcome SYMBOL CAPACITY 256 CACHE,',
        '  host SYMBOL CAPACITY 1000 CACHE,',
        '  env SYMBOL CAPACITY 256 CACHE,',
        '  calls LONG,',
        '  latency_ms_avg DOUBLE,',
        '  latency_ms_max DOUBLE',
        ') TIMESTAMP(timestamp) PARTITION BY DAY TTL 90 DAYS WAL',
        'DEDUP UPSERT KEYS(timestamp, exchange, method, outcome, host)',
      ].join('\n'),
    );
  });

  it('accepts a valid row', () => {
    expect(validateRows('exchange_api_calls', row, options)[0]).toMatchObject({ method: 'fetchTicker', calls: 12 });
  });

  it.each([
    ['a method with a dot', { method: 'fetch.ticker' }, /^method: must be a method name/],
    ['a method starting with a digit', { method: '1fetch' }, /^method: must be a method name/],
    ['a method longer than 64 characters', { method: 'f'.repeat(65) }, /^method: must be a method name/],
    ['an outcome outside the list', { outcome: 'TypeError' }, /^outcome: .*"RateLimitExceeded"/],
    ['zero calls', { calls: 0 }, /^calls: must be >= 1$/],
    ['fractional calls', { calls: 1.5 }, /^calls: must be an integer$/],
    ['latency above the column limit', { latency_ms_max: 10_001 }, /^latency_ms_max: must be <= 10000$/],
    ['an average above the maximum', { latency_ms_avg: 50, latency_ms_max: 40 }, /^latency_ms_avg: must not exceed latency_ms_max$/],
    ['an exchange outside the allow-list', { exchange: 'kraken' }, /^exchange: must be one of the configured exchanges/],
  ])('rejects %s, naming the field', (_, change, message) => {
    expect(issuesOf({ ...row, ...change })).toEqual([expect.stringMatching(message)]);
  });

  it('requires calls', () => {
    expect(issuesOf({ ...row, calls: undefined })).toEqual(['calls: is required']);
  });
});
