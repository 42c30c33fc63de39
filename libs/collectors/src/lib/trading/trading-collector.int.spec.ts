import { uniqueName } from '@tradewatch/questdb-client/testing';
import { recorderFixture, waitForRows, type RecorderFixture } from '../../testing/recorder-fixture';
import type { TradingEvent } from '@tradewatch/models';
import { TradingCollector, tradingOptionsSchema } from './trading-collector';

describe('TradingCollector accounting (real QuestDB)', () => {
  let fx: RecorderFixture;
  beforeAll(async () => (fx = await recorderFixture()));
  afterAll(() => fx.close());

  it('a scripted sequence of orders, fills and marks gives the PnL, position, exposure, fill rate and drawdown worked out by hand', async () => {
    const strategy = uniqueName('strat');
    const base = Date.now() - 60_000;
    let now = base;
    const collector = new TradingCollector(tradingOptionsSchema.parse({ capital: { strategies: { [strategy]: 10_000 } } }), {
      output: fx.recorder,
      onError: (e) => { throw e; },
      now: () => now,
    });
    const p = { strategy, symbol: 'BTC/USDT:USDT', venue: 'binance', env: 'dev' } as const;
    const mark = (price: number): TradingEvent => ({ type: 'mark', symbol: p.symbol, venue: p.venue, price });

    collector.record([
      { type: 'order_placed', ...p, side: 'buy', quantity: 2 },
      { type: 'order_filled', ...p, side: 'buy', quantity: 2, price: 100 }, // long 2 @ 100; mark 100; equity 10 000
      { type: 'order_placed', ...p, side: 'buy', quantity: 1 },
      { type: 'order_filled', ...p, side: 'buy', quantity: 1, price: 130 }, // long 3 @ 110; at mark 100: equity 9 970
      mark(120), // unrealized 3 × 10 = 30; equity 10 030 = peak
      { type: 'order_placed', ...p, side: 'sell', quantity: 2 },
      { type: 'order_placed', ...p, side: 'sell', quantity: 5 },
      { type: 'order_filled', ...p, side: 'sell', quantity: 2, price: 125, fee: 1 }, // realized 2 × 15 − 1 = 29; long 1 @ 110; equity 10 039 = peak
      mark(100), // unrealized 1 × (100 − 110) = −10; equity 10 019
    ]);
    now = base + 1_000;
    await collector.tick();

    collector.record([
      { type: 'order_filled', ...p, side: 'sell', quantity: 3, price: 90 }, // closes 1 (−20 → realized 9), opens short 2 @ 90
    ]);
    now = base + 2_000;
    await collector.tick();

    const rows = await waitForRows(
      fx.client,
      `SELECT pnl, unrealized_pnl, position_size, orders_placed, orders_filled, fill_rate, exposure, drawdown FROM trading_metrics WHERE strategy = '${strategy}' ORDER BY timestamp`,
      (r) => r.length >= 2,
    );
    expect(rows).toHaveLength(2);
    const [first, second] = rows as Record<string, number | null>[];
    expect(first).toMatchObject({ pnl: 29, unrealized_pnl: -10, position_size: 1, orders_placed: 4, orders_filled: 3, fill_rate: 0.75, exposure: 100 });
    expect(first['drawdown']).toBeCloseTo((20 / 10_039) * 100, 12); // (10 039 − 10 019) / 10 039
    // Short 2 @ 90 at mark 100: unrealized −20, equity 10 000 + 9 − 20 = 9 989. The fill belongs to an
    // order placed in the previous interval, so it is carried: orders_filled never exceeds orders_placed.
    expect(second).toMatchObject({ pnl: 9, unrealized_pnl: -20, position_size: -2, orders_placed: 0, orders_filled: 0, fill_rate: null, exposure: 200 });
    expect(second['drawdown']).toBeCloseTo((50 / 10_039) * 100, 12);
  });
});
