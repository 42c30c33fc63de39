/**
 * The average over rollup buckets: total of the per-minute sums over total of the per-minute
 * counts (an average of averages would weight a sparse minute like a busy one). Null when the
 * buckets hold no values.
 */
export function average(sumColumn: string, countColumn: string): string {
  return `sum(${sumColumn}) / sum(${countColumn})`;
}
