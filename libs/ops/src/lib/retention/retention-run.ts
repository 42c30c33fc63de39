import { formatIsoMicros } from '@tradewatch/models';
import type { RestClient } from '@tradewatch/questdb-client';
import { applyRetention, planRetention, type RetentionTarget, type TableOutcome, type TablePlan } from './retention';
import type { Partition } from './partitions';

/** The part of a pino logger the job uses. */
export interface RunLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface RetentionRunSummary {
  dryRun: boolean;
  finishedAt: string;
  tables: { table: string; cutoff: string; partitions: string[]; rows: number; pending: string[]; missing: boolean }[];
}

/** One pass: plan, then (unless dry-run) drop; every table's outcome is logged. */
export async function runRetention(
  rest: RestClient,
  targets: readonly RetentionTarget[],
  options: { dryRun: boolean; log: RunLogger; nowMs?: number; waitMs?: number },
): Promise<RetentionRunSummary> {
  const { dryRun, log } = options;
  const plans = await planRetention(rest, targets, options.nowMs);
  const tables = dryRun ? plans.map((p) => reportDryRun(p, log)) : (await applyRetention(rest, plans, { waitMs: options.waitMs })).map((o) => reportOutcome(o, log));
  return { dryRun, finishedAt: new Date().toISOString(), tables };
}

function reportDryRun(plan: TablePlan, log: RunLogger) {
  const cutoff = formatIsoMicros(plan.cutoff);
  if (plan.missing) {
    log.warn({ table: plan.table }, `${plan.table}: table does not exist (yet); nothing to do`);
    return { table: plan.table, cutoff, partitions: [], rows: 0, pending: [], missing: true };
  }
  const rows = sumRows(plan.expired);
  log.info(
    { table: plan.table, cutoff, retentionDays: plan.retentionDays, wouldDrop: plan.expired.map(describePartition), kept: plan.kept.length },
    plan.expired.length === 0
      ? `${plan.table}: nothing older than ${cutoff} (${plan.retentionDays} days); ${plan.kept.length} partition(s) kept`
      : `${plan.table}: would drop ${plan.expired.length} partition(s) (${names(plan.expired)}, ${rows} rows) older than ${cutoff}; ${plan.kept.length} kept`,
  );
  return { table: plan.table, cutoff, partitions: plan.expired.map((p) => p.name), rows, pending: [], missing: false };
}

function reportOutcome(outcome: TableOutcome, log: RunLogger) {
  const cutoff = formatIsoMicros(outcome.cutoff);
  const base = { table: outcome.table, cutoff, partitions: outcome.dropped.map((p) => p.name), rows: sumRows(outcome.dropped), pending: outcome.pending.map((p) => p.name), missing: outcome.missing };
  if (outcome.missing) {
    log.warn({ table: outcome.table }, `${outcome.table}: table does not exist (yet); nothing to do`);
  } else if (outcome.dropped.length > 0) {
    log.info({ table: outcome.table, cutoff, dropped: outcome.dropped.map(describePartition) }, `${outcome.table}: dropped ${outcome.dropped.length} partition(s) (${names(outcome.dropped)}, ${base.rows} rows) older than ${cutoff}`);
  } else {
    log.info({ table: outcome.table, cutoff }, `${outcome.table}: no partitions older than ${cutoff}`);
  }
  if (outcome.rebuiltViews.length > 0) {
    log.info({ table: outcome.table, views: outcome.rebuiltViews }, `${outcome.table}: rebuilding rollup(s) ${outcome.rebuiltViews.join(', ')} that the drop invalidated`);
  }
  if (outcome.pending.length > 0) {
    log.warn({ table: outcome.table, pending: base.pending }, `${outcome.table}: drop of ${names(outcome.pending)} accepted but not applied yet (WAL); it will complete in the background`);
  }
  return base;
}

const describePartition = (p: Partition) => ({ name: p.name, rows: p.numRows, bytes: p.diskSize });
const sumRows = (ps: readonly Partition[]) => ps.reduce((n, p) => n + p.numRows, 0);
const names = (ps: readonly Partition[]) => (ps.length <= 3 ? ps.map((p) => p.name).join(', ') : `${ps[0].name} … ${ps[ps.length - 1].name}`);
