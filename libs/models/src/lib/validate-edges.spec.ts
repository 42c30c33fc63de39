import { ValidationError } from './errors';
import { formatIsoMicros } from './timestamp';
import { validateRows } from './validate';
import { DEFAULT_VALIDATION_OPTIONS, type ValidationOptions } from './validation-options';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const DAY = 86_400_000;
const options: ValidationOptions = { ...DEFAULT_VALIDATION_OPTIONS, now: () => NOW };
const at = (ms: number) => formatIsoMicros(ms * 1000);

function issuesOf(table: Parameters<typeof validateRows>[0], row: unknown): string[] {
  try {
    validateRows(table, row, options);
    return [];
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

const daemon = { timestamp: at(NOW - 1000), host: 'fetcher-1', env: 'prod', running: true };
const trading = { timestamp: at(NOW - 1000), strategy: 's1', symbol: 'ETH/USDT', venue: 'bybit', env: 'staging' };

describe('timestamps QuestDB cannot store or would drop at once', () => {
  it('refuses years below 100 instead of reading them as 19xx, and anything before 1970', () => {
    expect(issuesOf('daemon_metrics', { ...daemon, last_error_at: '0099-06-01T00:00:00Z' })).toEqual([
      'last_error_at: is before 1970-01-01T00:00:00Z, which QuestDB cannot store',
    ]);
    expect(issuesOf('daemon_metrics', { ...daemon, last_error_at: '1969-12-31T23:59:59.999999Z' })).toEqual([
      'last_error_at: is before 1970-01-01T00:00:00Z, which QuestDB cannot store',
    ]);
    expect(issuesOf('daemon_metrics', { ...daemon, last_error_at: '1970-01-01T00:00:00Z' })).toEqual([]);
  });

  it('refuses a designated timestamp older than the table TTL (less a 1-hour margin), from the registry', () => {
    const edge = NOW - 90 * DAY + 3_600_000;
    expect(issuesOf('daemon_metrics', { ...daemon, timestamp: at(edge) })).toEqual([]);
    expect(issuesOf('daemon_metrics', { ...daemon, timestamp: at(edge - 1) })).toEqual([
      expect.stringMatching(/^timestamp: is older than the retention: daemon_metrics keeps 90 days/),
    ]);
    // trading_metrics keeps 365 days.
    expect(issuesOf('trading_metrics', { ...trading, timestamp: at(NOW - 200 * DAY) })).toEqual([]);
    expect(issuesOf('trading_metrics', { ...trading, timestamp: at(NOW - 365 * DAY) })).toEqual([
      expect.stringMatching(/^timestamp: is older than the retention: trading_metrics keeps 365 days/),
    ]);
  });
});

describe('names that look alike', () => {
  it.each([
    ['a zero-width space', 'host\u200b1', /invisible format characters/],
    ['a bidi override', '\u202ehost', /invisible format characters/],
    ['a byte-order mark', '\ufeffhost', /invisible format characters/],
    ['a line separator', 'ho\u2028st', /invisible format characters/],
    ['a lone high surrogate', 'host\ud800', /lone surrogates/],
    ['a lone low surrogate', '\udc00host', /lone surrogates/],
    ['U+FFFD (invalid UTF-8 decoded)', 'host\ufffd', /U\+FFFD/],
    ['a C1 control character', 'host\u0085', /control characters/],
  ])('refuses a name with %s in every name column', (_, value, message) => {
    expect(issuesOf('daemon_metrics', { ...daemon, host: value })).toEqual([expect.stringMatching(new RegExp(`^host: must not contain ${message.source}`))]);
    for (const column of ['strategy', 'symbol', 'venue']) {
      expect(issuesOf('trading_metrics', { ...trading, [column]: value })).toEqual([
        expect.stringMatching(new RegExp(`^${column}: must not contain ${message.source}`)),
      ]);
    }
  });

  it('accepts non-ASCII names made of visible characters, astral ones included', () => {
    expect(issuesOf('trading_metrics', { ...trading, strategy: 'déjà-vu 策略 🚀', symbol: 'ÄÖÜ/USDT' })).toEqual([]);
  });
});

describe('free text that could not be stored as sent', () => {
  it('refuses NUL (QuestDB answers it as unparsable JSON) and lone surrogates (no UTF-8 form) in last_error; keeps other control characters', () => {
    expect(issuesOf('daemon_metrics', { ...daemon, last_error: 'a\u0000b' })).toEqual(['last_error: must not contain NUL characters']);
    expect(issuesOf('daemon_metrics', { ...daemon, last_error: 'a\ud800b' })).toEqual(['last_error: must not contain lone surrogates']);
    expect(issuesOf('daemon_metrics', { ...daemon, last_error: 'tab\tline\nbell\u0007 🚀' })).toEqual([]);
  });
});

describe('cross-field rules', () => {
  it('requires fill_rate to agree with orders_filled / orders_placed when all are given', () => {
    const base = { ...trading, orders_placed: 4, orders_filled: 3 };
    expect(issuesOf('trading_metrics', { ...base, fill_rate: 0.75 })).toEqual([]);
    expect(issuesOf('trading_metrics', { ...base, fill_rate: 0.2 })).toEqual([
      expect.stringMatching(/^fill_rate: must equal orders_filled \/ orders_placed \(0\.75\)/),
    ]);
    expect(issuesOf('trading_metrics', { ...base, orders_placed: 0, orders_filled: 0, fill_rate: 0.5 })).toEqual([
      expect.stringMatching(/^fill_rate: must equal/),
    ]);
    expect(issuesOf('trading_metrics', { ...trading, fill_rate: 0.2 })).toEqual([]);
  });
});

describe('names that are JavaScript object members', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('treats %s as a plain name', (value) => {
    const [row] = validateRows('trading_metrics', JSON.parse(JSON.stringify({ ...trading, strategy: value, venue: value })), options);
    expect(row.strategy).toBe(value);
    expect(issuesOf('exchange_status', { timestamp: at(NOW - 1000), exchange: value, host: value, env: 'prod', connected: true })).toEqual([
      'exchange: must be one of the configured exchanges (binance, bybit, okx, dydx)',
    ]);
  });
});
