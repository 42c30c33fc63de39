import { DEFAULT_EXCHANGES, type Environment } from '@tradewatch/models';

/** Who produces the seeded data: hosts, exchanges, symbols, strategies. */
export interface DemoUniverse {
  env: Environment;
  /** Daemon hosts; each also probes every exchange. */
  hosts: readonly string[];
  exchanges: readonly string[];
  /** CCXT symbols fetched on every exchange. */
  symbols: readonly string[];
  strategies: readonly { name: string; venue: string; symbols: readonly string[] }[];
  /** Collector instances writing their heartbeat. */
  collectors: readonly string[];
}

/** How often each table gets a row, in seconds. */
export interface DemoCadence {
  pipelineSeconds: number;
  daemonSeconds: number;
  exchangeSeconds: number;
  tradingSeconds: number;
}

const BASES = ['BTC', 'ETH', 'SOL', 'XRP', 'DOGE', 'ADA', 'AVAX', 'LINK', 'DOT', 'TRX', 'LTC', 'BCH', 'NEAR', 'APT', 'ARB',
  'OP', 'SUI', 'TON', 'ATOM', 'FIL', 'INJ', 'TIA', 'SEI', 'PEPE', 'WIF', 'BNB', 'ETC', 'XLM', 'HBAR', 'ICP', 'UNI', 'AAVE',
  'MKR', 'LDO', 'RNDR', 'FET', 'GRT', 'IMX', 'STX', 'ALGO', 'EGLD', 'SAND', 'MANA', 'AXS', 'GALA', 'CRV', 'SNX', 'DYDX',
  'JUP', 'PYTH'];

/** `n` CCXT unified perpetual symbols such as `BTC/USDT:USDT` (up to 50). */
export function demoSymbols(n: number): string[] {
  if (n > BASES.length) throw new RangeError(`at most ${BASES.length} demo symbols`);
  return BASES.slice(0, n).map((b) => `${b}/USDT:USDT`);
}

/** A universe in the shape of the benchmark's reference data, scaled by its arguments. */
export function demoUniverse(opts: {
  prefix: string;
  hosts: number;
  symbols: number;
  strategies: number;
  /** Symbols each strategy trades (default 2). */
  symbolsPerStrategy?: number;
  env?: Environment;
}): DemoUniverse {
  const symbols = demoSymbols(opts.symbols);
  return {
    env: opts.env ?? 'prod',
    hosts: Array.from({ length: opts.hosts }, (_, i) => `${opts.prefix}-daemon-${i + 1}`),
    exchanges: DEFAULT_EXCHANGES,
    symbols,
    collectors: [`${opts.prefix}-collector`],
    strategies: Array.from({ length: opts.strategies }, (_, i) => ({
      name: `${opts.prefix}-strategy-${i + 1}`,
      venue: DEFAULT_EXCHANGES[i % DEFAULT_EXCHANGES.length],
      symbols: symbols.slice(0, Math.min(opts.symbolsPerStrategy ?? 2, symbols.length)),
    })),
  };
}
