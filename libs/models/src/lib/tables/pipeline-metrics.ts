import { col } from '../columns';
import { defineTable } from '../table';

/** Fetch activity per exchange, symbol and data type over one interval, with gap detection. */
export const pipelineMetrics = defineTable({
  name: 'pipeline_metrics',
  description: 'Data-pipeline fetches per exchange/symbol/data type and interval, with detected gaps.',
  columns: {
    timestamp: col.designated(),
    exchange: col.exchange(),
    symbol: col.symbol(10_000),
    data_type: col.dataType(),
    host: col.host(),
    env: col.env(),
    records_count: col.long(),
    bytes_written: col.long(),
    latency_ms: col.latencyMs(),
    gap_detected: col.boolean(),
    gap_duration_seconds: col.double(0),
  },
  dedupKeys: ['timestamp', 'exchange', 'symbol', 'data_type', 'host'],
  retentionDays: 90,
  partitionBy: 'DAY',
  rules(row, report) {
    if (!row.gap_detected && row.gap_duration_seconds != null) {
      report('gap_duration_seconds', 'is only allowed when gap_detected is true');
    }
  },
});
