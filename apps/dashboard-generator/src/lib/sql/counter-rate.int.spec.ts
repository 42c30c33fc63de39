import { formatIsoMicros, type DaemonMetricsRow } from '@tradewatch/models';
import { MetricsClient } from '@tradewatch/questdb-client';
import { questDbUrl, uniqueName, waitForCount } from '@tradewatch/questdb-client/testing';
import { healthDashboard } from '../dashboards/health';
import { dashboardQueries, runQuery } from '../dashboard-queries';

/** The health dashboard's fetch rate across a daemon restart, on the real QuestDB. */
describe('counter rates across a restart', () => {
  let client: MetricsClient;
  beforeAll(async () => {
    client = await MetricsClient.connect({ url: questDbUrl() });
    await client.bootstrap();
  });
  afterAll(() => client?.close());

  it('counts the new value after a counter reset, never a negative rate', async () => {
    const host = uniqueName('restart');
    const start = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000; // a whole past hour
    // One sample a minute; the daemon restarts before the 4th sample (uptime and counters drop).
    const counts = [100, 160, 220, 30, 90, 150];
    const uptimes = [600, 660, 720, 20, 80, 140];
    const rows: DaemonMetricsRow[] = counts.map((fetch, i) => ({
      timestamp: (start + i * 60_000) * 1000,
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

    const query = dashboardQueries(healthDashboard.build()).find((q) => q.panel?.title === 'Fetch rate');
    if (!query) throw new Error('no Fetch rate panel');
    const run = await runQuery(client, query, {
      fromMs: start,
      toMs: start + 86_400_000, // 24 h range → 1 min buckets: one sample per bucket
      selection: { env: ['dev'], host: [host] },
    });
    const perMinute = run.rows.map((r) => [formatIsoMicros(Date.parse(String(r['timestamp'])) * 1000), r['fetches_per_minute']]);
    // The first sample has no predecessor; 60, 60, then the restart counts 30 (not -190), then 60, 60.
    expect(perMinute.map(([, v]) => v)).toEqual([null, 60, 60, 30, 60, 60]);
  });
});
