import type { Column } from './columns';
import type { FieldIssue } from './errors';
import { daemonMetrics } from './tables/daemon-metrics';
import type { DaemonMetricsRow } from './registry';
import { formatIsoMicros, parseIsoMicros } from './timestamp';

const COUNTERS = daemonMetrics.columnNames.filter((n) => (daemonMetrics.columns[n] as Column).counter === true);

type Sample = Pick<DaemonMetricsRow, 'timestamp' | 'uptime_seconds'> & Record<string, unknown>;

/** Rows admitted by `CounterContinuity.admit`; `rollback` forgets them when they could not be stored. */
export interface Admission {
  rollback(): void;
}

/** One (host, env) series: its recent samples in time order, at most about `limit`. */
class Series {
  samples: Sample[] = [];

  /** Index of the first sample with a timestamp >= t. */
  lowerBound(t: number): number {
    const s = this.samples;
    // Rows mostly arrive in time order: the common case is after the last sample.
    if (s.length === 0 || s[s.length - 1].timestamp < t) return s.length;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid].timestamp < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops the oldest samples beyond `limit`, in chunks so that appending stays O(1) amortized. */
  trim(limit: number): void {
    if (this.samples.length > limit * 2) this.samples = this.samples.slice(-limit);
  }
}

/** Whether a counter goes down from `earlier` to `later` without uptime going down (a restart). */
function breaks(earlier: Sample, later: Sample): boolean {
  if (later.uptime_seconds != null && earlier.uptime_seconds != null && later.uptime_seconds < earlier.uptime_seconds) return false;
  for (const name of COUNTERS) {
    const before = earlier[name];
    const after = later[name];
    if (typeof before === 'number' && typeof after === 'number' && after < before) return true;
  }
  return false;
}

/** The counters that went down from `earlier` to `later` (only called once `breaks` said so). */
function broken(earlier: Sample, later: Sample): { name: string; before: number; after: number }[] {
  return COUNTERS.flatMap((name) => {
    const before = earlier[name];
    const after = later[name];
    return typeof before === 'number' && typeof after === 'number' && after < before ? [{ name, before, after }] : [];
  });
}

/** What admitting one row changed: the sample put in, and the one it replaced (same timestamp). */
interface Change {
  series: Series;
  sample: Sample;
  replaced: Sample | undefined;
}

/**
 * Enforces docs/product.md §3 for cumulative daemon counters: a counter that goes down is accepted only
 * as a restart, i.e. when `uptime_seconds` went down too. Each row is checked against its
 * neighbours in TIME order (the stored series), not the order rows arrive: a backdated row must
 * fit between the samples before and after it, and a row with the timestamp of a stored one
 * replaces it (QuestDB's dedup upsert) and must fit just as well.
 *
 * Series are independent and `admit` is synchronous (check and remember in one step), so
 * concurrent batches need no queue: a batch that then fails to be stored is rolled back. At least
 * the last `historyPerSeries` samples are kept; a row older than all of them is checked against
 * the oldest kept one only.
 */
export class CounterContinuity {
  /** host → env → series: two lookups, no key string per row. */
  private readonly series = new Map<string, Map<string, Series>>();

  /**
   * 64 samples per series (up to twice that between trims): minutes of history at a daemon's
   * cadence, for late rows; it bounds memory (each sample is a stored row) at about 50 MB for
   * 1,000 daemons.
   */
  constructor(private readonly historyPerSeries = 64) {}

  /** The query for the newest stored sample of every (host, env): what `seed` takes after a restart. */
  static readonly LATEST_SQL = `SELECT ${['timestamp', 'host', 'env', 'uptime_seconds', ...COUNTERS].join(', ')} FROM daemon_metrics LATEST ON timestamp PARTITION BY host, env`;

  /**
   * Seeds the history with stored samples (rows of LATEST_SQL, timestamps as QuestDB prints them),
   * so that after a restart a counter cannot go down against what QuestDB holds. Returns how many.
   */
  seed(stored: readonly Record<string, unknown>[]): number {
    let seeded = 0;
    for (const r of stored) {
      const timestamp = typeof r['timestamp'] === 'string' ? parseIsoMicros(r['timestamp']) : undefined;
      if (timestamp === undefined || typeof r['host'] !== 'string' || typeof r['env'] !== 'string') continue;
      let byEnv = this.series.get(r['host']);
      if (!byEnv) this.series.set(r['host'], (byEnv = new Map()));
      if (byEnv.has(r['env'])) continue;
      const series = new Series();
      series.samples.push({ ...r, timestamp } as Sample);
      byEnv.set(r['env'], series);
      seeded++;
    }
    return seeded;
  }

  /**
   * Checks rows (in order; each against the history and the batch's earlier rows) and, when all
   * pass, remembers them: returns the issues, empty with an Admission to roll back otherwise.
   */
  admit(rows: readonly DaemonMetricsRow[]): { issues: FieldIssue[]; admission: Admission } {
    const issues: FieldIssue[] = [];
    const changes: Change[] = [];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as Sample & DaemonMetricsRow;
      let byEnv = this.series.get(row.host);
      if (!byEnv) this.series.set(row.host, (byEnv = new Map()));
      let series = byEnv.get(row.env);
      if (!series) byEnv.set(row.env, (series = new Series()));
      const samples = series.samples;
      const at = series.lowerBound(row.timestamp);
      const replaced = at < samples.length && samples[at].timestamp === row.timestamp ? samples[at] : undefined;
      const prev = at > 0 ? samples[at - 1] : undefined;
      const next = samples[replaced ? at + 1 : at];
      const down = prev !== undefined && breaks(prev, row);
      const up = next !== undefined && breaks(row, next);
      if (down || up) {
        if (down) {
          for (const b of broken(prev, row)) {
            issues.push({ row: i, path: b.name, message: `went down from ${b.before} to ${b.after} without a restart (uptime_seconds did not go down)` });
          }
        }
        if (up) {
          for (const b of broken(row, next)) {
            issues.push({
              row: i,
              path: b.name,
              message: `${b.before} is above ${b.after} stored for the later ${formatIsoMicros(next.timestamp)}: the counter would go down without a restart`,
            });
          }
        }
        continue;
      }
      if (replaced) samples[at] = row;
      else if (at === samples.length) samples.push(row);
      else samples.splice(at, 0, row);
      changes.push({ series, sample: row, replaced });
    }
    const rollback = () => {
      for (let k = changes.length - 1; k >= 0; k--) {
        const { series, sample, replaced } = changes[k];
        const j = series.samples.lastIndexOf(sample);
        if (j < 0) continue;
        if (replaced) series.samples[j] = replaced;
        else series.samples.splice(j, 1);
      }
    };
    if (issues.length > 0) rollback();
    else for (const c of changes) c.series.trim(this.historyPerSeries);
    return { issues, admission: { rollback } };
  }
}
