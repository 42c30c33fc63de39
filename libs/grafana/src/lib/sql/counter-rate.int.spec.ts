import type { DaemonMetricsRow } from '@tradewatch/models';
import { MetricsClient, waitForRollups } from '@tradewatch/questdb-client';
import { questDbUrl, uniqueName, waitForCount } from '@tradewatch/questdb-client/testing';
import { healthDashboard } from '../dashboards/health';
import { dashboardQueries, runQuery } from '../dashboard-queries';

/** The health dashboard's fetch rate (from the daemon_metrics_1m rollup) across a daemon restart, on the real QuestDB. */
describe('counter rates across a restart', () => {
  let client: MetricsClient;
  beforeAll(async () => {
    client = await MetricsClient.connect({ url: questDbUrl() });
    await client.bootstrap();
  });
  afterAll(() => client?.close());

  async function writeSamples(host: string, start: number, stepMs: number, counts: number[], uptimes: number[]) {
    const rows: DaemonMetricsRow[] = counts.map((fetch, i) => ({
      timestamp: (start + i * stepMs) * 1000,
      host,
      env: 'dev',
      fetch_count: fetch,
      error_count: 0,
      liquidation_count: 0,
      uptime_seconds: uptimes[i],
      running: true,
      memory_rss_bytes: 1,
      cpu_percent: 1,
      parquet_bytes: 1,
      last_error: null,
      last_error_at: null,
    }));
    await client.write('daemon_metrics', rows);
    await client.flush();
    await waitForCount(client, `SELECT count() FROM daemon_metrics WHERE host = '${host}'`, rows.length);
    await waitForRollups(client.rest, ['daemon_metrics_1m']);
  }

  /** The Fetch rate panel over a 24 h range (1 min buckets), per bucket, in fetches per minute. */
  async function fetchRate(host: string, start: number): Promise<unknown[]> {
    const query = dashboardQueries(healthDashboard.build()).find((q) => q.panel?.title === 'Fetch rate');
    if (!query) throw new Error('no Fetch rate panel');
    const run = await runQuery(client, query, { fromMs: start, toMs: start + 86_400_000, selection: { env: ['dev'], host: [host] } });
    return run.rows.map((r) => r['fetches_per_minute']);
  }

  const wholeHourAgo = () => Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;

  it('counts the new value after a restart between samples, never a negative rate', async () => {
    const host = uniqueName('restart');
    const start = wholeHourAgo();
    // One sample a minute; the daemon restarts before the 4th sample (uptime and counters drop).
    await writeSamples(host, start, 60_000, [100, 160, 220, 30, 90, 150], [600, 660, 720, 20, 80, 140]);
    // The first bucket has no predecessor; 60, 60, then the restart counts 30 (not -190), then 60, 60.
    expect(await fetchRate(host, start)).toEqual([0, 60, 60, 30, 60, 60]);
  });

  it('counts what was fetched before and after a restart inside one bucket', async () => {
    const host = uniqueName('restart-in-bucket');
    const start = wholeHourAgo();
    // Six samples a minute, +10 each; the daemon restarts in the middle of the second minute.
    const counts = [100, 110, 120, 130, 140, 150, 160, 170, 5, 15, 25, 35, 45, 55, 65, 75, 85, 95];
    const uptimes = [500, 510, 520, 530, 540, 550, 560, 570, 5, 15, 25, 35, 45, 55, 65, 75, 85, 95];
    await writeSamples(host, start, 10_000, counts, uptimes);
    // Minute 1: 150 - 100. Minute 2: 150 → 160 → 170, restart at 5, then 35: 10 + 10 + 5 + 30. Minute 3: 35 → 95.
    expect(await fetchRate(host, start)).toEqual([50, 55, 60]);
  });
});
