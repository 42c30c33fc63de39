import type { TableDef } from './table';

/** `CREATE TABLE IF NOT EXISTS …` for a registry table (SPEC.md §3). */
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
