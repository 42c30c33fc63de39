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
 * refreshed incrementally (QuestDB's default) as the source's WAL is applied.
 */
export function createMaterializedViewSql(rollup: RollupDef): string {
  const select = [
    'timestamp',
    ...rollup.keys,
    ...Object.entries(rollup.aggregates).map(([name, agg]) => `${aggregateSql(agg)} AS ${name}`),
  ];
  return [
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${rollup.name} AS (`,
    `  SELECT ${select.join(',\n    ')}`,
    `  FROM ${rollup.source.name}`,
    `  SAMPLE BY ${rollup.bucket}`,
    `) PARTITION BY ${rollup.partitionBy} TTL ${rollup.retentionDays} DAYS`,
  ].join('\n');
}
