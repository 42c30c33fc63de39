import { defineRollup } from '../rollup';
import { pipelineMetrics } from '../tables/pipeline-metrics';

/** Pipeline activity per minute and feed (exchange, data type, host): symbols summed up. */
export const pipelineMetrics1m = defineRollup({
  name: 'pipeline_metrics_1m',
  description: 'Fetches, records, latency and gaps per minute, exchange, data type and host (all symbols).',
  source: pipelineMetrics,
  bucket: '1m',
  keys: ['exchange', 'data_type', 'host', 'env'],
  aggregates: {
    fetches: { fn: 'count' },
    records: { fn: 'sum', of: 'records_count' },
    bytes: { fn: 'sum', of: 'bytes_written' },
    latency_sum: { fn: 'sum', of: 'latency_ms' },
    latency_samples: { fn: 'count', of: 'latency_ms' },
    gaps: { fn: 'countTrue', of: 'gap_detected' },
  },
});
