import { counterAggregates, defineRollup } from '../rollup';
import { exchangeStatus } from '../tables/exchange-status';

/** Exchange feed health per minute and (exchange, probing host). */
export const exchangeStatus1m = defineRollup({
  name: 'exchange_status_1m',
  description: 'Samples, connected samples, latency and the reconnect counter per minute, exchange and host.',
  source: exchangeStatus,
  bucket: '1m',
  keys: ['exchange', 'host', 'env'],
  aggregates: {
    samples: { fn: 'count' },
    connected_samples: { fn: 'countTrue', of: 'connected' },
    latency_sum: { fn: 'sum', of: 'latency_ms' },
    latency_samples: { fn: 'count', of: 'latency_ms' },
    ...counterAggregates('reconnects', 'reconnect_count'),
  },
});
