import type { TradingMetricsRow } from '@tradewatch/models';
import { MetricsClient, waitForRollups } from '@tradewatch/questdb-client';
import { questDbUrl, uniqueName, waitForCount } from '@tradewatch/questdb-client/testing';
import { dashboardQueries, runQuery } from '../dashboard-queries';
import { tradingDashboard } from './trading';

/** "PnL now" reads the raw table but bounds its scan with the rollup: no position may fall out. */
describe('Trading "PnL now" on the real QuestDB', () => {
  let client: MetricsClient;
  beforeAll(async () => {
    client = await MetricsClient.connect({ url: questDbUrl() });
    await client.bootstrap();
  });
  afterAll(() => client?.close());

  const row = (strategy: string, atMs: number, pnl: number): TradingMetricsRow => ({
    timestamp: atMs * 1000,
    strategy,
    symbol: 'BTC/USDT:USDT',
    venue: 'okx',
    env: 'dev',
    pnl,
    unrealized_pnl: 1,
    position_size: 1,
    orders_placed: 1,
    orders_filled: 1,
    fill_rate: 1,
    exposure: 100,
    drawdown: 1,
  });

  it('shows the latest sample of every position, also one seen only in the first partial minute of the range', async () => {
    const early = uniqueName('early');
    const late = uniqueName('late');
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
    await client.write('trading_metrics', [
      row(early, minute + 40_000, 10),
      row(late, minute + 100_000, 5),
      row(late, minute + 300_000, 20),
    ]);
    await client.flush();
    await waitForCount(client, `SELECT count() FROM trading_metrics WHERE strategy IN ('${early}', '${late}')`, 3);
    await waitForRollups(client.rest, ['trading_metrics_1m']);

    const query = dashboardQueries(tradingDashboard.build()).find((q) => q.panel?.title === 'PnL now');
    if (!query) throw new Error('no PnL now panel');
    // The range starts in the middle of the early position's only minute.
    const run = await runQuery(client, query, {
      fromMs: minute + 30_000,
      toMs: minute + 600_000,
      selection: { env: ['dev'], strategy: [early, late] },
    });
    expect(run.rows).toEqual([
      { strategy: early, total_pnl: 11 },
      { strategy: late, total_pnl: 21 },
    ]);
  });
});
