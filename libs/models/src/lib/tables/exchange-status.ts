import { col } from '../columns';
import { defineTable } from '../table';

/** One sample of a WebSocket feed's health, per exchange and probing host. */
export const exchangeStatus = defineTable({
  name: 'exchange_status',
  description: 'Exchange WebSocket connectivity: connected state, ping latency, reconnects, last message.',
  columns: {
    timestamp: col.designated(),
    exchange: col.exchange(),
    host: col.host(),
    env: col.env(),
    connected: col.boolean(),
    latency_ms: col.latencyMs(),
    reconnect_count: col.counter(),
    last_message_at: col.timestamp(),
    disconnected_at: col.timestamp(),
  },
  dedupKeys: ['timestamp', 'exchange', 'host'],
  retentionDays: 90,
  partitionBy: 'DAY',
  rules(row, report) {
    if (row.last_message_at != null && row.last_message_at > row.timestamp) {
      report('last_message_at', 'must not be later than timestamp');
    }
    if (row.connected && row.disconnected_at != null) {
      report('disconnected_at', 'must be null while connected');
    }
    if (row.disconnected_at != null && row.disconnected_at > row.timestamp) {
      report('disconnected_at', 'must not be later than timestamp');
    }
  },
});
