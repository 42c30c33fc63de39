import { z } from 'zod';
import { API_CALL_OUTCOMES, API_METHOD_PATTERN } from '../api-outcomes';
import { col, wholeNumber } from '../columns';
import { defineTable } from '../table';

/** Exchange API calls (REST and WebSocket `watch*`) per interval, method and outcome, from the CCXT instrumentation. */
export const exchangeApiCalls = defineTable({
  name: 'exchange_api_calls',
  description: 'Exchange API calls per interval, exchange, method (ccxt unified name), outcome (ok or ccxt error class) and host: count and latency.',
  columns: {
    timestamp: col.designated(),
    exchange: col.exchange(),
    method: {
      type: 'SYMBOL' as const,
      capacity: 1000,
      zod: () => z.string().regex(API_METHOD_PATTERN, 'must be a method name: a letter, then letters or digits (at most 64)'),
    },
    outcome: { type: 'SYMBOL' as const, capacity: 256, zod: () => z.enum(API_CALL_OUTCOMES) },
    host: col.host(),
    env: col.env(),
    calls: { type: 'LONG' as const, zod: () => wholeNumber(1) },
    latency_ms_avg: col.latencyMs(),
    latency_ms_max: col.latencyMs(),
  },
  dedupKeys: ['timestamp', 'exchange', 'method', 'outcome', 'host'],
  retentionDays: 90,
  partitionBy: 'DAY',
  rules(row, report) {
    if (row.latency_ms_avg != null && row.latency_ms_max != null && row.latency_ms_avg > row.latency_ms_max) {
      report('latency_ms_avg', 'must not exceed latency_ms_max');
    }
  },
});
