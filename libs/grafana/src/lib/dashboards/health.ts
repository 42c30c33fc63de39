import * as units from '@grafana/grafana-foundation-sdk/units';
import { defineDashboard } from '../dashboard-kit';
import { statPanel, tablePanel, timeSeriesPanel, trafficLightPanel } from '../panels';
import { average } from '../sql/aggregates';
import { PER_MINUTE, perTime, rollupCounterIncrease } from '../sql/counter-rate';
import { rollupSeriesQuery, tableQuery, timeSeriesQuery } from '../sql/questdb-query';
import { daemon as d, daemon1m as d1, heartbeat as hb } from '../sql/registry-sql';
import { variableFilters } from '../sql/variables';
import { THRESHOLDS } from '../thresholds';
import { columnVariable, envVariable } from '../variables';

// A daemon is (host, env), its dedup key. Partitioning LATEST ON by host alone would also hit a
// QuestDB 9.3.4 bug: with a filter on the single partition column, a value with a quote ('')
// matches nothing; with two partition columns it matches.
const latestKey = `${d.c.host}, ${d.c.env}`;
const where = `$__timeFilter(${d.c.timestamp}) AND ${variableFilters(d, ['env', 'host'])}`;
/** The same filter over the 1-minute rollup, which every aggregate over time reads. */
const where1m = `$__timeFilter(${d1.c.timestamp}) AND ${variableFilters(d1, ['env', 'host'])}`;

/** Per-minute rate of a daemon counter per host, right across daemon restarts. */
const counterPerMinute = (counter: 'fetches' | 'errors', alias: string) =>
  rollupSeriesQuery(d1, `
    SELECT timestamp, host, ${perTime('sum(increase)', PER_MINUTE)} AS ${alias}
    FROM ${rollupCounterIncrease({ rollup: d1, counter, series: [d1.c.host, d1.c.env], where: where1m })}
    ORDER BY timestamp
  `);

export const healthDashboard = defineDashboard({
  uid: 'tradewatch-health',
  title: 'Tradewatch / Health',
  description: 'Data-pipeline daemons: running state, uptime, memory, CPU, errors and fetch rate; the collectors\' own heartbeat.',
  file: 'health',
  refresh: '30s',
  from: 'now-6h',
  variables: [envVariable(), columnVariable(d, 'host', 'Host', ['env'])],
  panels: [
    statPanel({
      title: 'Collector heartbeat age',
      description: `Seconds since each collector's newest heartbeat reached QuestDB (written every 10 s through the spool); over ${THRESHOLDS.heartbeatStaleSeconds} s the collector, its shipper or QuestDB is stuck.`,
      span: 12,
      height: 5,
      unit: units.Seconds,
      field: 'age_seconds',
      levels: { warning: THRESHOLDS.heartbeatStaleSeconds / 2, critical: THRESHOLDS.heartbeatStaleSeconds },
      query: tableQuery(`
        SELECT collector, datediff('s', timestamp, $__toTime) AS age_seconds FROM (
          SELECT ${hb.c.timestamp}, ${hb.c.collector} FROM ${hb}
          WHERE $__timeFilter(${hb.c.timestamp}) AND ${variableFilters(hb, ['env'])}
          LATEST ON timestamp PARTITION BY ${hb.c.collector}, ${hb.c.env}
        ) ORDER BY collector
      `),
    }),
    timeSeriesPanel({
      title: 'Spool backlog',
      description: 'Rows each collector holds in its spool, not yet in QuestDB (from its heartbeat).',
      span: 12,
      height: 5,
      unit: units.Short,
      min: 0,
      query: timeSeriesQuery(`
        SELECT timestamp, ${hb.c.collector}, max(${hb.c.spool_backlog_rows}) AS backlog_rows
        FROM ${hb} WHERE $__timeFilter(${hb.c.timestamp}) AND ${variableFilters(hb, ['env'])}
        SAMPLE BY $__sampleByInterval
      `),
    }),
    trafficLightPanel({
      title: 'Running state',
      description: `Latest sample per daemon: UP, STALE (no sample for ${THRESHOLDS.staleSeconds} s before the end of the range) or DOWN (running = false).`,
      span: 12,
      height: 5,
      field: 'state',
      states: [
        { value: 0, text: 'DOWN', color: 'red' },
        { value: 1, text: 'STALE', color: 'orange' },
        { value: 2, text: 'UP', color: 'green' },
      ],
      query: tableQuery(`
        SELECT host, state FROM (
          SELECT ${d.c.host},
            CASE WHEN NOT ${d.c.running} THEN 0
                 WHEN ${d.c.timestamp} < dateadd('s', -${THRESHOLDS.staleSeconds}, $__toTime) THEN 1
                 ELSE 2 END AS state
          FROM ${d}
          WHERE ${where}
          LATEST ON timestamp PARTITION BY ${latestKey}
        ) ORDER BY host
      `),
    }),
    statPanel({
      title: 'Uptime',
      description: 'Seconds since each daemon started (latest sample).',
      span: 12,
      height: 5,
      unit: units.Seconds,
      field: d.c.uptime_seconds,
      query: tableQuery(`
        SELECT host, uptime_seconds FROM (
          SELECT ${d.c.host}, ${d.c.uptime_seconds} FROM ${d}
          WHERE ${where}
          LATEST ON timestamp PARTITION BY ${latestKey}
        ) ORDER BY host
      `),
    }),
    timeSeriesPanel({
      title: 'Memory (RSS)',
      description: 'Resident memory per daemon; dashed lines are the warning and critical alert levels.',
      span: 12,
      unit: units.BytesIEC,
      min: 0,
      levels: THRESHOLDS.memoryBytes,
      query: rollupSeriesQuery(d1, `
        SELECT timestamp, ${d1.c.host}, max(${d1.c.memory_rss_max}) AS memory_rss
        FROM ${d1} WHERE ${where1m}
        SAMPLE BY $__sampleByInterval
      `),
    }),
    timeSeriesPanel({
      title: 'CPU',
      description: 'CPU use per daemon (100 % = one core); dashed lines are the alert levels.',
      span: 12,
      unit: units.Percent,
      min: 0,
      levels: THRESHOLDS.cpuPercent,
      query: rollupSeriesQuery(d1, `
        SELECT timestamp, ${d1.c.host}, ${average(d1.c.cpu_sum, d1.c.cpu_samples)} AS cpu
        FROM ${d1} WHERE ${where1m}
        SAMPLE BY $__sampleByInterval
      `),
    }),
    timeSeriesPanel({
      title: 'Error rate',
      description: 'Errors per minute per daemon from the cumulative error counter (restarts handled); dashed lines are the alert levels.',
      span: 12,
      unit: units.OpsPerMinute,
      min: 0,
      levels: THRESHOLDS.errorsPerMinute,
      query: counterPerMinute('errors', 'errors_per_minute'),
    }),
    timeSeriesPanel({
      title: 'Fetch rate',
      description: 'Fetches per minute per daemon from the cumulative fetch counter (restarts handled).',
      span: 12,
      unit: units.OpsPerMinute,
      min: 0,
      query: counterPerMinute('fetches', 'fetches_per_minute'),
    }),
    tablePanel({
      title: 'Last error',
      description: 'The latest error each daemon reported in the range, and when it happened.',
      span: 24,
      height: 7,
      sortBy: d.c.last_error_at,
      query: tableQuery(`
        SELECT host, last_error_at, last_error FROM (
          SELECT ${d.c.host}, ${d.c.last_error_at}, ${d.c.last_error} FROM ${d}
          WHERE ${where} AND ${d.c.last_error} IS NOT NULL
          LATEST ON timestamp PARTITION BY ${latestKey}
        ) ORDER BY last_error_at DESC
      `),
    }),
  ],
});
