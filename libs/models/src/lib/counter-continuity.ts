import type { Column } from './columns';
import type { FieldIssue } from './errors';
import { daemonMetrics } from './tables/daemon-metrics';
import type { DaemonMetricsRow } from './registry';

const COUNTERS = daemonMetrics.columnNames.filter((n) => (daemonMetrics.columns[n] as Column).counter === true);

type Last = Pick<DaemonMetricsRow, 'timestamp' | 'uptime_seconds'> & Record<string, unknown>;

/**
 * Enforces SPEC.md §3 for cumulative daemon counters: a counter that goes down is accepted only
 * as a restart, i.e. when `uptime_seconds` went down too. State is kept per (host, env) and
 * only advanced by `commit`, so a rejected batch leaves it untouched.
 */
export class CounterContinuity {
  private readonly last = new Map<string, Last>();

  /** Issues for rows whose counters went backwards without a restart; checks rows in order. */
  check(rows: readonly DaemonMetricsRow[]): FieldIssue[] {
    const issues: FieldIssue[] = [];
    const seen = new Map<string, Last>();
    rows.forEach((row, i) => {
      const key = `${row.host}\u0000${row.env}`;
      const prev = seen.get(key) ?? this.last.get(key);
      if (prev && row.timestamp > prev.timestamp) {
        const restarted =
          row.uptime_seconds != null && prev.uptime_seconds != null && row.uptime_seconds < prev.uptime_seconds;
        for (const name of COUNTERS) {
          const now = row[name];
          const before = prev[name];
          if (typeof now === 'number' && typeof before === 'number' && now < before && !restarted) {
            issues.push({
              row: i,
              path: name,
              message: `went down from ${before} to ${now} without a restart (uptime_seconds did not go down)`,
            });
          }
        }
      }
      if (!prev || row.timestamp >= prev.timestamp) seen.set(key, row);
    });
    return issues;
  }

  /** Remembers accepted rows as the new baseline. */
  commit(rows: readonly DaemonMetricsRow[]): void {
    for (const row of rows) {
      const key = `${row.host}\u0000${row.env}`;
      const prev = this.last.get(key);
      if (!prev || row.timestamp >= prev.timestamp) this.last.set(key, row);
    }
  }
}
