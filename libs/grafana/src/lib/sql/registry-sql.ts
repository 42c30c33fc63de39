import { BUCKET_MS, ROLLUPS, TABLES, type RollupBucket, type RollupName, type TableName } from '@tradewatch/models';

/** A column name of a registry table; a renamed or removed column is a compile error. */
export type ColumnOf<T extends TableName> = (typeof TABLES)[T]['columnNames'][number];

/** A column name of a registry rollup (materialized view). */
export type RollupColumnOf<R extends RollupName> = (typeof ROLLUPS)[R]['columnNames'][number];

/** A table or view for SQL: `${t}` is its name and `t.c.<column>` its column names, type-checked. */
export interface SqlRelation<N extends string, C extends string> {
  readonly name: N;
  readonly c: { readonly [K in C]: K };
  toString(): string;
}

export type SqlTable<T extends TableName> = SqlRelation<T, ColumnOf<T>>;

/** A rollup for SQL; `bucket` is the finest `SAMPLE BY` a query over it may use. */
export interface SqlRollup<R extends RollupName> extends SqlRelation<R, RollupColumnOf<R>> {
  readonly bucket: RollupBucket;
  readonly bucketMs: number;
}

function relation<N extends string, C extends string>(name: N, columnNames: readonly C[]): SqlRelation<N, C> {
  const c = Object.fromEntries(columnNames.map((k) => [k, k])) as { [K in C]: K };
  return { name, c, toString: () => name };
}

export function sqlTable<T extends TableName>(name: T): SqlTable<T> {
  return relation(name, TABLES[name].columnNames as readonly ColumnOf<T>[]);
}

export function sqlRollup<R extends RollupName>(name: R): SqlRollup<R> {
  const def = ROLLUPS[name];
  return { ...relation(name, def.columnNames as readonly RollupColumnOf<R>[]), bucket: def.bucket, bucketMs: BUCKET_MS[def.bucket] };
}

export const daemon = sqlTable('daemon_metrics');
export const exchange = sqlTable('exchange_status');
export const pipeline = sqlTable('pipeline_metrics');
export const trading = sqlTable('trading_metrics');
export const heartbeat = sqlTable('collector_heartbeat');
export const apiCalls = sqlTable('exchange_api_calls');

export const daemon1m = sqlRollup('daemon_metrics_1m');
export const exchange1m = sqlRollup('exchange_status_1m');
export const pipeline1m = sqlRollup('pipeline_metrics_1m');
export const trading1m = sqlRollup('trading_metrics_1m');

/** A SQL string literal (single quotes doubled), for registry values such as a data type. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
