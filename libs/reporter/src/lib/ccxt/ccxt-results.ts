import type { DataType } from '@tradewatch/models';

/** The ccxt unified methods whose results are data Tradewatch tracks (the contract's mapping). */
export const CCXT_DATA_TYPES: ReadonlyMap<string, DataType> = new Map<string, DataType>([
  ['fetchOpenInterest', 'oi'],
  ['fetchOpenInterests', 'oi'],
  ['fetchOpenInterestHistory', 'oi'],
  ['watchOpenInterest', 'oi'],
  ['watchOpenInterests', 'oi'],
  ['fetchFundingRate', 'funding'],
  ['fetchFundingRates', 'funding'],
  ['fetchFundingRateHistory', 'funding'],
  ['watchFundingRate', 'funding'],
  ['watchFundingRates', 'funding'],
  ['fetchLiquidations', 'liquidation'],
  ['fetchMyLiquidations', 'liquidation'],
  ['watchLiquidations', 'liquidation'],
  ['watchLiquidationsForSymbols', 'liquidation'],
  ['watchMyLiquidations', 'liquidation'],
  ['fetchTrades', 'trades'],
  ['watchTrades', 'trades'],
  ['watchTradesForSymbols', 'trades'],
  ['fetchOHLCV', 'ohlcv'],
  ['watchOHLCV', 'ohlcv'],
  ['fetchTicker', 'ticker'],
  ['fetchTickers', 'ticker'],
  ['watchTicker', 'ticker'],
  ['watchTickers', 'ticker'],
  ['fetchOrderBook', 'orderbook'],
  ['fetchOrderBooks', 'orderbook'],
  ['watchOrderBook', 'orderbook'],
  ['watchOrderBookForSymbols', 'orderbook'],
]);

/** What one call fetched for one symbol. */
export interface FetchedData {
  symbol: string;
  records: number;
  bytes: number;
  /** Newest `timestamp` in the data (epoch ms), if it has any. */
  newestMs: number | undefined;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const newest = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
const jsonBytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? '');

/** A single structure (ticker, order book, funding rate, open interest…) rather than a dict keyed by symbol. */
function isStructure(v: Obj): boolean {
  return 'symbol' in v || 'timestamp' in v || 'bids' in v || 'info' in v;
}

/**
 * Splits a unified method's result into what it holds per symbol: records (items returned, 1 for
 * a single structure), bytes (JSON length) and the newest data timestamp. Lists are grouped by
 * their items' `symbol` (e.g. watchTradesForSymbols), dicts keyed by symbol (fetchTickers,
 * fetchFundingRates) give one entry per key, OHLCV candles are `[timestamp, o, h, l, c, v]`.
 * `symbol` is the call's symbol argument, used where the data does not name one.
 */
export function fetchedData(result: unknown, symbol: string | undefined): FetchedData[] {
  if (Array.isArray(result)) {
    const groups = new Map<string, unknown[]>();
    for (const item of result) {
      const s = isObject(item) && typeof item['symbol'] === 'string' ? item['symbol'] : symbol;
      if (s === undefined) continue;
      let g = groups.get(s);
      if (!g) groups.set(s, (g = []));
      g.push(item);
    }
    if (groups.size === 0 && symbol !== undefined) groups.set(symbol, []);
    return [...groups].map(([s, items]) => ({
      symbol: s,
      records: items.length,
      bytes: jsonBytes(items),
      newestMs: items.reduce<number | undefined>((n, item) => newest(n, Array.isArray(item) ? finite(item[0]) : isObject(item) ? finite(item['timestamp']) : undefined), undefined),
    }));
  }
  if (!isObject(result)) return [];
  if (isStructure(result)) {
    const s = typeof result['symbol'] === 'string' ? result['symbol'] : symbol;
    return s === undefined ? [] : [{ symbol: s, records: 1, bytes: jsonBytes(result), newestMs: finite(result['timestamp']) }];
  }
  return Object.entries(result).flatMap(([key, value]) => (isObject(value) ? fetchedData(value, key) : Array.isArray(value) ? fetchedData(value, key) : []));
}
