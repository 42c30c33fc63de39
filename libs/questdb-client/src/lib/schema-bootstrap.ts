import { z } from 'zod';
import {
  createMaterializedViewSql,
  createTableSql,
  rollupDef,
  ROLLUP_REFRESH_TYPE,
  ROLLUP_NAMES,
  tableDef,
  TABLE_NAMES,
  type RollupDef,
  type RollupName,
  type TableDef,
  type TableName,
} from '@tradewatch/models';
import { SchemaMismatchError } from './errors';
import type { RestClient } from './rest-client';

const tableMetaSchema = z.object({
  table_name: z.string(),
  designatedTimestamp: z.string().nullable(),
  partitionBy: z.string(),
  walEnabled: z.boolean(),
  dedup: z.boolean(),
  ttlValue: z.number(),
  ttlUnit: z.string(),
  matView: z.boolean(),
});
const viewMetaSchema = z.object({
  view_name: z.string(),
  base_table_name: z.string(),
  refresh_type: z.string(),
  view_status: z.string(),
  invalidation_reason: z.string().nullable(),
});
const columnMetaSchema = z.object({
  column: z.string(),
  type: z.string(),
  symbolCapacity: z.number(),
  designated: z.boolean(),
  upsertKey: z.boolean(),
});
type TableMeta = z.infer<typeof tableMetaSchema>;
type ColumnMeta = z.infer<typeof columnMetaSchema>;
type ViewMeta = z.infer<typeof viewMetaSchema>;

export interface BootstrapReport {
  created: TableName[];
  existing: TableName[];
  /** Rollups (materialized views) created now; QuestDB fills them from the existing rows in the background. */
  createdViews: RollupName[];
  existingViews: RollupName[];
  /**
   * Existing views QuestDB had invalidated (a DROP COLUMN, DROP PARTITION or TRUNCATE on the source
   * stops incremental refresh), now being rebuilt in the background with REFRESH … FULL.
   */
  rebuiltViews: { view: RollupName; reason: string }[];
  /** Existing views switched to the refresh the registry asks for (`ROLLUP_REFRESH_TYPE`), with the one they had. */
  refreshChanged: { view: RollupName; was: string }[];
}

function ttlDifference(meta: TableMeta, days: number): string[] {
  if (meta.ttlUnit === 'DAY' && meta.ttlValue === days) return [];
  return [`TTL is ${meta.ttlValue > 0 ? `${meta.ttlValue} ${meta.ttlUnit}` : 'not set'}, expected ${days} DAY`];
}

// QuestDB rounds a symbol capacity up to the next power of two.
const roundedCapacity = (n: number) => 2 ** Math.ceil(Math.log2(n));

/** What differs between an existing table and its registry definition; empty when they match. */
export function schemaDifferences(def: TableDef, meta: TableMeta, columns: ColumnMeta[]): string[] {
  const diffs: string[] = [];
  if (meta.matView) diffs.push('is a materialized view, expected a table');
  if (meta.designatedTimestamp !== 'timestamp') {
    diffs.push(`designated timestamp is ${meta.designatedTimestamp ?? 'none'}, expected timestamp`);
  }
  if (meta.partitionBy !== def.partitionBy) diffs.push(`partitioned by ${meta.partitionBy}, expected ${def.partitionBy}`);
  if (!meta.walEnabled) diffs.push('is not a WAL table');
  if (!meta.dedup) diffs.push('has no DEDUP UPSERT KEYS');
  diffs.push(...ttlDifference(meta, def.retentionDays));

  const actual = new Map(columns.map((c) => [c.column, c]));
  for (const name of def.columnNames) {
    const want = def.columns[name];
    const have = actual.get(name);
    if (!have) {
      diffs.push(`column ${name} is missing`);
      continue;
    }
    if (have.type !== want.type) diffs.push(`column ${name} is ${have.type}, expected ${want.type}`);
    if (want.type === 'SYMBOL' && want.capacity && have.symbolCapacity < roundedCapacity(want.capacity)) {
      diffs.push(`column ${name} has symbol capacity ${have.symbolCapacity}, expected at least ${want.capacity}`);
    }
    const isKey = def.dedupKeys.includes(name);
    if (have.upsertKey !== isKey) diffs.push(`column ${name} ${isKey ? 'should be' : 'should not be'} a dedup key`);
  }
  for (const c of columns) {
    if (!def.columnNames.includes(c.column)) diffs.push(`column ${c.column} is not in the Tradewatch schema`);
  }
  return diffs;
}

/** What differs between an existing materialized view and its rollup definition; empty when they match. */
export function viewDifferences(def: RollupDef, meta: TableMeta, view: ViewMeta | undefined, columns: ColumnMeta[]): string[] {
  if (!meta.matView || !view) return ['is a table, expected a materialized view'];
  const diffs: string[] = [];
  if (view.base_table_name !== def.source.name) diffs.push(`is built on ${view.base_table_name}, expected ${def.source.name}`);
  if (meta.partitionBy !== def.partitionBy) diffs.push(`partitioned by ${meta.partitionBy}, expected ${def.partitionBy}`);
  diffs.push(...ttlDifference(meta, def.retentionDays));
  const types = def.types as Record<string, string>;
  const actual = new Map(columns.map((c) => [c.column, c.type]));
  for (const name of def.columnNames) {
    const have = actual.get(name);
    if (have === undefined) diffs.push(`column ${name} is missing`);
    else if (have !== types[name]) diffs.push(`column ${name} is ${have}, expected ${types[name]}`);
  }
  for (const c of columns) {
    if (!def.columnNames.includes(c.column)) diffs.push(`column ${c.column} is not in the rollup definition`);
  }
  return diffs;
}

/**
 * Creates missing tables, then the missing rollups (materialized views) over them, and verifies the
 * existing ones against the registry. Idempotent. Throws SchemaMismatchError (listing every
 * difference) rather than use a table or view that differs. Rollups are created for the given
 * tables only.
 */
export async function bootstrapSchema(rest: RestClient, tables: readonly TableName[] = TABLE_NAMES): Promise<BootstrapReport> {
  const { rows } = await rest.query(
    'SELECT table_name, designatedTimestamp, partitionBy, walEnabled, dedup, ttlValue, ttlUnit, matView FROM tables()',
    tableMetaSchema,
  );
  const existing = new Map(rows.map((r) => [r.table_name, r]));
  const report: BootstrapReport = { created: [], existing: [], createdViews: [], existingViews: [], rebuiltViews: [], refreshChanged: [] };
  for (const name of tables) {
    const def = tableDef(name);
    const meta = existing.get(name);
    if (!meta) {
      await rest.execute(createTableSql(def));
      report.created.push(name);
      continue;
    }
    const diffs = schemaDifferences(def, meta, await columnsOf(rest, name));
    if (diffs.length > 0) throw new SchemaMismatchError(name, diffs);
    report.existing.push(name);
  }

  const rollups = ROLLUP_NAMES.filter((name) => tables.includes(rollupDef(name).source.name as TableName));
  if (rollups.length === 0) return report;
  const { rows: views } = await rest.query(
    'SELECT view_name, base_table_name, refresh_type, view_status, invalidation_reason FROM materialized_views()',
    viewMetaSchema,
  );
  for (const name of rollups) {
    const def = rollupDef(name);
    const meta = existing.get(name);
    if (!meta) {
      await rest.execute(createMaterializedViewSql(def));
      report.createdViews.push(name);
      continue;
    }
    const view = views.find((v) => v.view_name === name);
    const diffs = viewDifferences(def, meta, view, await columnsOf(rest, name));
    if (diffs.length > 0) throw new SchemaMismatchError(name, diffs, meta.matView ? 'materialized view' : 'table');
    if (view && view.refresh_type !== ROLLUP_REFRESH_TYPE) {
      // Created by an earlier version (refreshed after every transaction): the data is the same.
      await rest.execute(`ALTER MATERIALIZED VIEW ${name} SET REFRESH ${ROLLUP_REFRESH_TYPE.toUpperCase()}`);
      report.refreshChanged.push({ view: name, was: view.refresh_type });
    }
    if (view?.view_status === 'invalid') {
      await rest.execute(`REFRESH MATERIALIZED VIEW ${name} FULL`);
      report.rebuiltViews.push({ view: name, reason: view.invalidation_reason ?? 'invalid' });
    }
    report.existingViews.push(name);
  }
  return report;
}

async function columnsOf(rest: RestClient, name: string): Promise<ColumnMeta[]> {
  const { rows } = await rest.query(
    `SELECT "column", type, symbolCapacity, designated, upsertKey FROM table_columns('${name}')`,
    columnMetaSchema,
  );
  return rows;
}
