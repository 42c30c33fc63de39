import type { RollupDef } from './rollup';
import { daemonMetrics1m } from './rollups/daemon-metrics-1m';
import { exchangeStatus1m } from './rollups/exchange-status-1m';
import { pipelineMetrics1m } from './rollups/pipeline-metrics-1m';
import { tradingMetrics1m } from './rollups/trading-metrics-1m';

/**
 * Every rollup (QuestDB materialized view) by name. Dashboards read these for anything sampled at
 * one minute or coarser; they are `REFRESH MANUAL` views that the collector asks QuestDB to refresh
 * incrementally every few seconds (see `createMaterializedViewSql`).
 */
export const ROLLUPS = {
  daemon_metrics_1m: daemonMetrics1m,
  exchange_status_1m: exchangeStatus1m,
  pipeline_metrics_1m: pipelineMetrics1m,
  trading_metrics_1m: tradingMetrics1m,
} as const;

export type Rollups = typeof ROLLUPS;
export type RollupName = keyof Rollups;
export const ROLLUP_NAMES = Object.keys(ROLLUPS) as RollupName[];

/** The rollup definition, typed loosely for code that iterates over all rollups. */
export function rollupDef(name: RollupName): RollupDef {
  return ROLLUPS[name] as unknown as RollupDef;
}
