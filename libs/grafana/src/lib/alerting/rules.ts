import { exchangeDashboard, healthDashboard, pipelineDashboard, tradingDashboard } from '../dashboards';
import { counterIncrease } from '../sql/counter-rate';
import { apiCalls as a, daemon as d, exchange as x, heartbeat as hb, literal, pipeline as p, trading as t } from '../sql/registry-sql';
import { THRESHOLDS } from '../thresholds';
import type { RuleGroupSpec } from './rule-spec';

// How far back a "latest state" rule looks. A silent source does not drop out: the collector's
// inventory keeps writing explicit silence rows for it (daemon running=false, feed
// connected=false, pipeline gap, strategy row without figures), so these rules fire on data and
// keep firing; the window only bounds the scan. LATEST ON makes the extra days cheap.
const LATEST_WINDOW_S = 7 * 86_400;
const inRange = (col = 'timestamp') => `$__timeFilter(${col})`;
const stale = THRESHOLDS.staleSeconds;
const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

/** Latest sample per key in the range, as a subquery. */
const latest = (table: string, columns: string, keys: string, where = inRange()) =>
  `(SELECT ${columns} FROM ${table} WHERE ${where} LATEST ON timestamp PARTITION BY ${keys})`;

/** A column averaged per minute over 5 minutes, over the limit for 5 minutes: resources, latency. */
const sustainedAverage = (table: string, labels: string, column: string) =>
  ({
    sql: `SELECT timestamp, ${labels}, avg(${column}) AS value FROM ${table} WHERE ${inRange()} SAMPLE BY 1m`,
    windowSeconds: 300,
    reducer: 'mean',
    for: '5m',
  }) as const;

/**
 * Every alert rule, by group. Staleness rules look back a day so that something silent for
 * longer than the window still alerts (a daemon gone for over a day counts as decommissioned).
 */
export const RULE_GROUPS: RuleGroupSpec[] = [
  {
    name: 'collector',
    interval: '30s',
    rules: [
      {
        uid: 'tw-collector-heartbeat',
        title: 'Collector heartbeat missing',
        severity: 'critical',
        sql: `SELECT $__toTime AS time, collector, env, datediff('s', timestamp, $__toTime) AS value
              FROM ${latest(`${hb}`, `${hb.c.timestamp}, ${hb.c.collector}, ${hb.c.env}`, `${hb.c.collector}, ${hb.c.env}`)}`,
        windowSeconds: LATEST_WINDOW_S,
        reducer: 'last',
        threshold: { type: 'gt', params: [THRESHOLDS.heartbeatStaleSeconds] },
        for: '0s',
        // No heartbeat at all in QuestDB: no collector, no shipping or no QuestDB. Page.
        noDataState: 'Alerting',
        summary: 'No heartbeat from collector {{ $labels.collector }} for {{ $values.B.Value }} s',
        description: `The newest heartbeat of collector {{ $labels.collector }} ({{ $labels.env }}) in QuestDB is older than ${THRESHOLDS.heartbeatStaleSeconds} s (it writes one every 10 s): the collector is down, its shipper is stuck or QuestDB stalled. With no heartbeat at all the rule fires without labels.`,
        panel: { dashboard: healthDashboard, title: 'Collector heartbeat age' },
      },
    ],
  },
  {
    name: 'daemons',
    interval: '30s',
    rules: [
      {
        uid: 'tw-daemon-down',
        title: 'Daemon down or stale',
        severity: 'critical',
        sql: `SELECT $__toTime AS time, host, env,
                CASE WHEN NOT running THEN 2 WHEN timestamp < dateadd('s', -${stale}, $__toTime) THEN 1 ELSE 0 END AS value
              FROM ${latest(`${d}`, `${d.c.timestamp}, ${d.c.host}, ${d.c.env}, ${d.c.running}`, `${d.c.host}, ${d.c.env}`)}`,
        windowSeconds: LATEST_WINDOW_S,
        reducer: 'last',
        threshold: { type: 'gt', params: [0] },
        for: '0s',
        summary: 'Daemon {{ $labels.host }} ({{ $labels.env }}) is down or stale',
        description: `Daemon {{ $labels.host }} in {{ $labels.env }} reported running = false, or the collector marked it silent (value 2; its last error says "silent: no report for …"), or sent no status sample for ${stale} s (value 1).`,
        panel: { dashboard: healthDashboard, title: 'Running state' },
      },
      {
        uid: 'tw-daemon-memory',
        title: 'Daemon memory high',
        severity: 'warning',
        ...sustainedAverage(`${d}`, `${d.c.host}, ${d.c.env}`, d.c.memory_rss_bytes),
        threshold: { type: 'gt', params: [THRESHOLDS.memoryBytes.warning] },
        summary: 'Daemon {{ $labels.host }} uses more than ' + gib(THRESHOLDS.memoryBytes.warning) + ' of memory',
        description: `Resident memory of {{ $labels.host }} ({{ $labels.env }}) averaged {{ humanize1024 $values.B.Value }}B over 5 minutes (limit ${gib(THRESHOLDS.memoryBytes.warning)}).`,
        panel: { dashboard: healthDashboard, title: 'Memory (RSS)' },
      },
      {
        uid: 'tw-daemon-cpu',
        title: 'Daemon CPU high',
        severity: 'warning',
        ...sustainedAverage(`${d}`, `${d.c.host}, ${d.c.env}`, d.c.cpu_percent),
        threshold: { type: 'gt', params: [THRESHOLDS.cpuPercent.warning] },
        summary: `Daemon {{ $labels.host }} CPU above ${THRESHOLDS.cpuPercent.warning} %`,
        description: `CPU of {{ $labels.host }} ({{ $labels.env }}) averaged {{ humanize $values.B.Value }} % over 5 minutes.`,
        panel: { dashboard: healthDashboard, title: 'CPU' },
      },
      {
        uid: 'tw-daemon-errors',
        title: 'Daemon error rate high',
        severity: 'warning',
        sql: `SELECT $__toTime AS time, host, env, sum(increase) * 60.0 / datediff('s', $__fromTime, $__toTime) AS value
              FROM ${counterIncrease({ table: d, counter: d.c.error_count, series: [d.c.host, d.c.env], where: inRange(), bucket: '1m' })}`,
        windowSeconds: 600,
        reducer: 'last',
        threshold: { type: 'gt', params: [THRESHOLDS.errorsPerMinute.warning] },
        for: '5m',
        summary: `Daemon {{ $labels.host }} logs more than ${THRESHOLDS.errorsPerMinute.warning} error(s) per minute`,
        description: 'Daemon {{ $labels.host }} ({{ $labels.env }}) averaged {{ humanize $values.B.Value }} errors per minute over 10 minutes; see its last error on the Health dashboard.',
        panel: { dashboard: healthDashboard, title: 'Error rate' },
      },
    ],
  },
  {
    name: 'exchanges',
    interval: '30s',
    rules: [
      {
        uid: 'tw-exchange-disconnected',
        title: 'Exchange disconnected',
        severity: 'critical',
        sql: `SELECT $__toTime AS time, exchange, host, env, CASE WHEN connected THEN 0 ELSE 1 END AS value
              FROM ${latest(`${x}`, `${x.c.timestamp}, ${x.c.exchange}, ${x.c.host}, ${x.c.env}, ${x.c.connected}`, `${x.c.exchange}, ${x.c.host}`)}`,
        windowSeconds: LATEST_WINDOW_S,
        reducer: 'last',
        threshold: { type: 'gt', params: [0] },
        for: '0s',
        summary: 'Exchange {{ $labels.exchange }} disconnected (seen from {{ $labels.host }})',
        description: 'The WebSocket feed of {{ $labels.exchange }} probed from {{ $labels.host }} ({{ $labels.env }}) is disconnected.',
        panel: { dashboard: exchangeDashboard, title: 'Connection status' },
      },
      {
        uid: 'tw-exchange-stale',
        title: 'Exchange feed stale',
        severity: 'warning',
        sql: `SELECT $__toTime AS time, exchange, host, env,
                CASE WHEN connected THEN datediff('s', coalesce(last_message_at, timestamp), $__toTime) ELSE 0 END AS value
              FROM ${latest(`${x}`, `${x.c.timestamp}, ${x.c.exchange}, ${x.c.host}, ${x.c.env}, ${x.c.connected}, ${x.c.last_message_at}`, `${x.c.exchange}, ${x.c.host}`)}`,
        windowSeconds: LATEST_WINDOW_S,
        reducer: 'last',
        threshold: { type: 'gt', params: [stale] },
        for: '0s',
        summary: 'Exchange {{ $labels.exchange }} feed silent (seen from {{ $labels.host }})',
        description: `{{ $labels.exchange }} is connected from {{ $labels.host }} but its last message (or status sample) is {{ $values.B.Value }} s old (limit ${stale} s).`,
        panel: { dashboard: exchangeDashboard, title: 'Last message age' },
      },
      {
        uid: 'tw-exchange-latency',
        title: 'Exchange latency high',
        severity: 'warning',
        ...sustainedAverage(`${x}`, `${x.c.exchange}, ${x.c.host}, ${x.c.env}`, x.c.latency_ms),
        threshold: { type: 'gt', params: [THRESHOLDS.latencyMs.warning] },
        summary: `Exchange {{ $labels.exchange }} latency above ${THRESHOLDS.latencyMs.warning} ms`,
        description: 'WebSocket round trip to {{ $labels.exchange }} from {{ $labels.host }} averaged {{ humanize $values.B.Value }} ms over 5 minutes.',
        panel: { dashboard: exchangeDashboard, title: 'WebSocket latency' },
      },
      {
        uid: 'tw-exchange-reconnects',
        title: 'Exchange reconnect storm',
        severity: 'warning',
        sql: `SELECT $__toTime AS time, exchange, host, env, sum(increase) AS value
              FROM ${counterIncrease({ table: x, counter: x.c.reconnect_count, series: [x.c.exchange, x.c.host], keep: [x.c.env], where: inRange(), bucket: '1m' })}`,
        windowSeconds: 600,
        reducer: 'last',
        threshold: { type: 'gt', params: [THRESHOLDS.reconnectsPer10m.warning] },
        for: '0s',
        summary: 'Exchange {{ $labels.exchange }} keeps reconnecting (seen from {{ $labels.host }})',
        description: `{{ $labels.exchange }} reconnected {{ $values.B.Value }} times in 10 minutes from {{ $labels.host }} (limit ${THRESHOLDS.reconnectsPer10m.warning}).`,
        panel: { dashboard: exchangeDashboard, title: 'Reconnections' },
      },
      {
        uid: 'tw-exchange-rest-errors',
        title: 'Exchange REST error rate high',
        severity: 'warning',
        // Below restMinCalls calls the share says little: 0.
        sql: `SELECT $__toTime AS time, exchange, host, env,
                CASE WHEN sum(${a.c.calls}) >= ${THRESHOLDS.restMinCalls}
                     THEN 100.0 * sum(CASE WHEN ${a.c.outcome} != ${literal('ok')} THEN ${a.c.calls} ELSE 0 END) / sum(${a.c.calls})
                     ELSE 0 END AS value
              FROM ${a} WHERE ${inRange()} AND NOT ${a.c.method} LIKE ${literal('watch%')}`,
        windowSeconds: 600,
        reducer: 'last',
        threshold: { type: 'gt', params: [THRESHOLDS.restErrorPercent.warning] },
        for: '2m',
        summary: `Exchange {{ $labels.exchange }} fails more than ${THRESHOLDS.restErrorPercent.warning} % of REST calls (seen from {{ $labels.host }})`,
        description: `{{ humanize $values.B.Value }} % of the REST calls {{ $labels.host }} ({{ $labels.env }}) made to {{ $labels.exchange }} in 10 minutes failed (at least ${THRESHOLDS.restMinCalls} calls); see the errors by ccxt class.`,
        panel: { dashboard: exchangeDashboard, title: 'REST error rate by method' },
      },
      {
        uid: 'tw-exchange-rate-limit',
        title: 'Exchange rate-limit storm',
        severity: 'warning',
        sql: `SELECT $__toTime AS time, exchange, host, env, sum(CASE WHEN ${a.c.outcome} IN (${literal('RateLimitExceeded')}, ${literal('DDoSProtection')}) THEN ${a.c.calls} ELSE 0 END) AS value
              FROM ${a} WHERE ${inRange()}`,
        windowSeconds: 300,
        reducer: 'last',
        threshold: { type: 'gt', params: [THRESHOLDS.rateLimitedPer5m.warning] },
        for: '0s',
        summary: 'Exchange {{ $labels.exchange }} is rate-limiting {{ $labels.host }}',
        description: `{{ $labels.exchange }} refused {{ $values.B.Value }} calls from {{ $labels.host }} ({{ $labels.env }}) for rate limits (RateLimitExceeded, DDoSProtection) in 5 minutes (limit ${THRESHOLDS.rateLimitedPer5m.warning}).`,
        panel: { dashboard: exchangeDashboard, title: 'API errors by ccxt class' },
      },
    ],
  },
  {
    name: 'pipeline',
    interval: '1m',
    rules: [
      {
        uid: 'tw-pipeline-gap',
        title: 'Pipeline data gap',
        severity: 'warning',
        sql: `SELECT $__toTime AS time, exchange, data_type, host, sum(CASE WHEN ${p.c.gap_detected} THEN 1 ELSE 0 END) AS value
              FROM ${p} WHERE ${inRange()}`,
        windowSeconds: 900,
        reducer: 'last',
        threshold: { type: 'gt', params: [0] },
        for: '0s',
        summary: 'Data gap in {{ $labels.data_type }} from {{ $labels.exchange }}',
        description: '{{ $labels.host }} detected {{ $values.B.Value }} gap(s) in {{ $labels.exchange }} {{ $labels.data_type }} data in the last 15 minutes.',
        panel: { dashboard: pipelineDashboard, title: 'Data gaps' },
      },
      {
        uid: 'tw-pipeline-oi-stalled',
        title: 'OI fetches stalled',
        severity: 'critical',
        // A silence row (gap, nothing fetched) is not a fetch: the series was last active
        // gap_duration_seconds before it, so the minutes keep growing while the silence lasts.
        sql: `SELECT $__toTime AS time, exchange, host,
                (datediff('s', timestamp, $__toTime)
                 + CASE WHEN ${p.c.gap_detected} AND ${p.c.records_count} = 0 THEN coalesce(${p.c.gap_duration_seconds}, 0) ELSE 0 END) / 60.0 AS value
              FROM ${latest(`${p}`, `${p.c.timestamp}, ${p.c.exchange}, ${p.c.host}, ${p.c.gap_detected}, ${p.c.records_count}, ${p.c.gap_duration_seconds}`, `${p.c.exchange}, ${p.c.host}`, `${inRange()} AND ${p.c.data_type} = ${literal('oi')}`)}`,
        windowSeconds: LATEST_WINDOW_S,
        reducer: 'last',
        threshold: { type: 'gt', params: [THRESHOLDS.oiStalledMinutes] },
        for: '0s',
        summary: 'No open-interest fetch from {{ $labels.exchange }} for {{ humanize $values.B.Value }} minutes',
        description: `{{ $labels.host }} has recorded no OI fetch from {{ $labels.exchange }} for more than ${THRESHOLDS.oiStalledMinutes} minutes.`,
        panel: { dashboard: pipelineDashboard, title: 'OI fetches per hour' },
      },
    ],
  },
  {
    name: 'trading',
    interval: '30s',
    rules: [
      {
        uid: 'tw-trading-drawdown-warning',
        title: 'Strategy drawdown warning',
        severity: 'warning',
        sql: drawdownSql(),
        windowSeconds: 900,
        reducer: 'last',
        // A band, so that a critical drawdown is not also notified as a warning.
        threshold: { type: 'within_range', params: [THRESHOLDS.drawdownPercent.warning, THRESHOLDS.drawdownPercent.critical] },
        for: '1m',
        summary: `Strategy {{ $labels.strategy }} drawdown above ${THRESHOLDS.drawdownPercent.warning} %`,
        description: 'Strategy {{ $labels.strategy }} ({{ $labels.env }}) is {{ humanize $values.B.Value }} % below its peak equity.',
        panel: { dashboard: tradingDashboard, title: 'Drawdown' },
      },
      {
        uid: 'tw-trading-drawdown-critical',
        title: 'Strategy drawdown critical',
        severity: 'critical',
        sql: drawdownSql(),
        windowSeconds: 900,
        reducer: 'last',
        threshold: { type: 'gt', params: [THRESHOLDS.drawdownPercent.critical] },
        for: '0s',
        summary: `Strategy {{ $labels.strategy }} drawdown above ${THRESHOLDS.drawdownPercent.critical} %`,
        description: 'Strategy {{ $labels.strategy }} ({{ $labels.env }}) is {{ humanize $values.B.Value }} % below its peak equity.',
        panel: { dashboard: tradingDashboard, title: 'Drawdown' },
      },
      {
        uid: 'tw-trading-silent',
        title: 'Strategy silent',
        severity: 'critical',
        // The collector writes a row without figures (position_size NULL) for a silent strategy.
        sql: `SELECT $__toTime AS time, strategy, symbol, venue, env, CASE WHEN ${t.c.position_size} IS NULL THEN 1 ELSE 0 END AS value
              FROM ${latest(`${t}`, `${t.c.timestamp}, ${t.c.strategy}, ${t.c.symbol}, ${t.c.venue}, ${t.c.env}, ${t.c.position_size}`, `${t.c.strategy}, ${t.c.symbol}, ${t.c.venue}, ${t.c.env}`)}`,
        windowSeconds: LATEST_WINDOW_S,
        reducer: 'last',
        threshold: { type: 'gt', params: [0] },
        for: '0s',
        summary: 'Strategy {{ $labels.strategy }} ({{ $labels.symbol }} on {{ $labels.venue }}) stopped reporting',
        description: 'The collector marked strategy {{ $labels.strategy }} ({{ $labels.env }}) silent on {{ $labels.symbol }} / {{ $labels.venue }}: no report within its cadence × tolerance. Its PnL and exposure are unknown.',
        panel: { dashboard: tradingDashboard, title: 'PnL now' },
      },
    ],
  },
];

function drawdownSql(): string {
  return `SELECT $__toTime AS time, strategy, env, max(drawdown) AS value
          FROM ${latest(`${t}`, `${t.c.timestamp}, ${t.c.strategy}, ${t.c.env}, ${t.c.drawdown}`, `${t.c.strategy}, ${t.c.symbol}, ${t.c.venue}, ${t.c.env}`)}`;
}
