/**
 * Silence is an incident (issue 14), in the dry run against the real QuestDB:
 * - sources that reported and then went silent, followed by the explicit rows the collector's
 *   inventory writes for them (CONTRACT.md: daemon running=false with a "silent: …" last_error,
 *   exchange feed connected=false, pipeline gap row, strategy row without figures): the matching
 *   rules fire on those rows and still fire after 8 days of silence;
 * - the collector's heartbeat stops: the heartbeat rule fires within its limit, and with no
 *   heartbeat at all it fires on no data.
 */
import type { CollectorHeartbeatRow, DaemonMetricsRow, ExchangeStatusRow, PipelineMetricsRow, TradingMetricsRow } from '@tradewatch/models';
import { MetricsClient } from '@tradewatch/questdb-client';
import { questDbUrl, uniqueName } from '@tradewatch/questdb-client/testing';
import { waitForWalApplied } from '../seed/seed';
import { THRESHOLDS } from '../thresholds';
import { dryRun, type AlertInstance } from './dry-run';
import { RULE_GROUPS } from './rules';

const S = 1000;
const MIN = 60 * S;
const DAY = 86_400 * S;
const id = uniqueName('silent');
const src = { daemon: `${id}-d`, exchange: `${id}-x`, pipeline: `${id}-p`, strategy: `${id}-s`, collector: `${id}-c` };
const now = Date.now();
/** The last report of every source; silence rows follow every 10 minutes (its cadence × tolerance) until now. */
const silentFrom = now - 8 * DAY - 10 * MIN;
const us = (ms: number) => ms * 1000;
const every = (from: number, to: number, step: number) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);
const reports = every(silentFrom - 30 * MIN, silentFrom, MIN);
const silences = every(silentFrom + 10 * MIN, now - MIN, 10 * MIN);
/** The heartbeat stops here (every 10 s for 10 minutes before). */
const heartbeatStop = now - 30 * MIN;

function rows() {
  const daemon: DaemonMetricsRow[] = [
    ...reports.map((t, i) => ({
      timestamp: us(t), host: src.daemon, env: 'dev' as const, running: true, fetch_count: 10 + i, error_count: 0, liquidation_count: 0,
      uptime_seconds: 600 + i * 60, memory_rss_bytes: 1e8, cpu_percent: 5, parquet_bytes: 1e6, last_error: null, last_error_at: null,
    })),
    ...silences.map((t) => ({
      timestamp: us(t), host: src.daemon, env: 'dev' as const, running: false,
      last_error: `silent: no report for ${Math.round((t - silentFrom) / S)}s (expected every 60s)`, last_error_at: us(t),
    })),
  ];
  const exchange: ExchangeStatusRow[] = [
    ...reports.map((t) => ({ timestamp: us(t), exchange: 'okx', host: src.exchange, env: 'dev' as const, connected: true, latency_ms: 40, reconnect_count: 1, last_message_at: us(t - 200), disconnected_at: null })),
    ...silences.map((t) => ({ timestamp: us(t), exchange: 'okx', host: src.exchange, env: 'dev' as const, connected: false, last_message_at: us(silentFrom - 200), disconnected_at: us(silentFrom) })),
  ];
  const pipeline: PipelineMetricsRow[] = [
    ...reports.map((t) => ({
      timestamp: us(t), exchange: 'binance', symbol: 'BTC/USDT:USDT', data_type: 'oi' as const, host: src.pipeline, env: 'dev' as const,
      records_count: 1, bytes_written: 200, latency_ms: 80, gap_detected: false, gap_duration_seconds: null,
    })),
    ...silences.map((t) => ({
      timestamp: us(t), exchange: 'binance', symbol: 'BTC/USDT:USDT', data_type: 'oi' as const, host: src.pipeline, env: 'dev' as const,
      records_count: 0, bytes_written: 0, latency_ms: null, gap_detected: true, gap_duration_seconds: (t - silentFrom) / S,
    })),
  ];
  const position = { strategy: src.strategy, symbol: 'BTC/USDT:USDT', venue: 'binance', env: 'dev' as const };
  const trading: TradingMetricsRow[] = [
    ...reports.map((t) => ({
      timestamp: us(t), ...position, pnl: 10, unrealized_pnl: 0, position_size: 1, orders_placed: 2, orders_filled: 1, fill_rate: 0.5, exposure: 1000, drawdown: 1,
    })),
    ...silences.map((t) => ({ timestamp: us(t), ...position })),
  ];
  const heartbeat: CollectorHeartbeatRow[] = every(heartbeatStop - 10 * MIN, heartbeatStop, 10 * S).map((t) => ({
    timestamp: us(t), collector: src.collector, env: 'dev', spool_backlog_rows: 0, spool_backlog_bytes: 0, oldest_unshipped_age_seconds: 0, sources_silent: 0,
  }));
  return { daemon, exchange, pipeline, trading, heartbeat };
}

/** `rule-uid source` for this test's sources, by state. */
function mine(instances: AlertInstance[], state: AlertInstance['state']): string[] {
  const ours = new Set(Object.values(src));
  return instances
    .filter((i) => i.state === state)
    .flatMap((i) => {
      const who = [i.labels['host'], i.labels['strategy'], i.labels['collector']].find((v) => v !== undefined && ours.has(v));
      return who ? [`${i.rule.uid} ${who}`] : [];
    })
    .sort();
}

const heartbeatGroup = RULE_GROUPS.filter((g) => g.rules.some((r) => r.uid === 'tw-collector-heartbeat'));

describe('silence and heartbeat in the dry run', () => {
  let client: MetricsClient;
  beforeAll(async () => {
    client = await MetricsClient.connect({ url: questDbUrl(), batchRows: 10_000 });
    await client.bootstrap();
    const r = rows();
    await client.write('daemon_metrics', r.daemon);
    await client.write('exchange_status', r.exchange);
    await client.write('pipeline_metrics', r.pipeline);
    await client.write('trading_metrics', r.trading);
    await client.write('collector_heartbeat', r.heartbeat);
    await client.flush();
    await waitForWalApplied(client, ['daemon_metrics', 'exchange_status', 'pipeline_metrics', 'trading_metrics', 'collector_heartbeat'], 120_000);
  }, 180_000);
  afterAll(() => client?.close());

  const SILENT = [
    `tw-daemon-down ${src.daemon}`,
    `tw-exchange-disconnected ${src.exchange}`,
    `tw-pipeline-gap ${src.pipeline}`,
    `tw-pipeline-oi-stalled ${src.pipeline}`,
    `tw-trading-silent ${src.strategy}`,
  ].sort();

  it('is quiet while the sources report', async () => {
    expect(mine(await dryRun(client, silentFrom + 30 * S), 'firing')).toEqual([]);
  }, 120_000);

  it('fires on the silence rows, a day into the silence and still after 8 days', async () => {
    expect(mine(await dryRun(client, silentFrom + DAY), 'firing')).toEqual(SILENT);
    const end = await dryRun(client, now);
    // (This test's collector stopped its heartbeat half an hour ago: that fires too.)
    expect(mine(end, 'firing')).toEqual([...SILENT, `tw-collector-heartbeat ${src.collector}`].sort());
    // OI stalled counts the whole silence, not the age of the latest silence row.
    const oi = end.find((i) => i.rule.uid === 'tw-pipeline-oi-stalled' && i.labels['host'] === src.pipeline);
    expect(oi?.value).toBeGreaterThan((8 * DAY) / MIN);
  }, 120_000);

  it('the heartbeat rule fires once the newest heartbeat is older than its limit', async () => {
    const limitMs = THRESHOLDS.heartbeatStaleSeconds * S;
    expect(mine(await dryRun(client, heartbeatStop + limitMs - 30 * S, heartbeatGroup), 'firing')).toEqual([]);
    // Evaluated every 30 s: it fires at the first evaluation past the limit.
    expect(mine(await dryRun(client, heartbeatStop + limitMs + 30 * S, heartbeatGroup), 'firing')).toEqual([`tw-collector-heartbeat ${src.collector}`]);
  }, 60_000);

  it('with no heartbeat at all in QuestDB, the heartbeat rule alone fires on no data', async () => {
    // Long before any row: every query is empty.
    const empty = await dryRun(client, Date.UTC(2001, 0, 1));
    expect(empty.filter((i) => i.state === 'firing').map((i) => [i.rule.uid, i.noData])).toEqual([['tw-collector-heartbeat', true]]);
  }, 120_000);
});
