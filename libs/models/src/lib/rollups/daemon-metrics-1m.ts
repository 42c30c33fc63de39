import { counterAggregates, defineRollup } from '../rollup';
import { daemonMetrics } from '../tables/daemon-metrics';

/** Daemon resources and counters per minute and host. */
export const daemonMetrics1m = defineRollup({
  name: 'daemon_metrics_1m',
  description: 'Memory, CPU, Parquet size and the fetch and error counters per minute and daemon.',
  source: daemonMetrics,
  bucket: '1m',
  keys: ['host', 'env'],
  aggregates: {
    samples: { fn: 'count' },
    memory_rss_max: { fn: 'max', of: 'memory_rss_bytes' },
    cpu_sum: { fn: 'sum', of: 'cpu_percent' },
    cpu_samples: { fn: 'count', of: 'cpu_percent' },
    parquet_bytes_max: { fn: 'max', of: 'parquet_bytes' },
    ...counterAggregates('fetches', 'fetch_count'),
    ...counterAggregates('errors', 'error_count'),
  },
});
