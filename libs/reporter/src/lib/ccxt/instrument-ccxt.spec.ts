import ccxt from 'ccxt';
import type { ApiCallInput, FetchEventInput } from '../types';
import { FakeOkx } from '../../testing/fake-okx';
import { ccxtOutcome } from './ccxt-outcome';
import { fetchedData } from './ccxt-results';
import { InstrumentationDroppedError, instrumentCcxt, type ApiCallSink } from './instrument-ccxt';

const SYMBOL = 'BTC/USDT:USDT';

/** Wrapping semantics with the real ccxt against the fake OKX; the reporter is a fake (an array). */
describe('instrumentCcxt wrapping (real ccxt, fake reporter)', () => {
  let fake: FakeOkx;
  beforeAll(async () => (fake = await FakeOkx.start()));
  afterAll(() => fake.close());
  afterEach(() => (fake.mode = 'ok'));

  const exchange = () => {
    const ex = new ccxt.okx({ options: { fetchMarkets: { types: ['swap'] } } });
    ex.urls['api'] = { rest: fake.url };
    return ex;
  };
  const recorder = () => {
    const calls: ApiCallInput[] = [];
    const fetches: FetchEventInput[] = [];
    const sink: ApiCallSink = { apiCall: async (e) => void calls.push(e), fetchEvent: async (e) => void fetches.push(e) };
    return { calls, fetches, sink };
  };

  it('keeps return values, `this` and thrown errors; wraps the unified methods, watch* included', async () => {
    const ex = exchange();
    const r = recorder();
    const { methods } = instrumentCcxt(ex, r.sink, { host: 'h', env: 'dev' });
    expect(methods).toEqual(expect.arrayContaining(['fetchOpenInterest', 'fetchTrades', 'createOrder', 'fetchBalance', 'watchTrades']));
    const fetchTrades = ex.fetchTrades;
    const trades = await fetchTrades.call(ex, SYMBOL); // `this` passed through the wrapper
    expect(trades.map((t) => t.timestamp)).toEqual(fake.tradeTs);
    fake.mode = 'rate-limited';
    const error = await ex.fetchTrades(SYMBOL).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ccxt.RateLimitExceeded);
    expect((error as Error).message).toMatch(/Too Many Requests/);
    // A method ccxt's okx lacks throws NotSupported, as before, and counts as such.
    await expect(ex.watchTrades(SYMBOL)).rejects.toBeInstanceOf(ccxt.NotSupported);
    expect(r.calls.map((c) => [c.method, c.outcome])).toEqual([
      ['fetchTrades', 'ok'],
      ['fetchTrades', 'RateLimitExceeded'],
      ['watchTrades', 'NotSupported'],
    ]);
  });

  it('reports once per call when instrumented twice', async () => {
    const ex = exchange();
    const r = recorder();
    const first = instrumentCcxt(ex, r.sink);
    expect(instrumentCcxt(ex, r.sink)).toBe(first);
    await ex.fetchOpenInterest(SYMBOL);
    expect(r.calls.map((c) => c.method)).toEqual(['fetchOpenInterest']);
    expect(r.fetches).toHaveLength(1);
  });

  it('never lets reporting break or stall the call: a throwing or never-resolving reporter, then drops counted', async () => {
    const ex = exchange();
    const errors: Error[] = [];
    const throwing: ApiCallSink = {
      apiCall: () => {
        throw new Error('reporter closed');
      },
      fetchEvent: () => Promise.reject(new Error('refused')),
    };
    instrumentCcxt(ex, throwing, { onError: (e) => errors.push(e) });
    await expect(ex.fetchOpenInterest(SYMBOL)).resolves.toMatchObject({ symbol: SYMBOL });
    await new Promise((r) => setImmediate(r));
    expect(errors.map((e) => e.message)).toEqual(['reporter closed', 'refused']);

    const stalled = exchange();
    const stuck: ApiCallSink = { apiCall: () => new Promise(() => undefined), fetchEvent: () => new Promise(() => undefined) };
    const drops: Error[] = [];
    const inst = instrumentCcxt(stalled, stuck, { maxPendingEvents: 3, onError: (e) => drops.push(e) });
    for (let i = 0; i < 3; i++) await expect(stalled.fetchOpenInterest(SYMBOL)).resolves.toMatchObject({ symbol: SYMBOL });
    expect(inst.stats).toEqual({ calls: 3, fetchEvents: 3, dropped: 3 });
    expect(drops).toHaveLength(1); // once per streak
    expect(drops[0]).toBeInstanceOf(InstrumentationDroppedError);
  });
});

describe('ccxtOutcome (real ccxt error classes)', () => {
  it.each([
    ['RateLimitExceeded', new ccxt.RateLimitExceeded('x'), 'RateLimitExceeded'],
    ['DDoSProtection', new ccxt.DDoSProtection('x'), 'DDoSProtection'],
    ['OnMaintenance (an ExchangeNotAvailable)', new ccxt.OnMaintenance('x'), 'ExchangeNotAvailable'],
    ['InvalidNonce (a NetworkError)', new ccxt.InvalidNonce('x'), 'NetworkError'],
    ['OrderNotFound', new ccxt.OrderNotFound('x'), 'OrderNotFound'],
    ['ContractUnavailable (an InvalidOrder)', new ccxt.ContractUnavailable('x'), 'InvalidOrder'],
    ['AccountSuspended (an AuthenticationError)', new ccxt.AccountSuspended('x'), 'AuthenticationError'],
    ['BadSymbol', new ccxt.BadSymbol('x'), 'BadSymbol'],
    ['NullResponse (not listed)', new ccxt.NullResponse('x'), 'other'],
    ['a TypeError', new TypeError('x'), 'other'],
    ['a string', 'boom', 'other'],
  ])('%s', (_name, error, outcome) => {
    expect(ccxtOutcome(error)).toBe(outcome);
  });
});

describe('fetchedData (pure)', () => {
  it('counts a list per symbol, a structure as one record, a dict per key, candles by their first field', () => {
    expect(fetchedData([{ symbol: 'A', timestamp: 5 }, { symbol: 'A', timestamp: 9 }, { symbol: 'B', timestamp: 7 }], undefined)).toEqual([
      { symbol: 'A', records: 2, bytes: JSON.stringify([{ symbol: 'A', timestamp: 5 }, { symbol: 'A', timestamp: 9 }]).length, newestMs: 9 },
      { symbol: 'B', records: 1, bytes: JSON.stringify([{ symbol: 'B', timestamp: 7 }]).length, newestMs: 7 },
    ]);
    expect(fetchedData({ symbol: 'A', timestamp: 3, bids: [], asks: [] }, 'A')).toEqual([{ symbol: 'A', records: 1, bytes: JSON.stringify({ symbol: 'A', timestamp: 3, bids: [], asks: [] }).length, newestMs: 3 }]);
    expect(fetchedData({ A: { symbol: 'A', timestamp: 1 }, B: { timestamp: 2 } }, undefined).map((d) => [d.symbol, d.records, d.newestMs])).toEqual([
      ['A', 1, 1],
      ['B', 1, 2],
    ]);
    expect(fetchedData([[100, 1, 2, 0, 1, 5], [160, 1, 2, 0, 1, 5]], 'A').map((d) => [d.symbol, d.records, d.newestMs])).toEqual([['A', 2, 160]]);
    expect(fetchedData([], 'A')).toEqual([{ symbol: 'A', records: 0, bytes: 2, newestMs: undefined }]);
    expect(fetchedData([], undefined)).toEqual([]);
  });
});
