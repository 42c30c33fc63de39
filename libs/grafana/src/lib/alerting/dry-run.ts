import type { MetricsClient } from '@tradewatch/questdb-client';
import { evaluateAt } from './evaluate';
import { RULE_GROUPS } from './rules';
import type { AlertRuleSpec, RuleGroupSpec } from './rule-spec';
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
