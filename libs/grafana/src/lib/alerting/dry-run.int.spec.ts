/**
 * The alert dry run against the real QuestDB: seed a memory spike, a disconnected exchange, a
 * data gap and a drawdown (and a CPU spike too young to fire); exactly the matching rules fire.
 * Then overwrite the same rows with healthy values (dedup upsert) and every rule is normal again.
 */
import type { CollectorHeartbeatRow, DaemonMetricsRow, ExchangeApiCallsRow, ExchangeStatusRow, PipelineMetricsRow, TradingMetricsRow } from '@tradewatch/models';
import { MetricsClient } from '@tradewatch/questdb-client';
import { questDbUrl, uniqueName } from '@tradewatch/questdb-client/testing';
import { waitForWalApplied } from '../seed/seed';
import { expandMacros, grafanaInterval } from '../sql/macros';
import { dryRun, formatDryRun, type AlertInstance } from './dry-run';
import { timeSeriesProblem } from './evaluate';
import { RULE_GROUPS } from './rules';

const GiB = 1024 ** 3;
const MIN = 60_000;
const id = uniqueName('alert');
const host = { memory: `${id}-mem`, cpu: `${id}-cpu`, exchange: `${id}-ws`, pipeline: `${id}-gap` };
const strategy = `${id}-dd`;
const now = Date.now();
/** Sample times: every 10 s over the last 20 minutes. */
const times = Array.from({ length: 120 }, (_, i) => now - 2_000 - (119 - i) * 10_000);

function daemonRows(h: string, memory: (t: number) => number, cpu: (t: number) => number): DaemonMetricsRow[] {
  return times.map((t, i) => ({
    timestamp: t * 1000, host: h, env: 'dev', fetch_count: 100 + i, error_count: 0, liquidation_count: 0,
    uptime_seconds: 3600 + i * 10, running: true, memory_rss_bytes: memory(t), cpu_percent: cpu(t),
    parquet_bytes: 1e9, last_error: null, last_error_at: null,
  }));
}

function scenario(incidents: boolean) {
  const disconnectAt = now - 2 * MIN;
  const exchange: ExchangeStatusRow[] = times.map((t) => {
    const down = incidents && t >= disconnectAt;
    return {
      timestamp: t * 1000, exchange: 'okx', host: host.exchange, env: 'dev', connected: !down,
      latency_ms: down ? null : 50, reconnect_count: 3,
      last_message_at: (down ? disconnectAt - 500 : t - 500) * 1000, disconnected_at: down ? disconnectAt * 1000 : null,
    };
  });
  const pipeline: PipelineMetricsRow[] = times.filter((_, i) => i % 6 === 0).map((t) => {
    const gap = incidents && t >= now - 4 * MIN && t < now - 3 * MIN;
    return {
      timestamp: t * 1000, exchange: 'binance', symbol: 'BTC/USDT:USDT', data_type: 'oi', host: host.pipeline, env: 'dev',
      records_count: 1, bytes_written: 200, latency_ms: 80, gap_detected: gap, gap_duration_seconds: gap ? 600 : null,
    };
  });
  const trading: TradingMetricsRow[] = times.map((t) => ({
    timestamp: t * 1000, strategy, symbol: 'BTC/USDT:USDT', venue: 'binance', env: 'dev', pnl: -1200, unrealized_pnl: 0,
    position_size: 1, orders_placed: 2, orders_filled: 1, fill_rate: 0.5, exposure: 50_000, drawdown: incidents ? 12 : 1,
  }));
  return {
    daemon: [
      ...daemonRows(host.memory, () => (incidents ? 5 * GiB : 0.5 * GiB), () => 20),
      // CPU pegged for the last 4.5 minutes only: over the limit now, but not for the rule's 5 minutes yet.
      ...daemonRows(host.cpu, () => 0.5 * GiB, (t) => (incidents && t >= now - 4.5 * MIN ? 200 : 20)),
    ],
    exchange,
    pipeline,
    trading,
  };
}

async function write(client: MetricsClient, incidents: boolean): Promise<void> {
  const s = scenario(incidents);
  await client.write('daemon_metrics', s.daemon);
  await client.write('exchange_status', s.exchange);
  await client.write('pipeline_metrics', s.pipeline);
  await client.write('trading_metrics', s.trading);
  await client.flush();
  await waitForWalApplied(client, ['daemon_metrics', 'exchange_status', 'pipeline_metrics', 'trading_metrics'], 60_000);
}

/**
 * API calls of one host to okx every 10 s over 20 minutes: 5 good fetchTrades calls each time, and
 * in the last 4 minutes 6 calls refused with RateLimitExceeded each time (144 in 4 minutes: a
 * rate-limit storm, and 19 % or more of the calls in every 10-minute window of the last 2 minutes).
 */
const apiHost = `${id}-api`;
async function writeApiCalls(client: MetricsClient): Promise<void> {
  const rows: ExchangeApiCallsRow[] = times.flatMap((t) => [
    { timestamp: t * 1000, exchange: 'okx', method: 'fetchTrades', outcome: 'ok' as const, host: apiHost, env: 'dev' as const, calls: 5, latency_ms_avg: 80, latency_ms_max: 120 },
    ...(t >= now - 4 * MIN
      ? [{ timestamp: t * 1000, exchange: 'okx', method: 'fetchTrades', outcome: 'RateLimitExceeded' as const, host: apiHost, env: 'dev' as const, calls: 6, latency_ms_avg: 10, latency_ms_max: 20 }]
      : []),
  ]);
  await client.write('exchange_api_calls', rows);
  await client.flush();
  await waitForWalApplied(client, ['exchange_api_calls'], 60_000);
}

/** A collector's heartbeat every 10 s over 20 minutes, so the heartbeat rule has rows of this test's own. */
async function writeHeartbeats(client: MetricsClient): Promise<void> {
  const rows: CollectorHeartbeatRow[] = times.map((t) => ({
    timestamp: t * 1000, collector: `${id}-collector`, env: 'dev', spool_backlog_rows: 0, spool_backlog_bytes: 0, oldest_unshipped_age_seconds: 0, sources_silent: 0,
  }));
  await client.write('collector_heartbeat', rows);
  await client.flush();
  await waitForWalApplied(client, ['collector_heartbeat'], 60_000);
}

/** The instances about this test's hosts and strategy, as `rule uid {labels}` per state. */
function mine(instances: AlertInstance[]) {
  const ours = instances.filter((i) => Object.values(host).includes(i.labels['host'] ?? '') || i.labels['strategy'] === strategy);
  const key = (i: AlertInstance) => `${i.rule.uid} ${i.labels['host'] ?? i.labels['strategy']}${i.labels['exchange'] ? ` ${i.labels['exchange']}` : ''}`;
  return {
    all: ours,
    firing: ours.filter((i) => i.state === 'firing').map(key).sort(),
    pending: ours.filter((i) => i.state === 'pending').map(key).sort(),
  };
}

describe('alerts-check dry run', () => {
  let client: MetricsClient;
  beforeAll(async () => {
    client = await MetricsClient.connect({ url: questDbUrl() });
    await client.bootstrap();
  });
  afterAll(() => client?.close());

  it('fires exactly the rules that match the seeded incidents, then returns to normal once they are gone', async () => {
    await write(client, true);
    const during = mine(await dryRun(client, now));
    expect(during.firing).toEqual([
      `tw-daemon-memory ${host.memory}`,
      `tw-exchange-disconnected ${host.exchange} okx`,
      `tw-pipeline-gap ${host.pipeline} binance`,
      `tw-trading-drawdown-critical ${strategy}`,
    ].sort());
    expect(during.pending).toEqual([`tw-daemon-cpu ${host.cpu}`]);
    // Every rule that watches these hosts was evaluated (e.g. the healthy daemons are "normal" for down/stale).
    expect(during.all.filter((i) => i.rule.uid === 'tw-daemon-down' && i.state === 'normal')).toHaveLength(2);
    expect(formatDryRun(during.all)).toMatch(new RegExp(`Exchange disconnected +critical +exchange=okx host=${host.exchange} env=dev +1 +firing`));

    await write(client, false);
    const after = mine(await dryRun(client, now));
    expect({ firing: after.firing, pending: after.pending }).toEqual({ firing: [], pending: [] });
    expect(after.all.length).toBeGreaterThanOrEqual(during.all.length);
  }, 60_000);

  it('every alert query returns a time series frame (format 0: time, labels, one value) on the real QuestDB', async () => {
    await write(client, true);
    await writeApiCalls(client);
    // Without rows of its own the heartbeat query depended on other test files having written some.
    await writeHeartbeats(client);
    const problems: string[] = [];
    for (const rule of RULE_GROUPS.flatMap((g) => g.rules)) {
      const fromMs = now - rule.windowSeconds * 1000;
      const sql = expandMacros(rule.sql, { fromMs, toMs: now, intervalMs: grafanaInterval(now - fromMs), variables: {} });
      const { columns, rows } = await client.query(sql);
      const problem = rows.length === 0 ? 'no rows over the seeded incidents' : timeSeriesProblem(columns);
      if (problem) problems.push(`${rule.uid}: ${problem}`);
    }
    expect(problems).toEqual([]);
    // The check can fail: a table-shaped result (no time column first) is refused.
    expect(timeSeriesProblem([{ name: 'host', type: 'SYMBOL' }, { name: 'value', type: 'DOUBLE' }])).toMatch(/first column must be the time/);
  }, 60_000);

  it('fires the exchange REST error-rate and rate-limit rules on seeded API calls (issue 11)', async () => {
    await writeApiCalls(client);
    const instances = (await dryRun(client, now)).filter((i) => i.labels['host'] === apiHost);
    const state = (uid: string) => instances.filter((i) => i.rule.uid === uid).map((i) => [i.labels['exchange'], i.state, i.value]);
    expect(state('tw-exchange-rate-limit')).toEqual([['okx', 'firing', 144]]);
    // 144 failed of 444 calls in the last 10 minutes, held for the rule's 2 minutes.
    expect(state('tw-exchange-rest-errors')).toEqual([['okx', 'firing', expect.closeTo((100 * 144) / 444, 1)]]);
  }, 60_000);
});
