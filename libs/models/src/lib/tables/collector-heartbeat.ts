import { col } from '../columns';
import { defineTable } from '../table';

/** The collector's own heartbeat, written through the spool like every other row. */
export const collectorHeartbeat = defineTable({
  name: 'collector_heartbeat',
  description:
    'Heartbeat of each collector instance every 10 s: spool backlog, age of the oldest unshipped row, sources currently silent. A stale newest heartbeat means a dead collector, a stuck shipper or a stalled QuestDB.',
  columns: {
    timestamp: col.designated(),
    /** The collector instance (COLLECTOR_HOST / config `host`, default the machine's host name). */
    collector: col.host(),
    env: col.env(),
    spool_backlog_rows: col.long(),
    spool_backlog_bytes: col.long(),
    oldest_unshipped_age_seconds: col.double(0),
    sources_silent: col.long(),
  },
  dedupKeys: ['timestamp', 'collector'],
  retentionDays: 30,
  partitionBy: 'DAY',
});
