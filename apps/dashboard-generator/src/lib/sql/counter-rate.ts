import { TABLES, type TableName } from '@tradewatch/models';
import { DefinitionError } from '../errors';
import type { ColumnOf, SqlTable } from './registry-sql';

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
  const { table, counter, series, where } = spec;
  const def = TABLES[table.name].columns as Record<string, { counter?: boolean }>;
  if (!def[counter]?.counter) {
    throw new DefinitionError(`${table.name}.${counter} is not a cumulative counter in the table registry`);
  }
  const carried = [...new Set([...series, ...(spec.keep ?? [])])].join(', ');
  return `(
    SELECT timestamp, ${carried},
      CASE WHEN lo < f THEN (hi - f) + l ELSE l - f END
      + CASE WHEN p IS NULL THEN 0 WHEN f < p THEN f ELSE f - p END AS increase
    FROM (
      SELECT timestamp, ${carried}, f, l, lo, hi,
        lag(l) OVER (PARTITION BY ${series.join(', ')} ORDER BY timestamp) AS p
      FROM (
        SELECT timestamp, ${carried},
          first(${counter}) AS f, last(${counter}) AS l, min(${counter}) AS lo, max(${counter}) AS hi
        FROM ${table}
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
