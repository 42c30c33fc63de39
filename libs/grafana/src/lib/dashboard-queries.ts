import type { Dashboard, Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import type { MetricsClient, QueryColumn } from '@tradewatch/questdb-client';
import { ENVIRONMENTS } from '@tradewatch/models';
import { expandMacros, grafanaInterval, parseInterval } from './sql/macros';
import { QueryFormat, type QuestDbTarget } from './sql/questdb-query';

/** One SQL statement Grafana runs for a dashboard: a panel target or a variable's query. */
export interface DashboardQuery {
  /** `panel "Memory" A` or `variable host`. */
  name: string;
  panel?: { id: number; title: string; type: string; reduceField?: string };
  variable?: string;
  rawSql: string;
  format: QueryFormat;
  /** The panel's minimum interval in ms (Grafana's "Min interval"), 0 when unset. */
  minIntervalMs: number;
}

/** Every query of a built dashboard: variables first (Grafana resolves them before panels), then panel targets. */
export function dashboardQueries(d: Dashboard): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  for (const v of d.templating.list ?? []) {
    if (v.type === 'query' && typeof v.query === 'string') {
      out.push({ name: `variable ${v.name}`, variable: v.name, rawSql: v.query, format: QueryFormat.Table, minIntervalMs: 0 });
    }
  }
  for (const p of (d.panels ?? []) as Panel[]) {
    for (const t of (p.targets ?? []) as unknown as QuestDbTarget[]) {
      const fields = (p.options as { reduceOptions?: { fields?: string } } | undefined)?.reduceOptions?.fields;
      out.push({
        name: `panel "${p.title}" ${t.refId}`,
        panel: { id: p.id ?? 0, title: p.title ?? '', type: p.type, reduceField: fields?.replace(/^\/\^|\$\/$/g, '') },
        rawSql: t.rawSql,
        format: t.format,
        minIntervalMs: p.interval ? parseInterval(p.interval) : 0,
      });
    }
  }
  return out;
}

export type Selection = Readonly<Record<string, readonly string[] | 'all'>>;

export interface RunContext {
  fromMs: number;
  toMs: number;
  selection: Selection;
  /** The values "All" stands for, per variable; filled from the variable queries when absent. */
  allValues?: Record<string, readonly string[]>;
}

export interface QueryRun {
  query: DashboardQuery;
  sql: string;
  columns: QueryColumn[];
  rows: Record<string, unknown>[];
  ms: number;
}

/** The variables of a dashboard and their options (what Grafana's dropdowns offer) at All. */
export async function variableOptions(client: MetricsClient, d: Dashboard, fromMs: number, toMs: number): Promise<Record<string, string[]>> {
  const options: Record<string, string[]> = {};
  const all: Selection = Object.fromEntries((d.templating.list ?? []).map((v) => [v.name, 'all' as const]));
  for (const v of d.templating.list ?? []) {
    if (v.type === 'custom') options[v.name] = String(v.query ?? '').split(',').map((s) => s.trim());
  }
  for (const q of dashboardQueries(d).filter((q) => q.variable)) {
    const run = await runQuery(client, q, { fromMs, toMs, selection: all, allValues: options });
    options[q.variable as string] = run.rows.map((r) => String(Object.values(r)[0]));
  }
  return options;
}

/** Expands one query for the context (as Grafana and the plugin would) and runs it. */
export async function runQuery(client: MetricsClient, query: DashboardQuery, ctx: RunContext): Promise<QueryRun> {
  const sql = expandMacros(query.rawSql, {
    fromMs: ctx.fromMs,
    toMs: ctx.toMs,
    intervalMs: grafanaInterval(ctx.toMs - ctx.fromMs, undefined, query.minIntervalMs),
    variables: ctx.selection,
    allValues: { env: ENVIRONMENTS, ...ctx.allValues },
  });
  const started = performance.now();
  const { columns, rows } = await client.query(sql);
  return { query, sql, columns, rows, ms: performance.now() - started };
}
