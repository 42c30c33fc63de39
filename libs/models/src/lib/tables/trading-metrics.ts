import { col } from '../columns';
import { defineTable } from '../table';

/** How far a reported fill_rate may be from orders_filled / orders_placed (rounding by the client). */
const FILL_RATE_TOLERANCE = 1e-6;

/** A strategy's position and performance per symbol and venue. */
export const tradingMetrics = defineTable({
  name: 'trading_metrics',
  description: 'Live strategies: realized and unrealized PnL, position, orders, fill rate, exposure, drawdown.',
  columns: {
    timestamp: col.designated(),
    strategy: col.symbol(1000),
    symbol: col.symbol(10_000),
    venue: col.symbol(256),
    env: col.env(),
    pnl: col.double(),
    unrealized_pnl: col.double(),
    position_size: col.double(),
    orders_placed: col.long(),
    orders_filled: col.long(),
    fill_rate: col.double(0, 1),
    exposure: col.double(),
    drawdown: col.double(0, 100),
  },
  dedupKeys: ['timestamp', 'strategy', 'symbol', 'venue', 'env'],
  retentionDays: 365,
  partitionBy: 'DAY',
  rules(row, report) {
    if (row.orders_filled != null && row.orders_placed != null && row.orders_filled > row.orders_placed) {
      report('orders_filled', 'must not exceed orders_placed');
    }
    if (row.fill_rate != null && row.orders_filled != null && row.orders_placed != null) {
      const expected = row.orders_placed === 0 ? 0 : row.orders_filled / row.orders_placed;
      if (Math.abs(row.fill_rate - expected) > FILL_RATE_TOLERANCE) {
        report('fill_rate', `must equal orders_filled / orders_placed (${expected}) within ${FILL_RATE_TOLERANCE}`);
      }
    }
  },
});
