import * as alerting from '@grafana/grafana-foundation-sdk/alerting';
import * as expr from '@grafana/grafana-foundation-sdk/expr';
import { GRAFANA_FOLDER, QUESTDB_DATASOURCE } from '../datasource';
import { DefinitionError } from '../errors';
import { timeSeriesQuery } from '../sql/questdb-query';
import type { AlertRuleSpec, RuleGroupSpec } from './rule-spec';

/** Server-side expressions run on Grafana's `__expr__` datasource. */
export const EXPRESSION_DATASOURCE_UID = '__expr__';
export const QUERY_REF = 'A';
export const REDUCE_REF = 'B';
export const CONDITION_REF = 'C';

/** The panel id of a rule's panel, found by title, so a renamed panel breaks generation. */
export function panelIdOf(rule: AlertRuleSpec): number {
  const panel = (rule.panel.dashboard.build().panels ?? []).find((p) => 'title' in p && p.title === rule.panel.title);
  if (!panel?.id) throw new DefinitionError(`alert rule ${rule.uid}: no panel "${rule.panel.title}" on ${rule.panel.dashboard.title}`);
  return panel.id;
}

/** A rule as the Foundation SDK builds it (the alerting HTTP API's shape). */
export function ruleBuilder(group: RuleGroupSpec, rule: AlertRuleSpec): alerting.RuleBuilder {
  return new alerting.RuleBuilder(rule.title)
    .uid(rule.uid)
    .orgID(1)
    .folderUID(GRAFANA_FOLDER.uid)
    .ruleGroup(group.name)
    .condition(CONDITION_REF)
    .withQuery(
      new alerting.QueryBuilder(QUERY_REF)
        .datasourceUid(QUESTDB_DATASOURCE.uid)
        .relativeTimeRange({ from: rule.windowSeconds, to: 0 })
        .model(timeSeriesQuery(rule.sql).refId(QUERY_REF)),
    )
    .withQuery(
      new alerting.QueryBuilder(REDUCE_REF)
        .datasourceUid(EXPRESSION_DATASOURCE_UID)
        .model(new expr.TypeReduceBuilder().refId(REDUCE_REF).expression(QUERY_REF).reducer(rule.reducer).settings({ mode: 'dropNN' })),
    )
    .withQuery(
      new alerting.QueryBuilder(CONDITION_REF)
        .datasourceUid(EXPRESSION_DATASOURCE_UID)
        .model(
          new expr.TypeThresholdBuilder()
            .refId(CONDITION_REF)
            .expression(REDUCE_REF)
            .conditions([{ evaluator: { type: rule.threshold.type, params: rule.threshold.params } }]),
        ),
    )
    .noDataState(rule.noDataState ?? 'OK')
    .execErrState('Error')
    .forDuration(rule.for)
    .labels({ severity: rule.severity })
    .annotations({
      summary: rule.summary,
      description: rule.description,
      __dashboardUid__: rule.panel.dashboard.uid,
      __panelId__: String(panelIdOf(rule)),
    });
}

export function ruleGroupBuilder(group: RuleGroupSpec): alerting.RuleGroupBuilder {
  const b = new alerting.RuleGroupBuilder(group.name).folderUid(GRAFANA_FOLDER.uid).interval(durationSeconds(group.interval));
  for (const rule of group.rules) b.withRule(ruleBuilder(group, rule));
  return b;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `30s`, `5m`, `1h` → seconds; a malformed duration is a definition error. */
export function durationSeconds(duration: string): number {
  const m = /^(\d+)([smhdw])$/.exec(duration);
  if (!m) throw new DefinitionError(`"${duration}" is not a duration such as 30s, 5m or 1h`);
  return Number(m[1]) * UNIT_SECONDS[m[2]];
}

/** Seconds → the shortest exact duration string (`90` → `90s`, `300` → `5m`). */
export function formatDuration(seconds: number): string {
  for (const unit of ['w', 'd', 'h', 'm'] as const) {
    if (seconds > 0 && seconds % UNIT_SECONDS[unit] === 0) return `${seconds / UNIT_SECONDS[unit]}${unit}`;
  }
  return `${seconds}s`;
}
