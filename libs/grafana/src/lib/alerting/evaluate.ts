import type { MetricsClient, QueryColumn } from '@tradewatch/questdb-client';
import { DefinitionError } from '../errors';
import { expandMacros, grafanaInterval } from '../sql/macros';
import type { AlertRuleSpec, Reducer, ThresholdSpec } from './rule-spec';

/**
 * One evaluation of a rule as Grafana runs it: the query (refId A) over the rule's relative time
 * range ending at `atMs`, macros expanded as the plugin does, one series per label set, the
 * reducer (B) and the threshold (C). Shared by the dry run and the backtest.
 */
const NUMERIC = new Set(['LONG', 'INT', 'SHORT', 'BYTE', 'DOUBLE', 'FLOAT']);
const TIME = new Set(['TIMESTAMP', 'DATE']);

export interface Evaluation {
  labels: Record<string, string>;
  value: number | null;
  condition: boolean;
}

export async function evaluateAt(client: MetricsClient, rule: AlertRuleSpec, atMs: number): Promise<Map<string, Evaluation>> {
  const fromMs = atMs - rule.windowSeconds * 1000;
  const sql = expandMacros(rule.sql, { fromMs, toMs: atMs, intervalMs: grafanaInterval(atMs - fromMs), variables: {} });
  const { columns, rows } = await client.query(sql);
  const series = toSeries(columns, rows, rule.uid);
  const out = new Map<string, Evaluation>();
  for (const [key, s] of series) {
    const value = reduce(rule.reducer, s.values);
    out.set(key, { labels: s.labels, value, condition: value !== null && holds(rule.threshold, value) });
  }
  return out;
}

/** Long-format rows → one series per label set (string columns are labels, as Grafana does). */
function toSeries(columns: QueryColumn[], rows: Record<string, unknown>[], uid: string) {
  const problem = timeSeriesProblem(columns);
  if (problem) throw new DefinitionError(`alert rule ${uid}: ${problem}`);
  const labelCols = columns.filter((c) => !NUMERIC.has(c.type) && !TIME.has(c.type)).map((c) => c.name);
  const valueCol = columns.filter((c) => NUMERIC.has(c.type))[0].name;
  const series = new Map<string, { labels: Record<string, string>; values: (number | null)[] }>();
  for (const row of rows) {
    const labels = Object.fromEntries(labelCols.map((c) => [c, String(row[c] ?? '')]));
    const key = JSON.stringify(labels);
    let s = series.get(key);
    if (!s) series.set(key, (s = { labels, values: [] }));
    const v = row[valueCol];
    s.values.push(typeof v === 'number' && Number.isFinite(v) ? v : null);
  }
  return series;
}

const LABEL = new Set(['SYMBOL', 'VARCHAR', 'STRING']);

/**
 * Why a result cannot be a time series frame (format 0) that Grafana's alert expressions accept,
 * or undefined: time first, then string labels and exactly one numeric value.
 */
export function timeSeriesProblem(columns: readonly QueryColumn[]): string | undefined {
  if (!columns[0] || !TIME.has(columns[0].type)) return `the first column must be the time, got ${columns[0] ? `${columns[0].name}:${columns[0].type}` : 'none'}`;
  const rest = columns.slice(1);
  const odd = rest.find((c) => !NUMERIC.has(c.type) && !LABEL.has(c.type));
  if (odd) return `column ${odd.name}:${odd.type} is neither a label nor a value`;
  const values = rest.filter((c) => NUMERIC.has(c.type));
  if (values.length !== 1) return `expected one numeric column, got ${values.map((c) => c.name).join(', ') || 'none'}`;
  return undefined;
}

/** Grafana's reduce expression in `dropNN` mode: nulls and NaN are dropped first. */
export function reduce(reducer: Reducer, values: readonly (number | null)[]): number | null {
  const xs = values.filter((v): v is number => v !== null);
  if (xs.length === 0) return null;
  switch (reducer) {
    case 'last':
      return xs[xs.length - 1];
    case 'mean':
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    case 'max':
      return Math.max(...xs);
    case 'min':
      return Math.min(...xs);
    case 'sum':
      return xs.reduce((a, b) => a + b, 0);
  }
}

/** Grafana's threshold expression. */
export function holds(t: ThresholdSpec, v: number): boolean {
  const [a, b] = t.params;
  switch (t.type) {
    case 'gt':
      return v > a;
    case 'lt':
      return v < a;
    case 'within_range':
      return v > a && v < b;
    case 'outside_range':
      return v < a || v > b;
  }
}

