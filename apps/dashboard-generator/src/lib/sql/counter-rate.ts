import { TABLES, type TableName } from '@tradewatch/models';
import { DefinitionError } from '../errors';
import type { ColumnOf, SqlTable } from './registry-sql';

export interface CounterIncreaseSpec<T extends TableName> {
  table: SqlTable<T>;
  /** A cumulative counter of the registry (`counter: true`). */
  counter: ColumnOf<T>;
  /** The columns that identify one counter (one process): its samples are compared in order. */
  series: readonly ColumnOf<T>[];
  /** Extra columns carried through for grouping. */
  keep?: readonly ColumnOf<T>[];
  where: string;
}

/**
 * A subquery with one `increase` per sample of a cumulative counter: the difference to the
 * previous sample of the same series, or, when the counter went down (the process restarted and
 * counts from zero again), the new value itself. Summing `increase` per bucket gives a rate that
 * stays right across restarts. Columns: `timestamp`, the series and keep columns, `increase`.
 */
export function counterIncrease<T extends TableName>(spec: CounterIncreaseSpec<T>): string {
  const { table, counter, series, where } = spec;
  const def = TABLES[table.name].columns as Record<string, { counter?: boolean }>;
  if (!def[counter]?.counter) {
    throw new DefinitionError(`${table.name}.${counter} is not a cumulative counter in the table registry`);
  }
  const carried = [...new Set([...series, ...(spec.keep ?? [])])].join(', ');
  return `(
    SELECT timestamp, ${carried}, CASE WHEN delta < 0 THEN value ELSE delta END AS increase
    FROM (
      SELECT timestamp, ${carried}, ${counter} AS value,
        ${counter} - lag(${counter}) OVER (PARTITION BY ${series.join(', ')} ORDER BY timestamp) AS delta
      FROM ${table}
      WHERE ${where}
    )
  )`;
}

/** `expr` per bucket scaled to a per-`perMs` rate (Grafana's `$__interval_ms` is the bucket size). */
export function perTime(expr: string, perMs: number): string {
  return `${expr} * ${perMs}.0 / $__interval_ms`;
}

export const PER_MINUTE = 60_000;
export const PER_HOUR = 3_600_000;
