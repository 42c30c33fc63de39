import { z } from 'zod';
import { rollupDef, ROLLUP_NAMES, type RollupName } from '@tradewatch/models';
import { RollupRefreshError } from './errors';
import type { RestClient } from './rest-client';

const viewState = z.object({
  view_name: z.string(),
  view_status: z.string(),
  invalidation_reason: z.string().nullable(),
  refresh_base_table_txn: z.coerce.number(),
  base_table_txn: z.coerce.number(),
});
const walState = z.object({ name: z.string(), suspended: z.boolean(), writerTxn: z.coerce.number(), sequencerTxn: z.coerce.number() });

export interface RollupRefreshOptions {
  timeoutMs?: number;
  /** Called on every poll with the views still behind their source. */
  onWait?: (behind: RollupName[]) => void;
}

/**
 * Asks QuestDB for an incremental refresh of each rollup (they are `REFRESH MANUAL`: the collector
 * calls this every `rollups.refreshIntervalMs`). QuestDB schedules it and answers at once; a view
 * with nothing new costs it next to nothing.
 */
export async function refreshRollups(rest: Pick<RestClient, 'execute'>, views: readonly RollupName[] = ROLLUP_NAMES): Promise<void> {
  for (const name of views) await rest.execute(`REFRESH MATERIALIZED VIEW ${name} INCREMENTAL`);
}

/**
 * Waits until every rollup reflects all rows of its source: the source's WAL is applied, the view
 * was refreshed up to the source's latest transaction, and the view's own WAL is applied. A view
 * behind its applied source is asked for a refresh (at most once a second), as the collector would.
 * Throws RollupRefreshError when a view is invalid, a WAL is suspended, or on timeout.
 */
export async function waitForRollups(
  rest: Pick<RestClient, 'query' | 'execute'>,
  views: readonly RollupName[] = ROLLUP_NAMES,
  options: RollupRefreshOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  const tables = new Set<string>([...views, ...views.map((v) => rollupDef(v).source.name)]);
  let lastRefresh = 0;
  for (;;) {
    const [{ rows: states }, { rows: wal }] = await Promise.all([
      rest.query('SELECT view_name, view_status, invalidation_reason, refresh_base_table_txn, base_table_txn FROM materialized_views()', viewState),
      rest.query('SELECT name, suspended, writerTxn, sequencerTxn FROM wal_tables()', walState),
    ]);
    const suspended = wal.find((w) => tables.has(w.name) && w.suspended);
    if (suspended) throw new RollupRefreshError(`QuestDB suspended WAL apply for ${suspended.name}`);
    const walBehind = new Set(wal.filter((w) => tables.has(w.name) && w.writerTxn < w.sequencerTxn).map((w) => w.name));
    const stale: RollupName[] = [];
    const behind = views.filter((name) => {
      const state = states.find((s) => s.view_name === name);
      if (!state) throw new RollupRefreshError(`materialized view ${name} does not exist (bootstrap the schema first)`);
      if (state.view_status === 'invalid') {
        throw new RollupRefreshError(`materialized view ${name} is invalid: ${state.invalidation_reason ?? 'no reason given'}`);
      }
      const source = rollupDef(name).source.name;
      // The source's applied transaction, not the view's own notion of it, which may lag.
      const sourceTxn = Math.max(state.base_table_txn, wal.find((w) => w.name === source)?.writerTxn ?? 0);
      if (!walBehind.has(source) && state.refresh_base_table_txn < sourceTxn) stale.push(name);
      return walBehind.has(source) || walBehind.has(name) || state.refresh_base_table_txn < sourceTxn;
    });
    if (behind.length === 0) return;
    if (stale.length > 0 && Date.now() - lastRefresh >= 1_000) {
      await refreshRollups(rest, stale);
      lastRefresh = Date.now();
    }
    if (Date.now() > deadline) throw new RollupRefreshError(`${behind.join(', ')} not refreshed within ${timeoutMs} ms`);
    options.onWait?.(behind);
    await new Promise((r) => setTimeout(r, 200));
  }
}
