import { TradewatchError } from '@tradewatch/models';
import type { MetricsClient } from '@tradewatch/questdb-client';
import { DefinitionError } from '../errors';
import { MacroExpansionError } from '../sql/macros';
import { evaluateAt, type Evaluation } from './evaluate';
import { RULE_GROUPS } from './rules';
import type { AlertRuleSpec, RuleGroupSpec } from './rule-spec';
import { durationSeconds } from './sdk-rules';

/**
 * Alert backtesting: every rule replayed over stored history at its group's interval, with
 * Grafana's state machine per label set:
 * - condition true: Normal → Pending, then Alerting once it held for `for` (at once with `for 0s`);
 * - condition false: back to Normal (resolved, if it was Alerting);
 * - no series at all: the rule's noDataState (OK: Normal; Alerting: like a true condition, through
 *   Pending) for an instance without labels;
 * - a query that fails: the Error state (execErrState `Error`) until a query succeeds again;
 * - a label set missing from the result for two intervals is resolved (Grafana's stale series).
 * Evaluation times are multiples of the interval, as Grafana's scheduler ticks. No rule here uses
 * keep_firing_for, so there is no Recovering state.
 */
export type BacktestState = 'Normal' | 'Pending' | 'Alerting' | 'Error';

/** One departure from Normal of one label set, and its return. Times in ms. */
export interface BacktestEpisode {
  labels: Record<string, string>;
  /** When it became Pending (null when it went straight to Alerting or Error). */
  pendingAt: number | null;
  /** When it became Alerting (or Error): a notification would go out here. Null if it only pended. */
  firingAt: number | null;
  /** When it returned to Normal; null if still open at the end of the range. */
  resolvedAt: number | null;
  /** Alerting, Error, or Pending for an episode that never fired. */
  state: Exclude<BacktestState, 'Normal'>;
  /** The largest value seen during the episode (null for no data and errors). */
  peak: number | null;
  /** Why: `no data`, the query error, or undefined for a threshold crossing. */
  reason?: string;
}

export interface RuleBacktest {
  rule: AlertRuleSpec;
  group: string;
  intervalMs: number;
  evaluations: number;
  episodes: BacktestEpisode[];
}

export interface BacktestOptions {
  fromMs: number;
  toMs: number;
  groups?: readonly RuleGroupSpec[];
  /** Called after every evaluation with the count done and the total. */
  onProgress?: (done: number, total: number) => void;
}

export class BacktestRangeError extends TradewatchError {
  readonly code = 'backtest_range_invalid';
}

interface Instance {
  labels: Record<string, string>;
  state: BacktestState;
  since: number;
  lastSeen: number;
  episode: BacktestEpisode | null;
}

const NO_LABELS = '{}';
const ERROR_KEY = '__error__';

/** Evaluation times of a group: the multiples of its interval within [from, to]. */
export function evaluationTimes(fromMs: number, toMs: number, intervalMs: number): number[] {
  const out: number[] = [];
  for (let t = Math.ceil(fromMs / intervalMs) * intervalMs; t <= toMs; t += intervalMs) out.push(t);
  return out;
}

export async function backtest(client: MetricsClient, options: BacktestOptions): Promise<RuleBacktest[]> {
  const { fromMs, toMs } = options;
  if (!(Number.isFinite(fromMs) && Number.isFinite(toMs)) || fromMs >= toMs) {
    throw new BacktestRangeError(`the range must end after it starts (from ${new Date(fromMs).toISOString()}, to ${new Date(toMs).toISOString()})`);
  }
  const groups = options.groups ?? RULE_GROUPS;
  const plan = groups.map((g) => ({ group: g, times: evaluationTimes(fromMs, toMs, durationSeconds(g.interval) * 1000) }));
  const total = plan.reduce((n, p) => n + p.times.length * p.group.rules.length, 0);
  let done = 0;
  const out: RuleBacktest[] = [];
  for (const { group, times } of plan) {
    const intervalMs = durationSeconds(group.interval) * 1000;
    for (const rule of group.rules) {
      const replay = new RuleReplay(rule, intervalMs);
      for (const t of times) {
        replay.step(t, await evaluateOrError(client, rule, t));
        options.onProgress?.(++done, total);
      }
      out.push({ rule, group: group.name, intervalMs, evaluations: times.length, episodes: replay.episodes() });
    }
  }
  return out;
}

/** The evaluation, or the query's failure (Grafana's Error state); our own definition bugs throw. */
async function evaluateOrError(client: MetricsClient, rule: AlertRuleSpec, t: number): Promise<Map<string, Evaluation> | Error> {
  try {
    return await evaluateAt(client, rule, t);
  } catch (error) {
    if (error instanceof DefinitionError || error instanceof MacroExpansionError || !(error instanceof Error)) throw error;
    return error;
  }
}

/** Grafana's per-label-set state machine for one rule. */
export class RuleReplay {
  private readonly instances = new Map<string, Instance>();
  private readonly closed: BacktestEpisode[] = [];
  private readonly forMs: number;

  constructor(
    private readonly rule: AlertRuleSpec,
    private readonly intervalMs: number,
  ) {
    this.forMs = durationSeconds(rule.for) * 1000;
  }

  step(t: number, result: Map<string, Evaluation> | Error): void {
    if (result instanceof Error) {
      this.move(ERROR_KEY, {}, t, 'Error', null, result.message.split('\n')[0]);
      return;
    }
    if (this.instances.get(ERROR_KEY)?.state === 'Error') this.move(ERROR_KEY, {}, t, 'Normal', null);
    if (result.size === 0) {
      if (this.rule.noDataState === 'Alerting') this.condition(NO_LABELS, {}, t, true, null, 'no data');
      else this.move(NO_LABELS, {}, t, 'Normal', null);
    }
    for (const [key, ev] of result) this.condition(key, ev.labels, t, ev.condition, ev.value);
    // A label set gone from the result for two intervals is stale: resolved and forgotten.
    for (const [key, inst] of this.instances) {
      if (key === ERROR_KEY || inst.lastSeen === t || t - inst.lastSeen < 2 * this.intervalMs) continue;
      this.move(key, inst.labels, t, 'Normal', null);
      this.instances.delete(key);
    }
  }

  /** Open episodes stay open (resolvedAt null). */
  episodes(): BacktestEpisode[] {
    const open = [...this.instances.values()].flatMap((i) => (i.episode ? [i.episode] : []));
    return [...this.closed, ...open].sort((a, b) => (a.pendingAt ?? a.firingAt ?? 0) - (b.pendingAt ?? b.firingAt ?? 0));
  }

  private condition(key: string, labels: Record<string, string>, t: number, holds: boolean, value: number | null, reason?: string): void {
    const inst = this.instances.get(key);
    if (!holds) return this.move(key, labels, t, 'Normal', value);
    const state = inst?.state ?? 'Normal';
    if (state === 'Alerting') return this.move(key, labels, t, 'Alerting', value, reason);
    if (state === 'Pending' && inst && t - inst.since >= this.forMs) return this.move(key, labels, t, 'Alerting', value, reason);
    if (state === 'Pending') return this.move(key, labels, t, 'Pending', value, reason);
    this.move(key, labels, t, this.forMs > 0 ? 'Pending' : 'Alerting', value, reason);
  }

  private move(key: string, labels: Record<string, string>, t: number, to: BacktestState, value: number | null, reason?: string): void {
    let inst = this.instances.get(key);
    if (!inst) this.instances.set(key, (inst = { labels, state: 'Normal', since: t, lastSeen: t, episode: null }));
    inst.lastSeen = t;
    if (inst.episode && value !== null) inst.episode.peak = Math.max(inst.episode.peak ?? value, value);
    if (to === inst.state) return;
    const from = inst.state;
    inst.state = to;
    inst.since = t;
    if (to === 'Normal') {
      if (inst.episode) this.closed.push({ ...inst.episode, resolvedAt: t });
      inst.episode = null;
      return;
    }
    if (from === 'Normal' || !inst.episode) {
      inst.episode = { labels, pendingAt: null, firingAt: null, resolvedAt: null, state: 'Pending', peak: value, ...(reason ? { reason } : {}) };
    }
    if (to === 'Pending') inst.episode.pendingAt = t;
    if (to === 'Alerting' || to === 'Error') {
      inst.episode.firingAt = t;
      inst.episode.state = to;
    }
  }
}
