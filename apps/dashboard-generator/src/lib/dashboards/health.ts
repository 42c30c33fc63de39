import * as units from '@grafana/grafana-foundation-sdk/units';
import { defineDashboard } from '../dashboard-kit';
import { statPanel, tablePanel, timeSeriesPanel, trafficLightPanel } from '../panels';
import { counterIncrease, PER_MINUTE, perTime } from '../sql/counter-rate';
import { tableQuery, timeSeriesQuery } from '../sql/questdb-query';
import { daemon as d } from '../sql/registry-sql';
import { variableFilters } from '../sql/variables';
import { THRESHOLDS } from '../thresholds';
import { columnVariable, envVariable } from '../variables';

const where = `$__timeFilter(${d.c.timestamp}) AND ${variableFilters(d, ['env', 'host'])}`;

/** Per-minute rate of a daemon counter per host, right across daemon restarts. */
const counterPerMinute = (counter: 'fetch_count' | 'error_count', alias: string) =>
  timeSeriesQuery(`
    SELECT timestamp, host, ${perTime('sum(increase)', PER_MINUTE)} AS ${alias}
    FROM ${counterIncrease({ table: d, counter: d.c[counter], series: [d.c.host, d.c.env], where })}
    ORDER BY timestamp
  `);

export const healthDashboard = defineDashboard({
  uid: 'tradewatch-health',
  title: 'Tradewatch / Health',
  description: 'Data-pipeline daemons: running state, uptime, memory, CPU, errors and fetch rate.',
  file: 'health',
  refresh: '30s',
  from: 'now-6h',
  variables: [envVariable(), columnVariable(d, 'host', 'Host', ['env'])],
  panels: [
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
          LATEST ON timestamp PARTITION BY ${d.c.host}
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
          LATEST ON timestamp PARTITION BY ${d.c.host}
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
      query: timeSeriesQuery(`
        SELECT timestamp, ${d.c.host}, max(${d.c.memory_rss_bytes}) AS memory_rss
        FROM ${d} WHERE ${where}
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
      query: timeSeriesQuery(`
        SELECT timestamp, ${d.c.host}, avg(${d.c.cpu_percent}) AS cpu
        FROM ${d} WHERE ${where}
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
      query: counterPerMinute('error_count', 'errors_per_minute'),
    }),
    timeSeriesPanel({
      title: 'Fetch rate',
      description: 'Fetches per minute per daemon from the cumulative fetch counter (restarts handled).',
      span: 12,
      unit: units.OpsPerMinute,
      min: 0,
      query: counterPerMinute('fetch_count', 'fetches_per_minute'),
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
          LATEST ON timestamp PARTITION BY ${d.c.host}
        ) ORDER BY last_error_at DESC
      `),
    }),
  ],
});
