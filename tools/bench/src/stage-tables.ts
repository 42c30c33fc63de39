import type { TableName } from '@tradewatch/models';

/** The tables of the collector's JSON routes whose steps the bench times: `/v1/metrics/pipeline` and `/v1/metrics/daemon`. */
export const STAGE_TABLES = ['pipeline_metrics', 'daemon_metrics'] as const satisfies readonly TableName[];
export type StageTable = (typeof STAGE_TABLES)[number];
