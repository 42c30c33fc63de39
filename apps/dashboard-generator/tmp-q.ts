import { MetricsClient } from '@tradewatch/questdb-client';
import { DASHBOARDS } from './src/lib/dashboards';
import { dashboardQueries, runQuery, variableOptions } from './src/lib/dashboard-queries';
(async () => {
  const client = await MetricsClient.connect({ url: 'http://127.0.0.1:23100' });
  const { rows } = await client.query<{ last: string }>("SELECT max(timestamp) last FROM daemon_metrics WHERE host = 'bench-daemon-1'");
  const toMs = Date.parse(rows[0].last) + 5000; const fromMs = toMs - 30 * 86400000;
  const only = process.argv[2];
  for (const d of DASHBOARDS) {
    if (only && !d.file.startsWith(only)) continue;
    const b = d.build();
    const allValues = await variableOptions(client, b, fromMs, toMs);
    const selection = Object.fromEntries(Object.keys(allValues).map((k) => [k, 'all' as const]));
    for (const q of dashboardQueries(b)) {
      const times = [];
      let n = 0;
      for (let i = 0; i < 3; i++) { const r = await runQuery(client, q, { fromMs, toMs, selection, allValues }); times.push(Math.round(r.ms)); n = r.rows.length; }
      console.log(d.file, q.name, times.join('/'), 'rows', n);
    }
  }
  await client.close();
})();
