import { col } from '../columns';
import { defineTable } from '../table';

/** One status sample of a data daemon. */
export const daemonMetrics = defineTable({
  name: 'daemon_metrics',
  description: 'Status samples of the data-pipeline daemons: liveness, counters, resources, last error.',
  columns: {
    timestamp: col.designated(),
    host: col.host(),
    env: col.env(),
    fetch_count: col.counter(),
    error_count: col.counter(),
    liquidation_count: col.counter(),
    uptime_seconds: col.double(0),
    running: col.boolean(),
    memory_rss_bytes: col.long(),
    cpu_percent: col.double(0, 6400),
    parquet_bytes: col.long(),
    last_error: col.text(),
    last_error_at: col.timestamp(),
  },
  dedupKeys: ['timestamp', 'host', 'env'],
  retentionDays: 90,
  partitionBy: 'DAY',
  rules(row, report) {
    if (row.last_error_at != null && row.last_error_at > row.timestamp) {
      report('last_error_at', 'must not be later than timestamp');
    }
  },
});
