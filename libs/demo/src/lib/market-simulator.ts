import { DATA_TYPES, DEFAULT_EXCHANGES, type DataType } from '@tradewatch/models';
import type { ApiCallInput, FetchEventInput, Reporter, TradingEventInput } from '@tradewatch/reporter';

/** The ccxt method a daemon would call for each data type (the simulated exchange_api_calls). */
const METHODS: Record<DataType, string> = {
  oi: 'fetchOpenInterest',
  funding: 'fetchFundingRate',
  liquidation: 'fetchLiquidations',
  trades: 'fetchTrades',
  ohlcv: 'fetchOHLCV',
  ticker: 'fetchTicker',
  orderbook: 'fetchOrderBook',
};

const BASES = [
  'BTC', 'ETH', 'SOL', 'XRP', 'DOGE', 'ADA', 'AVAX', 'LINK', 'DOT', 'TRX', 'MATIC', 'LTC', 'BCH',
  'NEAR', 'UNI', 'ATOM', 'APT', 'ARB', 'OP', 'FIL', 'INJ', 'SUI', 'SEI', 'TIA', 'ETC', 'XLM', 'HBAR',
  'ICP', 'AAVE', 'MKR', 'RUNE', 'FTM', 'ALGO', 'SAND', 'MANA', 'AXS', 'GALA', 'CRV', 'LDO', 'PEPE',
  'WIF', 'BONK', 'JUP', 'PYTH', 'STX', 'IMX', 'RNDR', 'GRT', 'SNX', 'DYDX',
];

export interface MarketSimulatorOptions {
  host: string;
  /** How often each data type is fetched, in ms (the pipeline collector's cadences); types without one are not simulated. */
  cadencesMs: Partial<Record<DataType, number>>;
  /** Chance per fetch that a series stops for 3–5 cadences (a gap the collector should flag). */
  gapProbability?: number;
  strategy?: string;
}

interface Series {
  exchange: string;
  symbol: string;
  dataType: DataType;
  cadence: number;
  nextAt: number;
  dataAt: number;
}

/**
 * Fetch events for ~50 symbols over the default exchanges (with an occasional gap), and one
 * strategy that places orders, gets most of them filled and sees marks move — all posted through
 * a Reporter to the collector's HTTP API, the path a user's strategy takes.
 */
export class MarketSimulator {
  private readonly series: Series[] = [];
  private readonly marks = new Map<string, number>();
  private timers: NodeJS.Timeout[] = [];
  private readonly strategy: string;

  constructor(
    private readonly reporter: Reporter,
    private readonly options: MarketSimulatorOptions,
    private readonly onError: (error: Error) => void,
  ) {
    this.strategy = options.strategy ?? 'demo-momentum';
    const now = Date.now();
    BASES.forEach((base, i) => {
      const exchange = DEFAULT_EXCHANGES[i % DEFAULT_EXCHANGES.length];
      for (const dataType of DATA_TYPES) {
        const cadence = options.cadencesMs[dataType];
        if (cadence === undefined) continue;
        this.series.push({ exchange, symbol: `${base}/USDT:USDT`, dataType, cadence, nextAt: now + Math.random() * 1_000, dataAt: now });
      }
    });
    for (const symbol of this.tradedSymbols()) this.marks.set(symbol, symbol.startsWith('BTC') ? 60_000 : symbol.startsWith('ETH') ? 3_000 : 150);
  }

  start(): void {
    this.timers.push(setInterval(() => this.fetches(), 500));
    this.timers.push(setInterval(() => this.trade(), 700));
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  private tradedSymbols(): string[] {
    return ['BTC/USDT:USDT', 'ETH/USDT:USDT', 'SOL/USDT:USDT'];
  }

  private fetches(): void {
    const now = Date.now();
    const events: FetchEventInput[] = [];
    const calls: ApiCallInput[] = [];
    for (const s of this.series) {
      if (now < s.nextAt) continue;
      const cadence = s.cadence;
      if (Math.random() < (this.options.gapProbability ?? 0.003)) {
        s.nextAt = now + cadence * (3 + Math.random() * 2); // the series goes quiet for a while
        continue;
      }
      s.nextAt = now + cadence * (0.9 + Math.random() * 0.2);
      s.dataAt = now - Math.floor(Math.random() * 200);
      // Now and then the exchange refuses (rate limit) or does not answer in time: an API call, no data.
      const failure = Math.random();
      const call = { timestamp: now, host: this.options.host, env: 'dev', exchange: s.exchange, method: METHODS[s.dataType] } as const;
      if (failure < 0.02) {
        calls.push({ ...call, outcome: failure < 0.005 ? 'RequestTimeout' : 'RateLimitExceeded', latency_ms: failure < 0.005 ? 10_000 : 20 + Math.random() * 40 });
        continue;
      }
      const records = s.dataType === 'liquidation' ? Math.floor(Math.random() * 20) : 1 + Math.floor(Math.random() * 5);
      events.push({
        timestamp: now,
        host: this.options.host,
        env: 'dev',
        exchange: s.exchange,
        symbol: s.symbol,
        data_type: s.dataType,
        records,
        bytes: records * (80 + Math.floor(Math.random() * 40)),
        latency_ms: Number((30 + Math.random() * 250).toFixed(1)),
        data_timestamp: s.dataAt,
      });
    }
    for (const e of events) {
      this.reporter.fetchEvent(e).catch(this.onError);
      calls.push({ timestamp: now, host: e.host, env: 'dev', exchange: e.exchange, method: METHODS[e.data_type], outcome: 'ok', latency_ms: e.latency_ms });
    }
    for (const c of calls) this.reporter.apiCall(c).catch(this.onError);
  }

  private trade(): void {
    const events: TradingEventInput[] = [];
    const now = new Date();
    for (const [symbol, price] of this.marks) {
      const next = price * (1 + (Math.random() - 0.5) * 0.004);
      this.marks.set(symbol, next);
      for (const venue of ['binance', 'bybit']) events.push({ type: 'mark', timestamp: now, symbol, venue, price: next });
      if (Math.random() < 0.4) {
        const venue = Math.random() < 0.5 ? 'binance' : 'bybit';
        const side: 'buy' | 'sell' = Math.random() < 0.5 ? 'buy' : 'sell';
        const quantity = Number(((symbol.startsWith('BTC') ? 0.01 : symbol.startsWith('ETH') ? 0.2 : 5) * (1 + Math.random())).toFixed(4));
        const base = { timestamp: now, strategy: this.strategy, symbol, venue, env: 'dev' as const, side, quantity };
        events.push({ type: 'order_placed', ...base, price: next });
        if (Math.random() < 0.8) events.push({ type: 'order_filled', ...base, price: next * (1 + (Math.random() - 0.5) * 0.0005), fee: next * quantity * 0.0004 });
      }
    }
    for (const e of events) this.reporter.tradingEvent(e).catch(this.onError);
  }
}
