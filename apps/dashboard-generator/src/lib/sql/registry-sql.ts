import { TABLES, type TableName } from '@tradewatch/models';

/** A column name of a registry table; a renamed or removed column is a compile error. */
export type ColumnOf<T extends TableName> = (typeof TABLES)[T]['columnNames'][number];

/** A registry table for SQL: `${t}` is its name and `t.c.<column>` its column names, type-checked. */
export interface SqlTable<T extends TableName> {
  readonly name: T;
  readonly c: { readonly [K in ColumnOf<T>]: K };
  toString(): string;
}

export function sqlTable<T extends TableName>(name: T): SqlTable<T> {
  const columnNames = TABLES[name].columnNames as readonly ColumnOf<T>[];
  const c = Object.fromEntries(columnNames.map((k) => [k, k])) as { [K in ColumnOf<T>]: K };
  return { name, c, toString: () => name };
}

export const daemon = sqlTable('daemon_metrics');
export const exchange = sqlTable('exchange_status');
export const pipeline = sqlTable('pipeline_metrics');
export const trading = sqlTable('trading_metrics');

/** A SQL string literal (single quotes doubled), for registry values such as a data type. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
