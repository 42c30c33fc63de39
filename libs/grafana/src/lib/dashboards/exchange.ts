import * as units from '@grafana/grafana-foundation-sdk/units';
import { defineDashboard } from '../dashboard-kit';
import { barGaugePanel, stateTimelinePanel, timeSeriesPanel, trafficLightPanel } from '../panels';
import { average } from '../sql/aggregates';
import { rollupCounterIncrease } from '../sql/counter-rate';
import { rollupSeriesQuery, tableQuery, timeSeriesQuery } from '../sql/questdb-query';
import { apiCalls as a, exchange as x, exchange1m as x1, literal } from '../sql/registry-sql';
import { variableFilters } from '../sql/variables';
import { THRESHOLDS } from '../thresholds';
import { columnVariable, envVariable } from '../variables';

const where = `$__timeFilter(${x.c.timestamp}) AND ${variableFilters(x, ['env', 'host', 'exchange'])}`;
/** The same filter over the 1-minute rollup, which every aggregate over time reads. */
const where1m = `$__timeFilter(${x1.c.timestamp}) AND ${variableFilters(x1, ['env', 'host', 'exchange'])}`;

/**
 * REST calls of the CCXT instrumentation (exchange_api_calls): `watch*` methods are WebSocket
 * subscriptions, not REST requests.
 */
const restWhere = `$__timeFilter(${a.c.timestamp}) AND ${variableFilters(a, ['env', 'host', 'exchange'])} AND NOT ${a.c.method} LIKE ${literal('watch%')}`;
const failed = `CASE WHEN ${a.c.outcome} != ${literal('ok')} THEN ${a.c.calls} ELSE 0 END`;

/** The latest sample of every (exchange, probing host) feed in the range. */
const latestFeeds = (columns: string) => `(
  SELECT ${columns} FROM ${x}
  WHERE ${where}
  LATEST ON timestamp PARTITION BY ${x.c.exchange}, ${x.c.host}
)`;

export const exchangeDashboard = defineDashboard({
  uid: 'tradewatch-exchange',
  title: 'Tradewatch / Exchange connectivity',
  description: 'Exchange WebSocket feeds: connection state, latency, reconnections, last message age, downtime.',
  file: 'exchange',
  refresh: '10s',
  from: 'now-6h',
  variables: [
    envVariable(),
    columnVariable(x, 'host', 'Host', ['env']),
    columnVariable(x, 'exchange', 'Exchange', ['env']),
  ],
  panels: [
    trafficLightPanel({
      title: 'Connection status',
      description: `Per exchange (worst probing host): CONNECTED, STALE (connected but no message or no sample for ${THRESHOLDS.staleSeconds} s) or DISCONNECTED.`,
      span: 24,
      height: 5,
      field: 'status',
      states: [
        { value: 0, text: 'DISCONNECTED', color: 'red' },
        { value: 1, text: 'STALE', color: 'orange' },
        { value: 2, text: 'CONNECTED', color: 'green' },
      ],
      query: tableQuery(`
        SELECT exchange, min(status) AS status FROM (
          SELECT exchange,
            CASE WHEN NOT connected THEN 0
                 WHEN timestamp < dateadd('s', -${THRESHOLDS.staleSeconds}, $__toTime)
                   OR last_message_at IS NULL
                   OR last_message_at < dateadd('s', -${THRESHOLDS.staleSeconds}, $__toTime) THEN 1
                 ELSE 2 END AS status
          FROM ${latestFeeds(`${x.c.timestamp}, ${x.c.exchange}, ${x.c.connected}, ${x.c.last_message_at}`)}
        ) ORDER BY exchange
      `),
    }),
    timeSeriesPanel({
      title: 'WebSocket latency',
      description: 'Ping round-trip per exchange; dashed lines are the latency alert levels.',
      span: 12,
      unit: units.Milliseconds,
      min: 0,
      levels: THRESHOLDS.latencyMs,
      query: rollupSeriesQuery(x1, `
        SELECT timestamp, ${x1.c.exchange}, ${average(x1.c.latency_sum, x1.c.latency_samples)} AS latency_ms
        FROM ${x1} WHERE ${where1m}
        SAMPLE BY $__sampleByInterval
      `),
    }),
    timeSeriesPanel({
      title: 'Reconnections',
      description: 'Reconnects per exchange in each interval, from the cumulative counter (collector restarts handled).',
      span: 12,
      unit: 'short',
      min: 0,
      bars: true,
      query: rollupSeriesQuery(x1, `
        SELECT timestamp, exchange, sum(increase) AS reconnects
        FROM ${rollupCounterIncrease({ rollup: x1, counter: 'reconnects', series: [x1.c.exchange, x1.c.host], where: where1m })}
        ORDER BY timestamp
      `),
    }),
    barGaugePanel({
      title: 'Last message age',
      description: `Seconds since the last message per exchange (oldest probing host), at the end of the range; stale after ${THRESHOLDS.staleSeconds} s.`,
      span: 8,
      unit: units.Seconds,
      min: 0,
      field: 'age_seconds',
      levels: { warning: THRESHOLDS.staleSeconds / 2, critical: THRESHOLDS.staleSeconds },
      query: tableQuery(`
        SELECT exchange, max(datediff('s', last_message_at, $__toTime)) AS age_seconds
        FROM ${latestFeeds(`${x.c.timestamp}, ${x.c.exchange}, ${x.c.last_message_at}`)}
        ORDER BY exchange
      `),
    }),
    stateTimelinePanel({
      title: 'Downtime',
      description: 'Per exchange: red where any probing host saw the feed disconnected.',
      span: 16,
      displayName: '${__field.labels.exchange}',
      states: [
        { value: 0, text: 'DOWN', color: 'red' },
        { value: 1, text: 'UP', color: 'green' },
      ],
      // Up only when every sample of the interval was connected.
      query: rollupSeriesQuery(x1, `
        SELECT timestamp, ${x1.c.exchange}, CASE WHEN sum(${x1.c.connected_samples}) = sum(${x1.c.samples}) THEN 1 ELSE 0 END AS up
        FROM ${x1} WHERE ${where1m}
        SAMPLE BY $__sampleByInterval
      `),
    }),
    timeSeriesPanel({
      title: 'REST latency by method',
      description: 'Average latency of REST calls per exchange and ccxt method (weighted by calls), from the CCXT instrumentation.',
      span: 12,
      unit: units.Milliseconds,
      min: 0,
      displayName: '${__field.labels.exchange} ${__field.labels.method}',
      query: timeSeriesQuery(`
        SELECT timestamp, ${a.c.exchange}, ${a.c.method}, sum(${a.c.latency_ms_avg} * ${a.c.calls}) / sum(${a.c.calls}) AS latency_ms
        FROM ${a} WHERE ${restWhere}
        SAMPLE BY $__sampleByInterval
      `),
    }),
    timeSeriesPanel({
      title: 'REST error rate by method',
      description: `Share of REST calls that failed (any ccxt error) per exchange and method; the alert fires above ${THRESHOLDS.restErrorPercent.warning} % per exchange over 10 minutes.`,
      span: 12,
      unit: units.Percent,
      min: 0,
      levels: { warning: THRESHOLDS.restErrorPercent.warning },
      displayName: '${__field.labels.exchange} ${__field.labels.method}',
      query: timeSeriesQuery(`
        SELECT timestamp, ${a.c.exchange}, ${a.c.method}, 100.0 * sum(${failed}) / sum(${a.c.calls}) AS error_percent
        FROM ${a} WHERE ${restWhere}
        SAMPLE BY $__sampleByInterval
      `),
    }),
    timeSeriesPanel({
      title: 'API errors by ccxt class',
      description: 'Failed exchange API calls per ccxt error class (RateLimitExceeded, RequestTimeout, …), all exchanges and methods in the selection.',
      span: 24,
      unit: units.Short,
      min: 0,
      bars: true,
      stacked: true,
      query: timeSeriesQuery(`
        SELECT timestamp, ${a.c.outcome}, sum(${a.c.calls}) AS errors
        FROM ${a} WHERE $__timeFilter(${a.c.timestamp}) AND ${variableFilters(a, ['env', 'host', 'exchange'])} AND ${a.c.outcome} != ${literal('ok')}
        SAMPLE BY $__sampleByInterval
      `),
    }),
  ],
});
