/**
 * Dashboard query benchmark (docs/product.md §7: every query of a dashboard over 30 days of reference
 * data, together, in under 1 s).
 *
 *   npm run bench:dashboards -- [--days 30] [--runs 5] [--reuse] [--data-dir .data/bench-dashboards]
 *
 * Reference data: 4 exchanges × 50 symbols × 3 data types every minute, 2 daemons and their
 * exchange probes every 5 s, 2 strategies (one symbol each) every second: about 36 million rows. Seeded through MetricsClient
 * (ILP) into its own QuestDB (started here on free ports, data kept in --data-dir so that
 * `--reuse` skips seeding next time), or into QUESTDB_URL when set.
 * Each dashboard's whole query set (variables, then every panel, one after the other, as
 * expanded for Grafana with every variable at All) is timed at 24 h and 30 d ranges; the
 * Markdown table shows medians of --runs runs.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TABLE_NAMES } from '@tradewatch/models';
import { MetricsClient, waitForRollups } from '@tradewatch/questdb-client';
import { DASHBOARDS, dashboardQueries, demoUniverse, runQuery, seedDemoData, variableOptions, type Selection } from '@tradewatch/grafana';
import { findFreePorts, startQuestDb, type QuestDbHandle } from '@tradewatch/questdb-launcher';
import { DASHBOARD_TARGET_DAYS } from './src/args';
import { formatMs as fmt, median } from './src/stats';

const DAY_MS = 86_400_000;
const CADENCE = { pipelineSeconds: 60, daemonSeconds: 5, exchangeSeconds: 5, tradingSeconds: 1 };
const UNIVERSE = demoUniverse({ prefix: 'bench', hosts: 2, symbols: 50, strategies: 2, symbolsPerStrategy: 1 });

export interface DashboardBenchOptions {
  days: number;
  runs: number;
  /** Skip seeding when complete reference data is already there. */
  reuse?: boolean;
  log?: (line: string) => void;
}

export interface DashboardBenchResult {
  /** One line: the data range and the rows per table. */
  data: string;
  /** The Markdown table: per dashboard, its whole query set at 24 h and at `days`. */
  table: string[];
  /** Median total of each dashboard at the longest range, in ms. */
  longestRangeMs: Record<string, number>;
}

/** Seeds the reference data (unless reused) and times every dashboard's query set. */
export async function benchDashboards(client: MetricsClient, options: DashboardBenchOptions): Promise<DashboardBenchResult> {
  const { days, runs } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  const schema = await client.bootstrap();
  if (schema.createdViews.length > 0) {
    // Rollups created over existing rows (e.g. --reuse of data seeded before them): QuestDB fills them now.
    const started = performance.now();
    await waitForRollups(client.rest, undefined, { timeoutMs: 1_800_000 });
    log(`rollups ${schema.createdViews.join(', ')} created and filled from the existing rows in ${fmt(performance.now() - started)}`);
  }
  const toMs = await dataEnd(client, options.reuse, days, log);
  const counts = await rowCounts(client);
  const data = `${days} days to ${new Date(toMs).toISOString()}; rows: ${TABLE_NAMES.map((t) => `${t} ${counts[t].toLocaleString('en')}`).join(', ')}`;

  const ranges = [
    { label: '24 h', ms: DAY_MS },
    { label: `${days} d`, ms: days * DAY_MS },
  ];
  const lines = [
    `| dashboard | queries | ${ranges.map((r) => `${r.label} (median of ${runs})`).join(' | ')} | slowest query at ${ranges[1].label} |`,
    `|---|---:|${ranges.map(() => '---:').join('|')}|---|`,
  ];
  const longestRangeMs: Record<string, number> = {};
  for (const def of DASHBOARDS) {
    const dashboard = def.build();
    const queries = dashboardQueries(dashboard);
    const cells: string[] = [];
    let slowest = '';
    for (const range of ranges) {
      const from = toMs - range.ms;
      const selection: Selection = Object.fromEntries((dashboard.templating.list ?? []).map((v) => [v.name, 'all']));
      const allValues = await variableOptions(client, dashboard, from, toMs);
      const totals: number[] = [];
      const perQuery = new Map<string, number[]>();
      for (let i = 0; i < runs + 1; i++) {
        let total = 0;
        for (const q of queries) {
          const run = await runQuery(client, q, { fromMs: from, toMs, selection, allValues });
          total += run.ms;
          if (i > 0) perQuery.set(q.name, [...(perQuery.get(q.name) ?? []), run.ms]);
        }
        if (i > 0) totals.push(total); // run 0 warms caches and is not counted
      }
      cells.push(fmt(median(totals)));
      longestRangeMs[def.title] = median(totals);
      const [name, ms] = [...perQuery].map(([n, xs]) => [n, median(xs)] as const).sort((a, b) => b[1] - a[1])[0];
      slowest = `${name} ${fmt(ms)}`;
      log(`${def.title} ${range.label}: ${fmt(median(totals))}`);
    }
    lines.push(`| ${def.title} | ${queries.length} | ${cells.join(' | ')} | ${slowest} |`);
  }
  return { data, table: lines, longestRangeMs };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      days: { type: 'string', default: String(DASHBOARD_TARGET_DAYS) },
      runs: { type: 'string', default: '5' },
      reuse: { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: '.data/bench-dashboards' },
    },
  });
  const days = Number(values.days);
  const runs = Number(values.runs);
  if (!Number.isInteger(days) || days < 1 || !Number.isInteger(runs) || runs < 1) throw new Error('--days and --runs must be positive integers');

  let server: QuestDbHandle | undefined;
  let url = process.env['QUESTDB_URL'];
  if (!url) {
    const [httpPort, pgPort, ilpPort, minPort] = await findFreePorts(4);
    console.error(`starting QuestDB in ${resolve(values['data-dir'])} …`);
    server = await startQuestDb({ dataDir: resolve(values['data-dir']), httpPort, pgPort, ilpPort, minPort, javaOpts: ['-Xmx2g'] });
    url = server.httpUrl;
  }
  const client = await MetricsClient.connect({ url, batchRows: 100_000, flushIntervalMs: 60_000 });
  try {
    const result = await benchDashboards(client, { days, runs, reuse: values.reuse });
    console.log(`\nData: ${result.data}\n`);
    console.log(result.table.join('\n'));
  } finally {
    await client.close();
    await server?.stop();
  }
}

/** Seeds the reference data (unless reused) and returns where it ends. */
async function dataEnd(client: MetricsClient, reuse: boolean | undefined, days: number, log: (line: string) => void): Promise<number> {
  if (reuse) {
    const { rows } = await client.query<{ last: string | null; first: string | null }>(
      "SELECT min(timestamp) first, max(timestamp) last FROM daemon_metrics WHERE host = 'bench-daemon-1'",
    );
    const first = rows[0]?.first;
    const last = rows[0]?.last;
    if (first && last && Date.parse(last) - Date.parse(first) >= days * DAY_MS - 60_000) {
      log(`reusing seeded data ${first} … ${last}`);
      return Date.parse(last) + 5_000;
    }
    log('no complete seeded data to reuse: seeding');
  }
  const toMs = Math.floor(Date.now() / 60_000) * 60_000;
  const started = performance.now();
  let lastReport = 0;
  const report = await seedDemoData(client, {
    fromMs: toMs - days * DAY_MS,
    toMs,
    universe: UNIVERSE,
    cadence: CADENCE,
    chunkRows: 100_000,
    onProgress: (table, rows) => {
      const now = performance.now();
      if (now - lastReport > 5_000) {
        lastReport = now;
        log(`seeding ${table}: ${rows.toLocaleString('en')} rows (${((now - started) / 1000).toFixed(0)} s)`);
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const total = Object.values(report).reduce((a, b) => a + b, 0);
  log(`seeded ${total.toLocaleString('en')} rows in ${seconds.toFixed(0)} s (${Math.round(total / seconds).toLocaleString('en')} rows/s, WAL applied)`);
  return toMs;
}

async function rowCounts(client: MetricsClient): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLE_NAMES) {
    const { rows } = await client.query<{ n: number }>(`SELECT count() n FROM ${t}`);
    out[t] = Number(rows[0]?.n ?? 0);
  }
  return out;
}

// Also a module: `npm run bench` calls benchDashboards().
if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
