import { SeriesStore } from './series-store';

describe('SeriesStore', () => {
  it('finds a series by the values of its key columns, whatever the other columns hold', () => {
    const store = new SeriesStore(['exchange', 'symbol']);
    const a = store.add({ exchange: 'okx', symbol: 'BTC', v: 1 }, 0);
    const b = store.add({ exchange: 'okx', symbol: 'ETH', v: 1 }, 0);
    expect(store.get({ exchange: 'okx', symbol: 'BTC', v: 2 })).toBe(a);
    expect(store.get({ symbol: 'ETH', exchange: 'okx' })).toBe(b);
    expect(store.get({ exchange: 'bybit', symbol: 'BTC' })).toBeUndefined();
    expect(store.get({ exchange: 'okx' })).toBeUndefined();
    expect(store.size).toBe(2);
  });

  it('compares values as Map keys: missing, null, "undefined", 1 and "1" are five series', () => {
    const store = new SeriesStore(['host']);
    const values = [undefined, null, 'undefined', 1, '1'];
    const held = values.map((host) => store.add({ host }, 0));
    expect(values.map((host) => store.get({ host }))).toEqual(held);
    expect(new Set(held).size).toBe(5);
  });

  it('forgets a series, marking its handle, and keeps its neighbours', () => {
    const store = new SeriesStore(['exchange', 'symbol']);
    const a = store.add({ exchange: 'okx', symbol: 'BTC' }, 0);
    const b = store.add({ exchange: 'okx', symbol: 'ETH' }, 0);
    store.delete(a);
    expect(a.forgotten).toBe(true);
    expect(store.get({ exchange: 'okx', symbol: 'BTC' })).toBeUndefined();
    expect(store.get({ exchange: 'okx', symbol: 'ETH' })).toBe(b);
    store.delete(b);
    expect(store.size).toBe(0);
    expect([...store.values()]).toEqual([]);
    // Held again after being forgotten: a new handle.
    const again = store.add({ exchange: 'okx', symbol: 'BTC' }, 1);
    expect(again).not.toBe(a);
    expect(store.get({ exchange: 'okx', symbol: 'BTC' })).toBe(again);
  });

  it('answers right after a series is added or forgotten, lookup after lookup (the previous walk is not trusted)', () => {
    const store = new SeriesStore(['exchange', 'symbol', 'host', 'env']);
    const row = (symbol: string) => ({ exchange: 'okx', symbol, host: 'h', env: 'prod' });
    expect(store.get(row('BTC'))).toBeUndefined();
    const btc = store.add(row('BTC'), 0);
    expect(store.get(row('BTC'))).toBe(btc);
    expect(store.get(row('ETH'))).toBeUndefined();
    const eth = store.add(row('ETH'), 0);
    expect(store.get(row('ETH'))).toBe(eth);
    expect(store.get(row('BTC'))).toBe(btc);
    store.delete(btc);
    expect(store.get(row('BTC'))).toBeUndefined();
    expect(store.get(row('ETH'))).toBe(eth);
    expect(store.get({ ...row('ETH'), host: 'other' })).toBeUndefined();
    expect(store.get(row('ETH'))).toBe(eth);
  });

  it('holds one series for a table without key columns', () => {
    const store = new SeriesStore([]);
    expect(store.get({ a: 1 })).toBeUndefined();
    const only = store.add({ a: 1 }, 0);
    expect(store.get({ a: 2 })).toBe(only);
    store.delete(only);
    expect(store.get({ a: 1 })).toBeUndefined();
  });
});
