import { defineRollup } from '../rollup';
import { tradingMetrics } from '../tables/trading-metrics';

/** Positions per minute: orders summed, PnL at the end of the minute, worst drawdown. */
export const tradingMetrics1m = defineRollup({
  name: 'trading_metrics_1m',
  description: 'Orders, last PnL and worst drawdown per minute and position (strategy, symbol, venue, env).',
  source: tradingMetrics,
  bucket: '1m',
  keys: ['strategy', 'symbol', 'venue', 'env'],
  aggregates: {
    samples: { fn: 'count' },
    orders_placed: { fn: 'sum', of: 'orders_placed' },
    orders_filled: { fn: 'sum', of: 'orders_filled' },
    pnl_last: { fn: 'last', of: 'pnl' },
    unrealized_pnl_last: { fn: 'last', of: 'unrealized_pnl' },
    drawdown_max: { fn: 'max', of: 'drawdown' },
  },
});
