import * as units from '@grafana/grafana-foundation-sdk/units';
import type { DataType } from '@tradewatch/models';
import { defineDashboard } from '../dashboard-kit';
import { barGaugePanel, stateTimelinePanel, tablePanel, timeSeriesPanel } from '../panels';
import { average } from '../sql/aggregates';
import { PER_HOUR, PER_MINUTE, perTime } from '../sql/counter-rate';
import { rollupSeriesQuery, tableQuery } from '../sql/questdb-query';
import { daemon1m as d1, literal, pipeline as p, pipeline1m as p1 } from '../sql/registry-sql';
import { variableFilters } from '../sql/variables';
import { THRESHOLDS } from '../thresholds';
import { columnVariable, envVariable } from '../variables';

const where = `$__timeFilter(${p.c.timestamp}) AND ${variableFilters(p, ['env', 'host', 'exchange'])}`;
/** The same filter over the 1-minute rollup, which every aggregate over time reads. */
const where1m = `$__timeFilter(${p1.c.timestamp}) AND ${variableFilters(p1, ['env', 'host', 'exchange'])}`;
const ofType = (t: DataType) => `${p1.c.data_type} = ${literal(t)}`;

/** Fetch rows (one per exchange, symbol and fetch interval) of one data type per hour, per exchange. */
const fetchesPerHour = (t: DataType) =>
  rollupSeriesQuery(p1, `
    SELECT timestamp, ${p1.c.exchange}, ${perTime(`sum(${p1.c.fetches})`, PER_HOUR)} AS fetches_per_hour
    FROM ${p1} WHERE ${where1m} AND ${ofType(t)}
    SAMPLE BY $__sampleByInterval
  `);

export const pipelineDashboard = defineDashboard({
  uid: 'tradewatch-pipeline',
  title: 'Tradewatch / Pipeline',
  description: 'Data pipeline: OI and funding fetches, liquidations, data gaps, storage, throughput and latency.',
  file: 'pipeline',
  refresh: '1m',
  from: 'now-24h',
  variables: [
    envVariable(),
    columnVariable(p, 'host', 'Host', ['env']),
    columnVariable(p, 'exchange', 'Exchange', ['env']),
  ],
  panels: [
    timeSeriesPanel({
      title: 'OI fetches per hour',
      description: 'Open-interest fetches per hour per exchange (all symbols).',
      span: 12,
      unit: 'short',
      min: 0,
      bars: true,
      query: fetchesPerHour('oi'),
    }),
    timeSeriesPanel({
      title: 'Funding fetches per hour',
      description: 'Funding-rate fetches per hour per exchange (all symbols).',
      span: 12,
      unit: 'short',
      min: 0,
      bars: true,
      query: fetchesPerHour('funding'),
    }),
    timeSeriesPanel({
      title: 'Liquidations per minute',
      description: 'Liquidation records received per minute per exchange.',
      span: 12,
      unit: 'short',
      min: 0,
      stacked: true,
      query: rollupSeriesQuery(p1, `
        SELECT timestamp, ${p1.c.exchange}, ${perTime(`sum(${p1.c.records})`, PER_MINUTE)} AS liquidations_per_minute
        FROM ${p1} WHERE ${where1m} AND ${ofType('liquidation')}
        SAMPLE BY $__sampleByInterval
      `),
    }),
    timeSeriesPanel({
      title: 'Parquet storage size',
      description: "Size of each daemon's Parquet store on disk.",
      span: 12,
      unit: units.BytesIEC,
      min: 0,
      query: rollupSeriesQuery(d1, `
        SELECT timestamp, ${d1.c.host}, max(${d1.c.parquet_bytes_max}) AS parquet_bytes
        FROM ${d1} WHERE $__timeFilter(${d1.c.timestamp}) AND ${variableFilters(d1, ['env', 'host'])}
        SAMPLE BY $__sampleByInterval
      `),
    }),
    stateTimelinePanel({
      title: 'Data gaps',
      description: 'Feeds (exchange and data type) with detected gaps in the range: red where a gap was detected, green between.',
      span: 24,
      height: 7,
      displayName: '${__field.labels.exchange} ${__field.labels.data_type}',
      states: [
        { value: 0, text: 'OK', color: 'green' },
        { value: 1, text: 'GAP', color: 'red' },
      ],
      // Only minutes with gaps are read; FILL(0) supplies the OK buckets between them. QuestDB
      // has no FROM-TO fill for keyed SAMPLE BY, so OK rows at the range's start, one interval
      // after the last gap bucket and at its end make every feed's timeline span the range.
      query: rollupSeriesQuery(p1, `
        WITH gaps AS (
          SELECT timestamp, ${p1.c.exchange}, ${p1.c.data_type}, max(CASE WHEN ${p1.c.gaps} > 0 THEN 1 ELSE 0 END) AS gap
          FROM ${p1} WHERE ${where1m} AND ${p1.c.gaps} > 0
          SAMPLE BY $__sampleByInterval FILL(0)
        ), feeds AS (SELECT DISTINCT exchange, data_type FROM gaps),
        after AS (SELECT dateadd('T', $__interval_ms, max(timestamp)) AS timestamp FROM gaps)
        SELECT timestamp, exchange, data_type, max(gap) AS gap FROM (
          SELECT timestamp, exchange, data_type, gap FROM gaps
          UNION ALL SELECT $__fromTime AS timestamp, exchange, data_type, 0 AS gap FROM feeds
          UNION ALL SELECT after.timestamp, exchange, data_type, 0 AS gap FROM feeds CROSS JOIN after WHERE after.timestamp < $__toTime
          UNION ALL SELECT $__toTime AS timestamp, exchange, data_type, 0 AS gap FROM feeds
        ) GROUP BY timestamp, exchange, data_type ORDER BY timestamp
      `),
    }),
    timeSeriesPanel({
      title: 'Throughput by exchange',
      description: 'Records written per second per exchange.',
      span: 12,
      unit: units.OpsPerSecond,
      min: 0,
      query: rollupSeriesQuery(p1, `
        SELECT timestamp, ${p1.c.exchange}, ${perTime(`sum(${p1.c.records})`, 1000)} AS records_per_second
        FROM ${p1} WHERE ${where1m}
        SAMPLE BY $__sampleByInterval
      `),
    }),
    timeSeriesPanel({
      title: 'Fetch latency by exchange',
      description: 'Average fetch latency per exchange; dashed lines are the latency alert levels.',
      span: 12,
      unit: units.Milliseconds,
      min: 0,
      levels: THRESHOLDS.latencyMs,
      query: rollupSeriesQuery(p1, `
        SELECT timestamp, ${p1.c.exchange}, ${average(p1.c.latency_sum, p1.c.latency_samples)} AS latency_ms
        FROM ${p1} WHERE ${where1m}
        SAMPLE BY $__sampleByInterval
      `),
    }),
    tablePanel({
      title: 'Recent gaps',
      description: 'The latest 100 detected gaps with their duration.',
      span: 16,
      sortBy: p.c.timestamp,
      query: tableQuery(`
        SELECT ${p.c.timestamp}, ${p.c.exchange}, ${p.c.symbol}, ${p.c.data_type}, ${p.c.host}, ${p.c.gap_duration_seconds}
        FROM ${p} WHERE ${where} AND ${p.c.gap_detected}
        ORDER BY timestamp DESC LIMIT 100
      `),
    }),
    barGaugePanel({
      title: 'Average fetch latency',
      description: 'Average fetch latency per exchange over the range.',
      span: 8,
      unit: units.Milliseconds,
      min: 0,
      field: 'latency_ms',
      levels: THRESHOLDS.latencyMs,
      query: tableQuery(`
        SELECT ${p1.c.exchange}, ${average(p1.c.latency_sum, p1.c.latency_samples)} AS latency_ms
        FROM ${p1} WHERE ${where1m}
        ORDER BY exchange
      `),
    }),
  ],
});
