import type { Row, TableName } from '@tradewatch/models';
import { HeartbeatCollector } from './heartbeat-collector';

// Pure logic with a fake output and a pinned clock; the collector's integration test reads the rows from QuestDB.
describe('HeartbeatCollector (fake output, pinned clock)', () => {
  it('writes one row per beat with the backlog and the silent sources; keeps it when the output refuses', async () => {
    const written: Row<TableName>[] = [];
    let refuse = true;
    const errors: string[] = [];
    let silent = 3;
    let now = Date.UTC(2026, 10, 30, 12, 0, 0);
    const hb = new HeartbeatCollector({
      collector: 'c1',
      env: 'staging',
      intervalMs: 10_000,
      output: {
        write: async (_table, rows) => {
          if (refuse) throw new Error('spool full');
          written.push(...rows);
        },
      },
      backlog: () => ({ depthRows: 12, depthBytes: 3456, oldestAgeSeconds: 1.5 }),
      sourcesSilent: () => silent,
      onError: (e) => errors.push(e.message),
      now: () => now,
    });
    await hb.beat();
    expect(written).toEqual([]);
    expect(errors).toEqual(['spool full']);
    refuse = false;
    silent = 0;
    now += 10_000;
    await hb.beat();
    const ts = Date.UTC(2026, 10, 30, 12, 0, 0) * 1000;
    expect(written).toEqual([
      { timestamp: ts, collector: 'c1', env: 'staging', spool_backlog_rows: 12, spool_backlog_bytes: 3456, oldest_unshipped_age_seconds: 1.5, sources_silent: 3 },
      { timestamp: ts + 10_000_000, collector: 'c1', env: 'staging', spool_backlog_rows: 12, spool_backlog_bytes: 3456, oldest_unshipped_age_seconds: 1.5, sources_silent: 0 },
    ]);
  });
});
