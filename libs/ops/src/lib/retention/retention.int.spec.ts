import { formatIsoMicros } from '@tradewatch/models';
import { MetricsClient, RestClient, waitForRollups } from '@tradewatch/questdb-client';
import { questDbUrl, uniqueName, waitForCount } from '@tradewatch/questdb-client/testing';
import { rowCount, scratchTable, waitFor } from '../../testing';
import { applyRetention, planRetention, retentionCutoff } from './retention';

const DAY_MS = 86_400_000;
const rest = new RestClient({ url: questDbUrl() });
// One instant for the whole test, so the plan and the rows agree on what "90 days ago" is.
const NOW = Date.now();

const tableName = (prefix: string) => uniqueName(prefix).replace(/[^A-Za-z0-9]/g, '_');
const count = (table: string) => rowCount(rest, table);
const daysAgo = (days: number[]) => days.map((d) => (NOW - d * DAY_MS) * 1000);
const tableWithRows = (days: number[], opts: { wal: boolean }) => scratchTable(rest, 'retention', daysAgo(days), opts);

describe('retention on a real QuestDB', () => {
  it('drops partitions older than the retention and keeps the newer ones', async () => {
    const table = await tableWithRows([120, 100, 91, 89, 30, 0], { wal: true });
    const target = [{ table, retentionDays: 90 }];

    const [plan] = await planRetention(rest, target, NOW);
    if (plan.missing) throw new Error('table should exist');
    const day = (d: number) => new Date(NOW - d * DAY_MS).toISOString().slice(0, 10);
    expect(plan.cutoff).toBe(retentionCutoff(NOW, 90));
    expect(plan.expired.map((p) => p.name)).toEqual([day(120), day(100), day(91)]);
    expect(plan.kept.map((p) => p.name)).toEqual([day(89), day(30), day(0)]);

    // Planning (the dry run) changes nothing.
    expect(await count(table)).toBe(6);

    const [outcome] = await applyRetention(rest, [plan]);
    expect(outcome.dropped.map((p) => p.name)).toEqual([day(120), day(100), day(91)]);
    expect(outcome.pending).toEqual([]);
    await waitFor('3 rows left', async () => (await count(table)) === 3);
    const { rows } = await rest.query(`SELECT min(timestamp) AS oldest FROM ${table}`);
    expect(String(rows[0]?.['oldest'])).toBe(formatIsoMicros((NOW - 89 * DAY_MS) * 1000));

    // A second run finds nothing to drop and keeps what is left.
    const [again] = await planRetention(rest, target, NOW);
    if (again.missing) throw new Error('table should exist');
    expect(again.expired).toEqual([]);
    const [second] = await applyRetention(rest, [again]);
    expect(second).toMatchObject({ dropped: [], pending: [], nothingMatched: true });
    expect(await count(table)).toBe(3);
  });

  it('tolerates "no partitions matched" on a table with nothing old enough', async () => {
    // Without WAL QuestDB answers that error synchronously; with WAL it is accepted and ignored.
    const table = await tableWithRows([10, 0], { wal: false });
    const { rows } = await rest.query(`SELECT walEnabled FROM tables() WHERE table_name = '${table}'`);
    expect(rows).toEqual([{ walEnabled: false }]);
    const plans = await planRetention(rest, [{ table, retentionDays: 90 }], NOW);
    const [outcome] = await applyRetention(rest, plans);
    expect(outcome).toMatchObject({ table, dropped: [], nothingMatched: true, missing: false });
    expect(await count(table)).toBe(2);
  });

  it('reports a table that does not exist yet instead of failing the run', async () => {
    const table = tableName('absent');
    const [plan] = await planRetention(rest, [{ table, retentionDays: 90 }], NOW);
    expect(plan).toMatchObject({ table, missing: true });
    const [outcome] = await applyRetention(rest, [plan]);
    expect(outcome).toMatchObject({ table, missing: true, dropped: [] });
  });

  it('rebuilds the rollups a drop invalidated, so dashboards keep refreshing', async () => {
    const client = await MetricsClient.connect({ url: questDbUrl() });
    try {
      await client.bootstrap();
      const strategy = uniqueName('retention');
      const row = (ageMs: number) => ({ timestamp: (NOW - ageMs) * 1000, strategy, symbol: 'BTC/USDT:USDT', venue: 'okx', env: 'dev' as const, pnl: 1 });
      await client.write('trading_metrics', [row(10 * DAY_MS), row(3_600_000)]);
      await client.flush();
      expect(await waitForCount(client, `SELECT count() FROM trading_metrics WHERE strategy = '${strategy}'`, 2)).toBe(2);
      await waitForRollups(client.rest, ['trading_metrics_1m']);

      const plans = await planRetention(rest, [{ table: 'trading_metrics', retentionDays: 5 }], NOW);
      const [outcome] = await applyRetention(rest, plans);
      expect(outcome.dropped.length).toBeGreaterThan(0);
      expect(outcome.rebuiltViews).toEqual(['trading_metrics_1m']);
      // REFRESH … FULL runs in the background; then the view is valid again and caught up, with only
      // the recent row's minute left for this strategy.
      await waitFor('trading_metrics_1m valid again', async () => {
        const { rows } = await rest.query(`SELECT view_status FROM materialized_views() WHERE view_name = 'trading_metrics_1m'`);
        return rows[0]?.['view_status'] === 'valid';
      });
      await waitForRollups(client.rest, ['trading_metrics_1m'], { timeoutMs: 60_000 });
      expect(await waitForCount(client, `SELECT count() FROM trading_metrics_1m WHERE strategy = '${strategy}'`, 1)).toBe(1);
    } finally {
      await client.close();
    }
  });
});
