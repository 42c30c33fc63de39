import type { TableDef } from './table';
import { aggregateSql, type RollupDef } from './rollup';

/** `CREATE TABLE IF NOT EXISTS …` for a registry table (docs/product.md §3). */
export function createTableSql(table: TableDef): string {
  const columns = table.columnNames.map((name) => {
    const c = table.columns[name];
    const capacity = c.type === 'SYMBOL' && c.capacity ? ` CAPACITY ${c.capacity} CACHE` : '';
    return `  ${name} ${c.type}${capacity}`;
  });
  return [
    `CREATE TABLE IF NOT EXISTS ${table.name} (`,
    columns.join(',\n'),
    `) TIMESTAMP(timestamp) PARTITION BY ${table.partitionBy} TTL ${table.retentionDays} DAYS WAL`,
    `DEDUP UPSERT KEYS(${table.dedupKeys.join(', ')})`,
  ].join('\n');
}

/**
 * `CREATE MATERIALIZED VIEW IF NOT EXISTS …` for a rollup: SAMPLE BY its bucket over the source,
 * refreshed on request (`REFRESH MANUAL`): the collector asks for an incremental refresh every few
 * seconds. QuestDB's default, a refresh after every WAL transaction, re-aggregates the current
 * bucket from the raw table each time, which cost QuestDB more than the ingest itself.
 */
/** How every rollup is refreshed, as QuestDB's `materialized_views()` names it. */
export const ROLLUP_REFRESH_TYPE = 'manual';

export function createMaterializedViewSql(rollup: RollupDef): string {
  const select = [
    'timestamp',
    ...rollup.keys,
    ...Object.entries(rollup.aggregates).map(([name, agg]) => `${aggregateSql(agg)} AS ${name}`),
  ];
  return [
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${rollup.name} REFRESH ${ROLLUP_REFRESH_TYPE.toUpperCase()} AS (`,
    `  SELECT ${select.join(',\n    ')}`,
    `  FROM ${rollup.source.name}`,
    `  SAMPLE BY ${rollup.bucket}`,
    `) PARTITION BY ${rollup.partitionBy} TTL ${rollup.retentionDays} DAYS`,
  ].join('\n');
}
