import type { Column, QuestDbType } from './columns';
import type { TableSpec } from './table';

/** What a rollup needs of its source table (any `TableDef`). */
export interface RollupSource extends Pick<TableSpec<string, Record<string, Column>>, 'name' | 'partitionBy' | 'retentionDays'> {
  columns: Record<string, Column>;
  columnNames: readonly string[];
}

/**
 * One aggregate column of a rollup, over a column of the source table (or its rows):
 * - `count` without `of`: the rows of the bucket; with `of`: its non-null values (the divisor of an average);
 * - `sum`, `min`, `max`, `first`, `last`: as in QuestDB's SAMPLE BY;
 * - `countTrue`: the rows where a BOOLEAN column is true.
 * Re-aggregating buckets stays exact: sums and counts add up, min of min, max of max, first of
 * first, last of last, so a coarser `SAMPLE BY` over the rollup equals one over the raw table.
 */
export type Aggregate<K extends string = string> =
  | { fn: 'count'; of?: K }
  | { fn: 'sum' | 'min' | 'max' | 'first' | 'last' | 'countTrue'; of: K };

export type RollupBucket = '1m';

/** The bucket length in milliseconds: the smallest interval a dashboard may sample a rollup by. */
export const BUCKET_MS: Record<RollupBucket, number> = { '1m': 60_000 };

type SourceColumn<T extends RollupSource> = T['columnNames'][number];

export interface RollupSpec<N extends string, T extends RollupSource, K extends SourceColumn<T>, A extends string> {
  name: N;
  description: string;
  source: T;
  bucket: RollupBucket;
  /** The source columns the rollup keeps one row per bucket for (SYMBOLs). */
  keys: readonly K[];
  aggregates: Record<A, Aggregate<SourceColumn<T>>>;
}

export interface RollupDef<
  N extends string = string,
  T extends RollupSource = RollupSource,
  K extends SourceColumn<T> = SourceColumn<T>,
  A extends string = string,
> extends RollupSpec<N, T, K, A> {
  /** `timestamp` (the bucket start), the keys, then the aggregates: the view's columns in order. */
  columnNames: readonly ('timestamp' | K | A)[];
  /** The QuestDB type of every column, as `table_columns()` reports it. */
  types: Record<'timestamp' | K | A, QuestDbType>;
  /** Same partitioning and TTL as the source: a bucket lives as long as its rows. */
  partitionBy: T['partitionBy'];
  retentionDays: number;
}

/** Defines a rollup (a QuestDB materialized view) once; its DDL, checks and dashboard names derive from it. */
export function defineRollup<const N extends string, T extends RollupSource, const K extends SourceColumn<T>, const A extends string>(
  spec: RollupSpec<N, T, K, A>,
): RollupDef<N, T, K, A> {
  const source = spec.source;
  const types = { timestamp: 'TIMESTAMP' } as Record<string, QuestDbType>;
  for (const k of spec.keys) {
    if (source.columns[k].type !== 'SYMBOL') throw new Error(`${spec.name}: key ${k} must be a SYMBOL column of ${source.name}`);
    types[k] = 'SYMBOL';
  }
  for (const [name, agg] of Object.entries(spec.aggregates) as [A, Aggregate][]) {
    if (name in types) throw new Error(`${spec.name}: aggregate ${name} clashes with a key`);
    types[name] = aggregateType(spec.name, source, agg);
  }
  return {
    ...spec,
    columnNames: Object.keys(types) as ('timestamp' | K | A)[],
    types: types as Record<'timestamp' | K | A, QuestDbType>,
    partitionBy: source.partitionBy,
    retentionDays: source.retentionDays,
  };
}

function aggregateType(view: string, source: RollupSource, agg: Aggregate): QuestDbType {
  if (agg.fn === 'count') return 'LONG';
  const column = source.columns[agg.of];
  if (!column) throw new Error(`${view}: ${source.name} has no column ${agg.of}`);
  if (agg.fn === 'countTrue') {
    if (column.type !== 'BOOLEAN') throw new Error(`${view}: countTrue needs a BOOLEAN column, ${agg.of} is ${column.type}`);
    return 'LONG';
  }
  if (agg.fn === 'sum' && column.type !== 'LONG' && column.type !== 'DOUBLE') {
    throw new Error(`${view}: sum needs a numeric column, ${agg.of} is ${column.type}`);
  }
  return column.type;
}

/** The SELECT expression of an aggregate. */
export function aggregateSql(agg: Aggregate): string {
  switch (agg.fn) {
    case 'count':
      return agg.of ? `count(${agg.of})` : 'count()';
    case 'countTrue':
      return `sum(CASE WHEN ${agg.of} THEN 1 ELSE 0 END)`;
    default:
      return `${agg.fn}(${agg.of})`;
  }
}

/**
 * The four aggregates that keep a cumulative counter's increase computable across restarts:
 * `<prefix>_first`, `_last`, `_min`, `_max` of the bucket.
 */
export function counterAggregates<const P extends string, const C extends string>(
  prefix: P,
  of: C,
): Record<`${P}_${'first' | 'last' | 'min' | 'max'}`, Aggregate<C>> {
  return {
    [`${prefix}_first`]: { fn: 'first', of },
    [`${prefix}_last`]: { fn: 'last', of },
    [`${prefix}_min`]: { fn: 'min', of },
    [`${prefix}_max`]: { fn: 'max', of },
  } as Record<`${P}_${'first' | 'last' | 'min' | 'max'}`, Aggregate<C>>;
}
