/**
 * The alert backtest against the real QuestDB, on seeded history with known incidents. The
 * expected firing and resolution times are worked out by hand below from the rows, the groups'
 * intervals (30 s for daemons and trading) and each rule's `for`.
 */
import type { DaemonMetricsRow, TradingMetricsRow } from '@tradewatch/models';
import { MetricsClient } from '@tradewatch/questdb-client';
import { questDbUrl, uniqueName } from '@tradewatch/questdb-client/testing';
import { waitForWalApplied } from '../seed/seed';
import { backtest, type BacktestEpisode, type RuleBacktest } from './backtest';
import { formatBacktest } from './backtest-report';
import { RULE_GROUPS } from './rules';
import type { RuleGroupSpec } from './rule-spec';

const S = 1000;
const MIN = 60 * S;
const id = uniqueName('bt');
const host = `${id}-d`;
const strategy = `${id}-s`;
/** The backtest covers [T, T + 60 min]; T is a whole minute two hours ago. */
const T = Math.floor((Date.now() - 2 * 3600 * S) / MIN) * MIN;
const at = (minutes: number, seconds = 0) => T + minutes * MIN + seconds * S;
const every10s = (from: number, to: number) => Array.from({ length: (to - from) / (10 * S) }, (_, i) => from + i * 10 * S);

// Daemon: reports every 10 s; running = false for the samples in [T+10m, T+20m).
const daemon: DaemonMetricsRow[] = every10s(at(-10), at(70)).map((t, i) => ({
  timestamp: t * 1000, host, env: 'dev', running: !(t >= at(10) && t < at(20)), fetch_count: i, error_count: 0, liquidation_count: 0,
  uptime_seconds: i * 10, memory_rss_bytes: 1e8, cpu_percent: 5, parquet_bytes: 1e6, last_error: null, last_error_at: null,
}));
// Strategy: drawdown 7 % (between the 5 % warning and the 10 % critical) in [T+30m, T+40m) and,
// briefly, in [T+50m, T+50m40s); 1 % otherwise.
const drawdownAt = (t: number) => ((t >= at(30) && t < at(40)) || (t >= at(50) && t < at(50, 40)) ? 7 : 1);
const trading: TradingMetricsRow[] = every10s(at(-20), at(70)).map((t) => ({
  timestamp: t * 1000, strategy, symbol: 'BTC/USDT:USDT', venue: 'binance', env: 'dev', pnl: 0, unrealized_pnl: 0,
  position_size: 1, orders_placed: 2, orders_filled: 1, fill_rate: 0.5, exposure: 1000, drawdown: drawdownAt(t),
}));

const only = (...uids: string[]): RuleGroupSpec[] =>
  RULE_GROUPS.map((g) => ({ ...g, rules: g.rules.filter((r) => uids.includes(r.uid)) })).filter((g) => g.rules.length > 0);

const episodesOf = (results: RuleBacktest[], uid: string, label: string, value: string) =>
  (results.find((r) => r.rule.uid === uid)?.episodes ?? [])
    .filter((e) => e.labels[label] === value)
    .map(({ pendingAt, firingAt, resolvedAt, state }: BacktestEpisode) => ({ pendingAt, firingAt, resolvedAt, state }));

describe('alerts backtest', () => {
  let client: MetricsClient;
  beforeAll(async () => {
    client = await MetricsClient.connect({ url: questDbUrl() });
    await client.bootstrap();
    await client.write('daemon_metrics', daemon);
    await client.write('trading_metrics', trading);
    await client.flush();
    await waitForWalApplied(client, ['daemon_metrics', 'trading_metrics'], 60_000);
  }, 120_000);
  afterAll(() => client?.close());

  it('finds each incident at the times worked out by hand, with `for` and resolution', async () => {
    let progress = 0;
    const results = await backtest(client, {
      fromMs: T,
      toMs: at(60),
      groups: only('tw-daemon-down', 'tw-trading-drawdown-warning', 'tw-trading-drawdown-critical'),
      onProgress: (done, total) => (progress = done / total),
    });
    expect(progress).toBe(1);
    // 30 s interval over 60 minutes, both ends included.
    expect(results.map((r) => r.evaluations)).toEqual([121, 121, 121]);

    // for 0s: fires at the first evaluation that sees running = false (T+10m, the sample at that
    // very instant) and resolves at the first that sees running = true again (T+20m).
    expect(episodesOf(results, 'tw-daemon-down', 'host', host)).toEqual([
      { pendingAt: null, firingAt: at(10), resolvedAt: at(20), state: 'Alerting' },
    ]);
    // for 1m: pending at T+30m, still true at T+30m30s, firing at T+31m (held for 1 minute),
    // resolved at T+40m. The 40-second blip at T+50m is pending at T+50m and T+50m30s (sample at
    // 50m30s is still 7 %), false at T+51m: back to normal without ever firing.
    expect(episodesOf(results, 'tw-trading-drawdown-warning', 'strategy', strategy)).toEqual([
      { pendingAt: at(30), firingAt: at(31), resolvedAt: at(40), state: 'Alerting' },
      { pendingAt: at(50), firingAt: null, resolvedAt: at(51), state: 'Pending' },
    ]);
    // 7 % never crosses the critical 10 %.
    expect(episodesOf(results, 'tw-trading-drawdown-critical', 'strategy', strategy)).toEqual([]);

    const report = formatBacktest(results, at(60));
    expect(report).toContain(`host=${host} env=dev`);
    expect(report).toContain(`firing ${new Date(at(31)).toISOString().replace('.000Z', 'Z')}`);
    expect(report).toMatch(/Summary\nrule +severity +evaluations/);
  }, 300_000);

  it('applies noDataState: the heartbeat rule fires on no data, the others stay normal', async () => {
    const from = Date.UTC(2001, 0, 1);
    const results = await backtest(client, { fromMs: from, toMs: from + 2 * MIN, groups: only('tw-collector-heartbeat', 'tw-daemon-down') });
    const heartbeat = results.find((r) => r.rule.uid === 'tw-collector-heartbeat')?.episodes ?? [];
    expect(heartbeat.map((e) => [e.labels, e.firingAt, e.resolvedAt, e.reason])).toEqual([[{}, from, null, 'no data']]);
    expect(results.find((r) => r.rule.uid === 'tw-daemon-down')?.episodes).toEqual([]);
  }, 60_000);

  it('puts a rule whose query fails into the Error state, per execErrState', async () => {
    const broken: RuleGroupSpec[] = [{ ...only('tw-daemon-down')[0], rules: [{ ...only('tw-daemon-down')[0].rules[0], sql: 'SELECT $__toTime AS time, 1 AS value FROM no_such_table' }] }];
    const [r] = await backtest(client, { fromMs: T, toMs: at(1), groups: broken });
    expect(r.episodes).toHaveLength(1);
    expect(r.episodes[0]).toMatchObject({ state: 'Error', firingAt: T, resolvedAt: null, reason: expect.stringMatching(/no_such_table/) });
  }, 60_000);

  it('refuses a range that ends before it starts', async () => {
    await expect(backtest(client, { fromMs: at(10), toMs: at(0) })).rejects.toThrow(/must end after it starts/);
  });
});
