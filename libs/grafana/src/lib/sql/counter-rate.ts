import { ROLLUPS, TABLES, type RollupName, type TableName } from '@tradewatch/models';
import { DefinitionError } from '../errors';
import type { ColumnOf, RollupColumnOf, SqlRollup, SqlTable } from './registry-sql';

export interface CounterIncreaseSpec<T extends TableName> {
  table: SqlTable<T>;
  /** A cumulative counter of the registry (`counter: true`). */
  counter: ColumnOf<T>;
  /** The columns that identify one counter (one process): its samples are compared in order. */
  series: readonly ColumnOf<T>[];
  /** Extra columns carried through for grouping (constant within a series). */
  keep?: readonly ColumnOf<T>[];
  where: string;
  /** SAMPLE BY bucket; default the plugin's `$__sampleByInterval`. */
  bucket?: string;
}

/**
 * A subquery with the `increase` of a cumulative counter per series and bucket, right across
 * restarts (the process counts from zero again). The counter is first reduced per bucket to its
 * first (f), last (l), min (lo) and max (hi) sample, which QuestDB does in parallel, then:
 * - inside a bucket: `l - f`, or, when it went down inside the bucket (lo < f, a restart),
 *   `(hi - f) + l`: what it counted before the restart plus everything since (it restarted at 0);
 * - between buckets: `f - p` from the previous bucket's last value p, or `f` when f < p (a
 *   restart at the boundary: the new value is all new).
 * Exact unless a process restarts twice in one bucket or counts past its old maximum within the
 * bucket it restarted in. Columns: `timestamp`, the series and keep columns, `increase`.
 */
export function counterIncrease<T extends TableName>(spec: CounterIncreaseSpec<T>): string {
  const { table, counter } = spec;
  const def = TABLES[table.name].columns as Record<string, { counter?: boolean }>;
  if (!def[counter]?.counter) {
    throw new DefinitionError(`${table.name}.${counter} is not a cumulative counter in the table registry`);
  }
  const reduce = `first(${counter}) AS f, last(${counter}) AS l, min(${counter}) AS lo, max(${counter}) AS hi`;
  return increaseSql(`${table}`, reduce, spec);
}

/** The prefix `P` of a rollup's counter aggregates `P_first`, `P_last`, `P_min`, `P_max`. */
export type CounterPrefixOf<R extends RollupName> = RollupColumnOf<R> extends infer C ? (C extends `${infer P}_first` ? P : never) : never;

export interface RollupCounterIncreaseSpec<R extends RollupName> extends Omit<CounterIncreaseSpec<never>, 'table' | 'counter' | 'series' | 'keep'> {
  rollup: SqlRollup<R>;
  /** The counter's aggregates in the rollup (see `counterAggregates` in the registry). */
  counter: CounterPrefixOf<R>;
  series: readonly RollupColumnOf<R>[];
  keep?: readonly RollupColumnOf<R>[];
}

/**
 * `counterIncrease` over a rollup that keeps a counter's first, last, min and max per minute:
 * re-aggregated per bucket (first of firsts, last of lasts, min of mins, max of maxes) they are
 * exactly what the raw samples give, so the result equals `counterIncrease` over the source table.
 */
export function rollupCounterIncrease<R extends RollupName>(spec: RollupCounterIncreaseSpec<R>): string {
  const { rollup, counter } = spec;
  const aggregates = ROLLUPS[rollup.name].aggregates as Record<string, { fn: string; of?: string }>;
  const source = TABLES[ROLLUPS[rollup.name].source.name as TableName].columns as Record<string, { counter?: boolean }>;
  const parts = { f: 'first', l: 'last', lo: 'min', hi: 'max' } as const;
  const reduce = Object.entries(parts).map(([alias, fn]) => {
    const agg = aggregates[`${counter}_${fn}`];
    if (agg?.fn !== fn || !agg.of || !source[agg.of]?.counter) {
      throw new DefinitionError(`${rollup.name}.${counter}_${fn} is not the ${fn} of a cumulative counter in the rollup registry`);
    }
    return `${fn}(${counter}_${fn}) AS ${alias}`;
  });
  return increaseSql(`${rollup}`, reduce.join(', '), spec);
}

function increaseSql(from: string, reduce: string, spec: { series: readonly string[]; keep?: readonly string[]; where: string; bucket?: string }): string {
  const { series, where } = spec;
  const carried = [...new Set([...series, ...(spec.keep ?? [])])].join(', ');
  return `(
    SELECT timestamp, ${carried},
      CASE WHEN lo < f THEN (hi - f) + l ELSE l - f END
      + CASE WHEN p IS NULL THEN 0 WHEN f < p THEN f ELSE f - p END AS increase
    FROM (
      SELECT timestamp, ${carried}, f, l, lo, hi,
        lag(l) OVER (PARTITION BY ${series.join(', ')} ORDER BY timestamp) AS p
      FROM (
        SELECT timestamp, ${carried}, ${reduce}
        FROM ${from}
        WHERE ${where}
        SAMPLE BY ${spec.bucket ?? '$__sampleByInterval'}
      )
    )
  )`;
}

/** `expr` per bucket scaled to a per-`perMs` rate (Grafana's `$__interval_ms` is the bucket size). */
export function perTime(expr: string, perMs: number): string {
  return `${expr} * ${perMs}.0 / $__interval_ms`;
}

export const PER_MINUTE = 60_000;
export const PER_HOUR = 3_600_000;
