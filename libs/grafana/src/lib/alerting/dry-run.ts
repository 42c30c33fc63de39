import type { MetricsClient, QueryColumn } from '@tradewatch/questdb-client';
import { DefinitionError } from '../errors';
import { expandMacros, grafanaInterval } from '../sql/macros';
import { RULE_GROUPS } from './rules';
import type { AlertRuleSpec, Reducer, RuleGroupSpec, ThresholdSpec } from './rule-spec';
import { durationSeconds } from './sdk-rules';

/**
 * Evaluates alert rules against a live QuestDB the way Grafana would, without Grafana: the
 * rule's query (refId A) over its relative time range with the plugin's macros expanded, one
 * series per label set, the reducer (B) and the threshold (C). A rule with `for` is evaluated at
 * every group interval back over its `for` period: firing when the condition held at all of
 * them, pending when it holds now but not yet for long enough.
 */
export type AlertState = 'normal' | 'pending' | 'firing';

export interface AlertInstance {
  rule: AlertRuleSpec;
  group: string;
  labels: Record<string, string>;
  /** The reduced value now (null when the series had no numeric value). */
  value: number | null;
  state: AlertState;
  /** The query returned no series. */
  noData?: boolean;
}

const NUMERIC = new Set(['LONG', 'INT', 'SHORT', 'BYTE', 'DOUBLE', 'FLOAT']);
const TIME = new Set(['TIMESTAMP', 'DATE']);

export async function dryRun(client: MetricsClient, nowMs = Date.now(), groups: readonly RuleGroupSpec[] = RULE_GROUPS): Promise<AlertInstance[]> {
  const out: AlertInstance[] = [];
  for (const group of groups) {
    const stepMs = durationSeconds(group.interval) * 1000;
    for (const rule of group.rules) {
      const forMs = durationSeconds(rule.for) * 1000;
      const now = await evaluateAt(client, rule, nowMs);
      // Past evaluations only matter for series whose condition holds now.
      const history: Map<string, boolean>[] = [];
      if (forMs > 0 && [...now.values()].some((r) => r.condition)) {
        for (let t = nowMs - stepMs; t >= nowMs - forMs; t -= stepMs) {
          const past = await evaluateAt(client, rule, t);
          history.push(new Map([...past].map(([k, r]) => [k, r.condition])));
        }
      }
      // No series at all: Grafana applies noDataState (OK unless the rule says Alerting).
      if (now.size === 0) {
        out.push({ rule, group: group.name, labels: {}, value: null, state: rule.noDataState === 'Alerting' ? 'firing' : 'normal', noData: true });
      }
      for (const [key, r] of now) {
        const held = history.every((h) => h.get(key) === true);
        const state: AlertState = !r.condition ? 'normal' : held ? 'firing' : 'pending';
        out.push({ rule, group: group.name, labels: r.labels, value: r.value, state });
      }
    }
  }
  return out;
}

interface Evaluation {
  labels: Record<string, string>;
  value: number | null;
  condition: boolean;
}

async function evaluateAt(client: MetricsClient, rule: AlertRuleSpec, atMs: number): Promise<Map<string, Evaluation>> {
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

/** A plain-text table: rule, labels, value, state; firing and pending first. */
export function formatDryRun(instances: readonly AlertInstance[]): string {
  const order: Record<AlertState, number> = { firing: 0, pending: 1, normal: 2 };
  const rows = [...instances]
    .sort((a, b) => order[a.state] - order[b.state] || a.rule.title.localeCompare(b.rule.title))
    .map((i) => [
      i.rule.title,
      i.rule.severity,
      i.noData ? '(no data)' : Object.entries(i.labels).map(([k, v]) => `${k}=${v}`).join(' '),
      i.value === null ? '-' : Number(i.value.toPrecision(6)).toString(),
      i.state,
    ]);
  const header = ['rule', 'severity', 'labels', 'value', 'state'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
