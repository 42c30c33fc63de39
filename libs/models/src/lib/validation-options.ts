import { z } from 'zod';

export const DEFAULT_EXCHANGES = ['binance', 'bybit', 'okx', 'dydx'] as const;
export const ENVIRONMENTS = ['prod', 'staging', 'dev'] as const;
/** The pipeline daemons' own data types: gap detection always on (default cadences). */
export const CORE_DATA_TYPES = ['oi', 'funding', 'liquidation'] as const;
/** Market data the CCXT instrumentation also reports: gap detection only where a cadence is configured. */
export const MARKET_DATA_TYPES = ['trades', 'ohlcv', 'ticker', 'orderbook'] as const;
export const DATA_TYPES = [...CORE_DATA_TYPES, ...MARKET_DATA_TYPES] as const;

export type Environment = (typeof ENVIRONMENTS)[number];
export type DataType = (typeof DATA_TYPES)[number];

/** The configurable parts of validation (docs/product.md §3). */
export interface ValidationOptions {
  /** How far in the future a timestamp may be, to absorb clock skew between hosts. */
  maxFutureSkewMs: number;
  /** The exchanges accepted in `exchange` columns. */
  exchanges: readonly string[];
  /** The clock; tests pin it. */
  now: () => number;
}

export const DEFAULT_VALIDATION_OPTIONS: ValidationOptions = {
  maxFutureSkewMs: 5_000,
  exchanges: DEFAULT_EXCHANGES,
  now: () => Date.now(),
};

export const validationOptionsSchema = z.object({
  maxFutureSkewMs: z.number().int().min(0).max(3_600_000),
  exchanges: z
    .array(z.string().regex(/^[a-z0-9_-]{1,64}$/, 'lower-case exchange ids: a-z, 0-9, _ and -'))
    .min(1),
});
