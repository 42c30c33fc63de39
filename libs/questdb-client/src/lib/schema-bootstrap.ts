import { z } from 'zod';
import { createTableSql, tableDef, TABLE_NAMES, type TableDef, type TableName } from '@tradewatch/models';
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

export interface BootstrapReport {
  created: TableName[];
  existing: TableName[];
}

// QuestDB rounds a symbol capacity up to the next power of two.
const roundedCapacity = (n: number) => 2 ** Math.ceil(Math.log2(n));

/** What differs between an existing table and its registry definition; empty when they match. */
export function schemaDifferences(def: TableDef, meta: TableMeta, columns: ColumnMeta[]): string[] {
  const diffs: string[] = [];
  if (meta.designatedTimestamp !== 'timestamp') {
    diffs.push(`designated timestamp is ${meta.designatedTimestamp ?? 'none'}, expected timestamp`);
  }
  if (meta.partitionBy !== def.partitionBy) diffs.push(`partitioned by ${meta.partitionBy}, expected ${def.partitionBy}`);
  if (!meta.walEnabled) diffs.push('is not a WAL table');
  if (!meta.dedup) diffs.push('has no DEDUP UPSERT KEYS');
  if (meta.ttlUnit !== 'DAY' || meta.ttlValue !== def.retentionDays) {
    const ttl = meta.ttlValue > 0 ? `${meta.ttlValue} ${meta.ttlUnit}` : 'not set';
    diffs.push(`TTL is ${ttl}, expected ${def.retentionDays} DAY`);
  }

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

/**
 * Creates missing tables and verifies existing ones against the registry. Idempotent. Throws
 * SchemaMismatchError (listing every difference) rather than use a table that differs.
 */
export async function bootstrapSchema(rest: RestClient, tables: readonly TableName[] = TABLE_NAMES): Promise<BootstrapReport> {
  const { rows } = await rest.query('SELECT table_name, designatedTimestamp, partitionBy, walEnabled, dedup, ttlValue, ttlUnit FROM tables()', tableMetaSchema);
  const existing = new Map(rows.map((r) => [r.table_name, r]));
  const report: BootstrapReport = { created: [], existing: [] };
  for (const name of tables) {
    const def = tableDef(name);
    const meta = existing.get(name);
    if (!meta) {
      await rest.execute(createTableSql(def));
      report.created.push(name);
      continue;
    }
    const { rows: columns } = await rest.query(
      `SELECT "column", type, symbolCapacity, designated, upsertKey FROM table_columns('${name}')`,
      columnMetaSchema,
    );
    const diffs = schemaDifferences(def, meta, columns);
    if (diffs.length > 0) throw new SchemaMismatchError(name, diffs);
    report.existing.push(name);
  }
  return report;
}
