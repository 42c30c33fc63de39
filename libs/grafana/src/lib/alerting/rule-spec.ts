import type { DashboardDef } from '../dashboard-kit';
import type { Severity } from '../thresholds';

export type Reducer = 'last' | 'mean' | 'max' | 'min' | 'sum';

export interface ThresholdSpec {
  type: 'gt' | 'lt' | 'within_range' | 'outside_range';
  params: number[];
}

/** One alert rule: its QuestDB query (refId A), reduction (B) and threshold (C, the condition). */
export interface AlertRuleSpec {
  /** Stable uid: Grafana keys silences and history on it. */
  uid: string;
  title: string;
  severity: Severity;
  /**
   * Time-series SQL for the QuestDB plugin: time first, the label columns that name what is at
   * fault (host, exchange, strategy…), then one numeric `value`. One series per label set.
   */
  sql: string;
  /** How far back the query looks (the query's relative time range), in seconds. */
  windowSeconds: number;
  reducer: Reducer;
  threshold: ThresholdSpec;
  /** How long the condition must hold before the alert fires (`0s` fires at once). */
  for: string;
  /**
   * What a query without any series means (Grafana's noDataState). Default `OK`: the collector
   * writes explicit rows for silent sources, so rules fire on data. Only the heartbeat rule,
   * which watches the pipeline itself, treats no data as alerting.
   */
  noDataState?: 'OK' | 'Alerting';
  summary: string;
  description: string;
  /** The dashboard panel that shows what the rule watches. */
  panel: { dashboard: DashboardDef; title: string };
}

export interface RuleGroupSpec {
  name: string;
  /** Evaluation interval; every rule of the group is evaluated this often. */
  interval: string;
  rules: AlertRuleSpec[];
}
