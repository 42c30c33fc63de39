import * as units from '@grafana/grafana-foundation-sdk/units';
import { defineDashboard } from '../dashboard-kit';
import { barGaugePanel, statPanel, timeSeriesPanel } from '../panels';
import { PER_MINUTE, perTime } from '../sql/counter-rate';
import { rollupSeriesQuery, tableQuery, timeSeriesQuery } from '../sql/questdb-query';
import { trading as t, trading1m as t1 } from '../sql/registry-sql';
import { variableFilters } from '../sql/variables';
import { THRESHOLDS } from '../thresholds';
import { columnVariable, envVariable } from '../variables';

const where = `$__timeFilter(${t.c.timestamp}) AND ${variableFilters(t, ['env', 'strategy'])}`;
/** The same filter over the 1-minute rollup, which every aggregate over time reads. */
const where1m = `$__timeFilter(${t1.c.timestamp}) AND ${variableFilters(t1, ['env', 'strategy'])}`;
const position = (r: typeof t | typeof t1) => `${r.c.strategy}, ${r.c.symbol}, ${r.c.venue}, ${r.c.env}`;

/**
 * The latest sample of every position (strategy, symbol, venue, env) in the range, from the raw
 * table (fresh to the second). LATEST ON over four columns scans the whole range, so the scan
 * starts at the oldest position's last minute in the rollup (from one minute before the range, so
 * that a position seen only in the range's first partial minute counts): every position's latest
 * sample is at or after it, and one the rollup has not caught up with yet is newer still.
 */
const latestPositions = (columns: string) => `(
  SELECT ${columns} FROM ${t}
  WHERE ${where} AND ${t.c.timestamp} >= (
    SELECT coalesce(min(timestamp), $__fromTime) FROM (
      SELECT ${t1.c.timestamp} FROM ${t1}
      WHERE ${t1.c.timestamp} >= dateadd('m', -1, $__fromTime) AND ${t1.c.timestamp} <= $__toTime AND ${variableFilters(t1, ['env', 'strategy'])}
      LATEST ON timestamp PARTITION BY ${position(t1)}
    )
  )
  LATEST ON timestamp PARTITION BY ${position(t)}
)`;

export const tradingDashboard = defineDashboard({
  uid: 'tradewatch-trading',
  title: 'Tradewatch / Trading',
  description: 'Live strategies: realized and unrealized PnL, orders, fill rate, exposure per symbol, drawdown.',
  file: 'trading',
  refresh: '5s',
  from: 'now-1h',
  variables: [envVariable(), columnVariable(t, 'strategy', 'Strategy', ['env'])],
  panels: [
    statPanel({
      title: 'PnL now',
      description: 'Realized plus unrealized PnL per strategy at its latest sample.',
      span: 12,
      height: 5,
      unit: units.Dollars,
      field: 'total_pnl',
      query: tableQuery(`
        SELECT strategy, sum(coalesce(pnl, 0) + coalesce(unrealized_pnl, 0)) AS total_pnl
        FROM ${latestPositions(`${t.c.strategy}, ${t.c.pnl}, ${t.c.unrealized_pnl}`)}
        ORDER BY strategy
      `),
    }),
    statPanel({
      title: 'Drawdown now',
      description: 'Largest current drawdown from peak equity per strategy; orange and red at the alert levels.',
      span: 12,
      height: 5,
      unit: units.Percent,
      decimals: 2,
      field: 'drawdown',
      levels: THRESHOLDS.drawdownPercent,
      query: tableQuery(`
        SELECT strategy, max(drawdown) AS drawdown
        FROM ${latestPositions(`${t.c.strategy}, ${t.c.drawdown}`)}
        ORDER BY strategy
      `),
    }),
    timeSeriesPanel({
      title: 'Real-time PnL',
      description: 'Realized and unrealized PnL per strategy (summed over its positions).',
      span: 24,
      unit: units.Dollars,
      query: timeSeriesQuery(`
        SELECT timestamp, strategy, sum(pnl) AS realized, sum(unrealized_pnl) AS unrealized FROM (
          SELECT timestamp, ${t.c.strategy}, ${t.c.symbol}, ${t.c.venue},
            last(${t.c.pnl}) AS pnl, last(${t.c.unrealized_pnl}) AS unrealized_pnl
          FROM ${t} WHERE ${where}
          SAMPLE BY $__sampleByInterval
        ) ORDER BY timestamp
      `),
    }),
    timeSeriesPanel({
      title: 'Orders per minute',
      description: 'Orders placed and filled per minute per strategy.',
      span: 12,
      unit: units.OpsPerMinute,
      min: 0,
      query: rollupSeriesQuery(t1, `
        SELECT timestamp, ${t1.c.strategy},
          ${perTime(`sum(${t1.c.orders_placed})`, PER_MINUTE)} AS placed,
          ${perTime(`sum(${t1.c.orders_filled})`, PER_MINUTE)} AS filled
        FROM ${t1} WHERE ${where1m}
        SAMPLE BY $__sampleByInterval
      `),
    }),
    timeSeriesPanel({
      title: 'Fill rate',
      description: 'Filled / placed orders per strategy in each interval.',
      span: 12,
      unit: units.PercentUnit,
      min: 0,
      max: 1,
      query: rollupSeriesQuery(t1, `
        SELECT timestamp, ${t1.c.strategy}, cast(sum(${t1.c.orders_filled}) AS double) / sum(${t1.c.orders_placed}) AS fill_rate
        FROM ${t1} WHERE ${where1m}
        SAMPLE BY $__sampleByInterval
      `),
    }),
    barGaugePanel({
      title: 'Exposure per symbol',
      description: 'Current exposure per symbol, summed over strategies and venues.',
      span: 12,
      unit: units.Dollars,
      field: 'exposure',
      query: tableQuery(`
        SELECT symbol, sum(exposure) AS exposure
        FROM ${latestPositions(`${t.c.symbol}, ${t.c.exposure}`)}
        ORDER BY exposure DESC
      `),
    }),
    timeSeriesPanel({
      title: 'Drawdown',
      description: 'Drawdown from peak equity per strategy; dashed lines are the warning and critical alert levels.',
      span: 12,
      unit: units.Percent,
      min: 0,
      levels: THRESHOLDS.drawdownPercent,
      query: rollupSeriesQuery(t1, `
        SELECT timestamp, ${t1.c.strategy}, max(${t1.c.drawdown_max}) AS drawdown
        FROM ${t1} WHERE ${where1m}
        SAMPLE BY $__sampleByInterval
      `),
    }),
  ],
});
