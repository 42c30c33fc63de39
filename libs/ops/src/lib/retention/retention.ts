import { formatIsoMicros, ROLLUP_NAMES, rollupDef, TABLE_NAMES, TABLES, type EpochMicros } from '@tradewatch/models';
import { z } from 'zod';
import { QuestDbQueryError, sleep, type RestClient } from '@tradewatch/questdb-client';
import { assertTableIdentifier, listPartitions, type Partition } from './partitions';

const DAY_MS = 86_400_000;

/** How long a table keeps its data. */
export interface RetentionTarget {
  table: string;
  retentionDays: number;
}

/** Every registry table with its `retentionDays`. */
export function registryRetention(): RetentionTarget[] {
  return TABLE_NAMES.map((table) => ({ table, retentionDays: TABLES[table].retentionDays }));
}

/**
 * The oldest instant a table must still hold: `retentionDays` before `nowMs`, rounded DOWN to
 * the start of that UTC day. QuestDB drops whole partitions whose start matches the WHERE
 * clause, so a cutoff in the middle of a day would drop rows younger than the retention.
 */
export function retentionCutoff(nowMs: number, retentionDays: number): EpochMicros {
  const limit = nowMs - retentionDays * DAY_MS;
  return Math.floor(limit / DAY_MS) * DAY_MS * 1000;
}

export type TablePlan =
  | { table: string; retentionDays: number; cutoff: EpochMicros; missing: false; expired: Partition[]; kept: Partition[] }
  | { table: string; retentionDays: number; cutoff: EpochMicros; missing: true };

/** Which partitions of each table are past their retention (what `--dry-run` prints). */
export async function planRetention(
  rest: RestClient,
  targets: readonly RetentionTarget[],
  nowMs: number = Date.now(),
): Promise<TablePlan[]> {
  const plans: TablePlan[] = [];
  for (const { table, retentionDays } of targets) {
    assertTableIdentifier(table);
    if (!Number.isInteger(retentionDays) || retentionDays < 1) {
      throw new Error(`${table}: retentionDays must be a whole number of days >= 1, got ${retentionDays}`);
    }
    const cutoff = retentionCutoff(nowMs, retentionDays);
    let partitions: Partition[];
    try {
      partitions = await listPartitions(rest, table);
    } catch (error) {
      if (isMissingTable(error)) {
        plans.push({ table, retentionDays, cutoff, missing: true });
        continue;
      }
      throw error;
    }
    plans.push({
      table,
      retentionDays,
      cutoff,
      missing: false,
      expired: partitions.filter((p) => p.start < cutoff),
      kept: partitions.filter((p) => p.start >= cutoff),
    });
  }
  return plans;
}

export interface TableOutcome {
  table: string;
  cutoff: EpochMicros;
  /** Partitions that were expired and are gone now. */
  dropped: Partition[];
  /** Expired partitions still listed when the wait ended (WAL applies the drop asynchronously). */
  pending: Partition[];
  /** QuestDB found nothing to drop (e.g. native TTL got there first). */
  nothingMatched: boolean;
  missing: boolean;
  /** Rollups (materialized views) of the table that the drop invalidated and that were rebuilt. */
  rebuiltViews: string[];
}

export interface ApplyOptions {
  /** How long to wait for WAL to apply the drops before reporting them as pending. */
  waitMs?: number;
  pollMs?: number;
}

/**
 * Drops the expired partitions of each planned table with
 * `ALTER TABLE t DROP PARTITION WHERE timestamp < '<cutoff>'`, tolerating QuestDB's
 * "no partitions matched WHERE clause", and waits until the drops are visible.
 */
export async function applyRetention(rest: RestClient, plans: readonly TablePlan[], options: ApplyOptions = {}): Promise<TableOutcome[]> {
  const { waitMs = 30_000, pollMs = 200 } = options;
  const outcomes: TableOutcome[] = [];
  for (const plan of plans) {
    if (plan.missing) {
      outcomes.push({ table: plan.table, cutoff: plan.cutoff, dropped: [], pending: [], nothingMatched: true, missing: true, rebuiltViews: [] });
      continue;
    }
    let nothingMatched = false;
    try {
      await rest.execute(`ALTER TABLE ${plan.table} DROP PARTITION WHERE timestamp < '${formatIsoMicros(plan.cutoff)}'`);
    } catch (error) {
      if (!(error instanceof QuestDbQueryError && /no partitions matched/i.test(error.questdbMessage))) throw error;
      nothingMatched = true;
    }
    const expired = new Set(plan.expired.map((p) => p.name));
    let remaining = plan.expired;
    const deadline = Date.now() + waitMs;
    while (remaining.length > 0 && Date.now() < deadline) {
      await sleep(pollMs);
      const now = await listPartitions(rest, plan.table);
      remaining = now.filter((p) => expired.has(p.name));
    }
    const left = new Set(remaining.map((p) => p.name));
    outcomes.push({
      table: plan.table,
      cutoff: plan.cutoff,
      dropped: plan.expired.filter((p) => !left.has(p.name)),
      pending: remaining,
      nothingMatched: nothingMatched || plan.expired.length === 0,
      missing: false,
      rebuiltViews: await rebuildInvalidatedRollups(rest, plan.table),
    });
  }
  return outcomes;
}

const viewStatus = z.object({ view_name: z.string(), view_status: z.string() });

/**
 * QuestDB marks the materialized views of a table invalid when partitions are dropped from it, and
 * an invalid view no longer refreshes: the dashboards reading it would go stale. Rebuild them.
 */
async function rebuildInvalidatedRollups(rest: RestClient, table: string): Promise<string[]> {
  const views = ROLLUP_NAMES.filter((name) => rollupDef(name).source.name === table);
  if (views.length === 0) return [];
  const { rows } = await rest.query('SELECT view_name, view_status FROM materialized_views()', viewStatus);
  const invalid = rows.filter((r) => r.view_status === 'invalid' && (views as string[]).includes(r.view_name)).map((r) => r.view_name);
  for (const view of invalid) await rest.execute(`REFRESH MATERIALIZED VIEW ${view} FULL`);
  return invalid;
}

function isMissingTable(error: unknown): boolean {
  return error instanceof QuestDbQueryError && /table does not exist/i.test(error.questdbMessage);
}
