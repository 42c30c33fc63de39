/**
 * Every query of every dashboard, expanded as Grafana and the QuestDB plugin expand it, runs
 * against the real QuestDB seeded with three days of demo data: with every variable at All and
 * with each variable at a single value. Each must return rows of the shape its panel needs.
 * Host and strategy names contain a quote (as a user's may), and one selection adds a value with
 * a quote to every variable: `${v:sqlstring}` must keep such a value a plain string for QuestDB.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { MetricsClient } from '@tradewatch/questdb-client';
import { questDbUrl, uniqueName } from '@tradewatch/questdb-client/testing';
import { dashboardQueries, runQuery, variableOptions, type DashboardQuery, type QueryRun, type Selection } from '../dashboard-queries';
import { QueryFormat } from '../sql/questdb-query';
import { demoUniverse, type DemoUniverse } from '../seed/demo-universe';
import { seedDemoData } from '../seed/seed';
import { DASHBOARDS } from './index';

const NUMERIC = ['LONG', 'INT', 'SHORT', 'BYTE', 'DOUBLE', 'FLOAT'];
const LABEL = ['SYMBOL', 'VARCHAR', 'STRING'];
const DAY_MS = 86_400_000;

let client: MetricsClient;
const universe: DemoUniverse = demoUniverse({ prefix: `${uniqueName('dash')}-o'q`, hosts: 2, symbols: 2, strategies: 2 });
const QUOTED = "it's') OR 1=1 --";
const toMs = Date.now();
const fromMs = toMs - 3 * DAY_MS;

beforeAll(async () => {
  client = await MetricsClient.connect({ url: questDbUrl(), batchRows: 50_000 });
  await client.bootstrap();
  await seedDemoData(client, {
    fromMs,
    toMs,
    universe,
    cadence: { pipelineSeconds: 300, daemonSeconds: 60, exchangeSeconds: 60, tradingSeconds: 60 },
  });
}, 120_000);

afterAll(() => client?.close());

/** What this test seeded for a variable: single-value selections use these. */
function seededValues(variable: string): readonly string[] {
  const values: Record<string, readonly string[]> = {
    env: [universe.env],
    host: universe.hosts,
    exchange: universe.exchanges,
    strategy: universe.strategies.map((s) => s.name),
  };
  const v = values[variable];
  if (!v) throw new Error(`no seeded values for $${variable}`);
  return v;
}

/** Why the result does not fit the panel, or undefined when it does. */
function misfit(q: DashboardQuery, run: QueryRun, selection: Selection): string | undefined {
  const cols = run.columns;
  if (run.rows.length === 0) return 'no rows';
  // A column named like a variable at a single value holds only that value: the filter applied.
  for (const [name, selected] of Object.entries(selection)) {
    if (q.variable === name || selected === 'all' || !cols.some((c) => c.name === name)) continue;
    const other = run.rows.find((r) => !selected.includes(String(r[name])));
    // The injected value must stay a value: it matches nothing.
    if (run.rows.some((r) => String(r[name]) === QUOTED)) return `$${name}: the quoted value matched a row`;
    if (other) return `$${name} = ${selected.join(',')} but a row has ${name} = ${String(other[name])}`;
  }
  if (q.variable) return cols.length === 1 ? undefined : `a variable query must return one column, got ${cols.length}`;
  if (q.format === QueryFormat.TimeSeries) {
    if (cols[0].type !== 'TIMESTAMP') return `time series must start with a TIMESTAMP column, got ${cols[0].name}:${cols[0].type}`;
    const values = cols.slice(1).filter((c) => NUMERIC.includes(c.type));
    if (values.length === 0) return 'time series without a numeric column';
    const odd = cols.slice(1).find((c) => !NUMERIC.includes(c.type) && !LABEL.includes(c.type));
    if (odd) return `time series column ${odd.name}:${odd.type} is neither a value nor a label`;
    if (q.panel?.type === 'state-timeline') {
      const bad = run.rows.find((r) => values.some((c) => ![0, 1, null].includes(r[c.name] as number)));
      if (bad) return `state timeline value outside its mapped states: ${JSON.stringify(bad)}`;
    }
    if (q.panel?.title === 'Data gaps') {
      // Every feed's timeline spans the dashboard's range, not just the minutes with gaps.
      const times = run.rows.map((r) => Date.parse(String(r[cols[0].name])));
      if (Math.min(...times) !== fromMs || Math.max(...times) !== toMs) {
        return `data gaps span ${new Date(Math.min(...times)).toISOString()}..${new Date(Math.max(...times)).toISOString()}, not the range`;
      }
    }
    return undefined;
  }
  if (q.panel?.reduceField) {
    const field = cols.find((c) => c.name === q.panel?.reduceField);
    if (!field || !NUMERIC.includes(field.type)) return `needs numeric column ${q.panel.reduceField}, got ${cols.map((c) => `${c.name}:${c.type}`).join(', ')}`;
    if (!cols.some((c) => LABEL.includes(c.type))) return 'needs a label column to name each value';
  }
  return undefined;
}

describe.each(DASHBOARDS.map((d) => [d.title, d] as const))('%s', (_title, def) => {
  const dashboard = def.build() as Dashboard;
  const variables = (dashboard.templating.list ?? []).map((v) => v.name);
  const selections: [string, Selection][] = [
    ['all variables at All', Object.fromEntries(variables.map((v) => [v, 'all']))],
    ['every variable at a seeded value and one with a quote', Object.fromEntries(variables.map((v) => [v, [seededValues(v)[0], QUOTED]]))],
    ...variables.map((v): [string, Selection] => [
      `${v} at a single value`,
      Object.fromEntries(variables.map((w) => [w, w === v ? [seededValues(v)[0]] : 'all'])),
    ]),
  ];

  it('variable queries offer the seeded values', async () => {
    const options = await variableOptions(client, dashboard, fromMs, toMs);
    for (const v of variables) expect({ v, options: options[v] }).toEqual({ v, options: expect.arrayContaining([...seededValues(v)]) });
  });

  it.each(selections)('every query returns rows of the right shape with %s', async (_name, selection) => {
    const allValues = await variableOptions(client, dashboard, fromMs, toMs);
    const problems: string[] = [];
    for (const q of dashboardQueries(dashboard)) {
      const run = await runQuery(client, q, { fromMs, toMs, selection, allValues });
      const why = misfit(q, run, selection);
      if (why) problems.push(`${q.name}: ${why}\n  ${run.sql.replace(/\n/g, '\n  ')}`);
    }
    expect(problems).toEqual([]);
  });
});
