import { collectorHeartbeat } from './tables/collector-heartbeat';
import { daemonMetrics } from './tables/daemon-metrics';
import { exchangeApiCalls } from './tables/exchange-api-calls';
import { exchangeStatus } from './tables/exchange-status';
import { pipelineMetrics } from './tables/pipeline-metrics';
import { tradingMetrics } from './tables/trading-metrics';
import type { RowOf, TableDef } from './table';

/** Every table Tradewatch owns, by name. The single source of truth for the schema. */
export const TABLES = {
  daemon_metrics: daemonMetrics,
  exchange_status: exchangeStatus,
  exchange_api_calls: exchangeApiCalls,
  pipeline_metrics: pipelineMetrics,
  trading_metrics: tradingMetrics,
  collector_heartbeat: collectorHeartbeat,
} as const;

export type Tables = typeof TABLES;
export type TableName = keyof Tables;
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

/** The stored row type of a table, inferred from its zod schema. */
export type Row<T extends TableName> = T extends TableName
  ? Tables[T] extends TableDef<string, infer C>
    ? RowOf<C>
    : never
  : never;

export type DaemonMetricsRow = Row<'daemon_metrics'>;
export type ExchangeStatusRow = Row<'exchange_status'>;
export type PipelineMetricsRow = Row<'pipeline_metrics'>;
export type TradingMetricsRow = Row<'trading_metrics'>;
export type CollectorHeartbeatRow = Row<'collector_heartbeat'>;
export type ExchangeApiCallsRow = Row<'exchange_api_calls'>;

/**
 * Tables filled only when a client uses the feature that feeds them (the CCXT instrumentation):
 * an empty or quiet one is normal, so checks such as the healthcheck's freshness leave them out
 * unless asked for by name.
 */
export const OPT_IN_TABLES: ReadonlySet<TableName> = new Set<TableName>(['exchange_api_calls']);

export function isTableName(name: string): name is TableName {
  return Object.prototype.hasOwnProperty.call(TABLES, name);
}

/** The table definition, typed loosely for code that iterates over all tables. */
export function tableDef(name: TableName): TableDef {
  return TABLES[name] as unknown as TableDef;
}
