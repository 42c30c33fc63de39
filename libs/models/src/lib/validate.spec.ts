import { ValidationError } from './errors';
import { formatIsoMicros } from './timestamp';
import { validateRows } from './validate';
import { DEFAULT_VALIDATION_OPTIONS, type ValidationOptions } from './validation-options';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const options: ValidationOptions = { ...DEFAULT_VALIDATION_OPTIONS, now: () => NOW };
const ts = (offsetMs = -1000) => formatIsoMicros((NOW + offsetMs) * 1000);

/** The issues validateRows reports for one row, as "path: message". */
function issuesOf(table: Parameters<typeof validateRows>[0], row: unknown, opts = options): string[] {
  try {
    validateRows(table, row, opts);
    return [];
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

const daemon = { timestamp: ts(), host: 'fetcher-1', env: 'prod', running: true };
const exchange = { timestamp: ts(), exchange: 'binance', host: 'fetcher-1', env: 'prod', connected: true };
const pipeline = { timestamp: ts(), exchange: 'okx', symbol: 'BTC/USDT:USDT', data_type: 'oi', host: 'h', env: 'dev', gap_detected: false };
const apiCalls = { timestamp: ts(), exchange: 'okx', method: 'fetchOpenInterest', outcome: 'ok', host: 'h', env: 'dev', calls: 3 };
const trading = { timestamp: ts(), strategy: 's1', symbol: 'ETH/USDT', venue: 'bybit', env: 'staging' };

describe('validateRows (docs/product.md §3 rules)', () => {
  it('accepts minimal valid rows of every table and converts timestamps to epoch microseconds', () => {
    expect(validateRows('daemon_metrics', daemon, options)[0].timestamp).toBe((NOW - 1000) * 1000);
    expect(validateRows('exchange_status', exchange, options)).toHaveLength(1);
    expect(validateRows('pipeline_metrics', pipeline, options)).toHaveLength(1);
    expect(validateRows('trading_metrics', [trading, trading], options)).toHaveLength(2);
  });

  it('keeps microseconds of the input timestamp', () => {
    const [row] = validateRows('daemon_metrics', { ...daemon, timestamp: '2026-11-22T11:00:00.123456Z' }, options);
    expect(row.timestamp % 1_000_000).toBe(123_456);
  });

  it.each([
    ['a non-UTC offset', '2026-11-22T11:00:00+02:00'],
    ['no zone', '2026-11-22T11:00:00'],
    ['an impossible date', '2026-02-30T00:00:00Z'],
    ['not a date', 'yesterday'],
  ])('rejects a timestamp with %s', (_, timestamp) => {
    expect(issuesOf('daemon_metrics', { ...daemon, timestamp })).toEqual([expect.stringMatching(/^timestamp: must be an ISO-8601 UTC/)]);
  });

  it('rejects a timestamp further in the future than the configured skew, and accepts one within it', () => {
    expect(issuesOf('daemon_metrics', { ...daemon, timestamp: ts(6_000) })).toEqual([expect.stringMatching(/^timestamp: is in the future/)]);
    expect(issuesOf('daemon_metrics', { ...daemon, timestamp: ts(4_000) })).toEqual([]);
    expect(issuesOf('daemon_metrics', { ...daemon, timestamp: ts(6_000) }, { ...options, maxFutureSkewMs: 10_000 })).toEqual([]);
  });

  it('checks host: non-empty, at most 255 characters, no control characters', () => {
    expect(issuesOf('daemon_metrics', { ...daemon, host: '' })).toEqual(['host: must not be empty']);
    expect(issuesOf('daemon_metrics', { ...daemon, host: 'x'.repeat(256) })).toEqual(['host: must be at most 255 characters']);
    expect(issuesOf('daemon_metrics', { ...daemon, host: 'x'.repeat(255) })).toEqual([]);
    expect(issuesOf('daemon_metrics', { ...daemon, host: 'a\nb' })).toEqual(['host: must not contain control characters']);
  });

  it('checks env against prod, staging, dev', () => {
    expect(issuesOf('daemon_metrics', { ...daemon, env: 'qa' })).toEqual([expect.stringMatching(/^env: .*"prod"\|"staging"\|"dev"/)]);
  });

  it('requires counters and sizes to be integers >= 0', () => {
    expect(issuesOf('daemon_metrics', { ...daemon, fetch_count: -1 })).toEqual(['fetch_count: must be >= 0']);
    expect(issuesOf('daemon_metrics', { ...daemon, error_count: 1.5 })).toEqual(['error_count: must be an integer']);
    expect(issuesOf('daemon_metrics', { ...daemon, memory_rss_bytes: '12' })).toEqual([expect.stringMatching(/^memory_rss_bytes: .*number/)]);
    expect(issuesOf('pipeline_metrics', { ...pipeline, bytes_written: -5 })).toEqual(['bytes_written: must be >= 0']);
  });

  it('gives one reason per refused integer: the first check that fails', () => {
    const tooBig = 'must be at most 9007199254740991 (2^53 - 1: a larger JSON number loses digits)';
    expect(issuesOf('daemon_metrics', { ...daemon, parquet_bytes: 1e30 })).toEqual([`parquet_bytes: ${tooBig}`]);
    expect(issuesOf('daemon_metrics', { ...daemon, parquet_bytes: Number.MAX_SAFE_INTEGER + 2 })).toEqual([`parquet_bytes: ${tooBig}`]);
    expect(issuesOf('daemon_metrics', { ...daemon, parquet_bytes: Number.MAX_SAFE_INTEGER })).toEqual([]);
    expect(issuesOf('daemon_metrics', { ...daemon, fetch_count: -1e30 })).toEqual(['fetch_count: must be >= 0']);
    expect(issuesOf('daemon_metrics', { ...daemon, fetch_count: -0.5 })).toEqual(['fetch_count: must be >= 0']);
    expect(issuesOf('exchange_api_calls', { ...apiCalls, calls: 0 })).toEqual(['calls: must be >= 1']);
    expect(issuesOf('exchange_api_calls', { ...apiCalls, calls: 1e30 })).toEqual([`calls: ${tooBig}`]);
  });

  it('keeps latency_ms within 0..10000', () => {
    expect(issuesOf('exchange_status', { ...exchange, latency_ms: -0.1 })).toEqual(['latency_ms: must be >= 0']);
    expect(issuesOf('exchange_status', { ...exchange, latency_ms: 10_000.5 })).toEqual(['latency_ms: must be <= 10000']);
    expect(issuesOf('pipeline_metrics', { ...pipeline, latency_ms: 10_000 })).toEqual([]);
  });

  it('accepts only exchanges of the configured allow-list', () => {
    expect(issuesOf('exchange_status', { ...exchange, exchange: 'kraken' })).toEqual([
      'exchange: must be one of the configured exchanges (binance, bybit, okx, dydx)',
    ]);
    expect(issuesOf('exchange_status', { ...exchange, exchange: 'kraken' }, { ...options, exchanges: ['kraken'] })).toEqual([]);
  });

  it('accepts only the known data types', () => {
    expect(issuesOf('pipeline_metrics', { ...pipeline, data_type: 'trades' })).toEqual([]);
    expect(issuesOf('pipeline_metrics', { ...pipeline, data_type: 'candles' })).toEqual([
      expect.stringMatching(/^data_type: .*"oi"\|"funding"\|"liquidation"\|"trades"\|"ohlcv"\|"ticker"\|"orderbook"/),
    ]);
  });

  it('allows gap_duration_seconds only when gap_detected', () => {
    expect(issuesOf('pipeline_metrics', { ...pipeline, gap_duration_seconds: 30 })).toEqual([
      'gap_duration_seconds: is only allowed when gap_detected is true',
    ]);
    expect(issuesOf('pipeline_metrics', { ...pipeline, gap_detected: true, gap_duration_seconds: 30 })).toEqual([]);
  });

  it('requires last_message_at <= timestamp', () => {
    expect(issuesOf('exchange_status', { ...exchange, last_message_at: ts(0) })).toEqual(['last_message_at: must not be later than timestamp']);
    expect(issuesOf('exchange_status', { ...exchange, last_message_at: ts(-1000) })).toEqual([]);
  });

  it('requires orders_filled <= orders_placed and fill_rate within 0..1', () => {
    expect(issuesOf('trading_metrics', { ...trading, orders_placed: 2, orders_filled: 3 })).toEqual(['orders_filled: must not exceed orders_placed']);
    expect(issuesOf('trading_metrics', { ...trading, fill_rate: 1.01 })).toEqual(['fill_rate: must be <= 1']);
    expect(issuesOf('trading_metrics', { ...trading, drawdown: 101 })).toEqual(['drawdown: must be <= 100']);
  });

  it('rejects control characters in symbols and strategy names', () => {
    expect(issuesOf('pipeline_metrics', { ...pipeline, symbol: 'BTC/USDT\u0007' })).toEqual(['symbol: must not contain control characters']);
    expect(issuesOf('trading_metrics', { ...trading, strategy: 'a\u0000' })).toEqual(['strategy: must not contain control characters']);
  });

  it('names missing and unknown fields', () => {
    expect(issuesOf('exchange_status', { timestamp: ts(), host: 'h', env: 'prod', connected: true, colour: 'red' })).toEqual([
      'exchange: is required',
      'colour: unknown field',
    ]);
  });

  it('is all or nothing, reporting every bad row by index', () => {
    const error = (() => {
      try {
        validateRows('daemon_metrics', [daemon, { ...daemon, env: 'x' }, daemon, { ...daemon, running: 'yes' }], options);
      } catch (e) {
        return e as ValidationError;
      }
      throw new Error('expected a ValidationError');
    })();
    expect(error.code).toBe('validation_failed');
    expect(error.issues.map((i) => [i.row, i.path])).toEqual([
      [1, 'env'],
      [3, 'running'],
    ]);
  });

  it('rejects an empty batch and a non-object row', () => {
    expect(issuesOf('daemon_metrics', [])).toEqual([': at least one row is required']);
    expect(issuesOf('daemon_metrics', 'hello')).toEqual([expect.stringMatching(/^: .*object/)]);
  });
});
