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

/** One (host, env) series: its recent samples in time order, at most `limit`. */
class Series {
  readonly samples: Sample[] = [];

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
}

/** Why `later` cannot follow `earlier` in time: a counter went down without uptime going down. */
function breaks(earlier: Sample, later: Sample): { name: string; before: number; after: number }[] {
  const restarted =
    later.uptime_seconds != null && earlier.uptime_seconds != null && later.uptime_seconds < earlier.uptime_seconds;
  if (restarted) return [];
  const out: { name: string; before: number; after: number }[] = [];
  for (const name of COUNTERS) {
    const before = earlier[name];
    const after = later[name];
    if (typeof before === 'number' && typeof after === 'number' && after < before) out.push({ name, before, after });
  }
  return out;
}

/**
 * Enforces SPEC.md §3 for cumulative daemon counters: a counter that goes down is accepted only
 * as a restart, i.e. when `uptime_seconds` went down too. Each row is checked against its
 * neighbours in TIME order (the stored series), not the order rows arrive: a backdated row must
 * fit between the samples before and after it, and a row with the timestamp of a stored one
 * replaces it (QuestDB's dedup upsert) and must fit just as well.
 *
 * Series are independent and `admit` is synchronous (check and remember in one step), so
 * concurrent batches need no queue: a batch that then fails to be stored is rolled back. The last
 * `historyPerSeries` samples are kept; a row older than all of them is checked against the
 * oldest kept one only.
 */
export class CounterContinuity {
  private readonly series = new Map<string, Series>();

  constructor(private readonly historyPerSeries = 1024) {}

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
      const key = `${r['host']}\u0000${r['env']}`;
      if (this.series.has(key)) continue;
      const series = new Series();
      series.samples.push({ ...r, timestamp } as Sample);
      this.series.set(key, series);
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
    const undo: (() => void)[] = [];
    rows.forEach((row, i) => {
      const key = `${row.host}\u0000${row.env}`;
      let series = this.series.get(key);
      if (!series) {
        const created = new Series();
        this.series.set(key, created);
        series = created;
        undo.push(() => {
          if (this.series.get(key) === created && created.samples.length === 0) this.series.delete(key);
        });
      }
      const samples = series.samples;
      const at = series.lowerBound(row.timestamp);
      const replaces = at < samples.length && samples[at].timestamp === row.timestamp;
      const prev = at > 0 ? samples[at - 1] : undefined;
      const next = samples[replaces ? at + 1 : at];
      const problems: FieldIssue[] = [];
      if (prev) {
        for (const b of breaks(prev, row)) {
          problems.push({ row: i, path: b.name, message: `went down from ${b.before} to ${b.after} without a restart (uptime_seconds did not go down)` });
        }
      }
      if (next) {
        for (const b of breaks(row, next)) {
          problems.push({
            row: i,
            path: b.name,
            message: `${b.before} is above ${b.after} stored for the later ${formatIsoMicros(next.timestamp)}: the counter would go down without a restart`,
          });
        }
      }
      if (problems.length > 0) {
        issues.push(...problems);
        return;
      }
      const sample = row as Sample;
      if (replaces) {
        const old = samples[at];
        samples[at] = sample;
        undo.push(() => {
          const j = samples.indexOf(sample);
          if (j >= 0) samples[j] = old;
        });
      } else {
        samples.splice(at, 0, sample);
        undo.push(() => {
          const j = samples.indexOf(sample);
          if (j >= 0) samples.splice(j, 1);
        });
        if (samples.length > this.historyPerSeries) samples.shift();
      }
    });
    const rollback = () => {
      for (let k = undo.length - 1; k >= 0; k--) undo[k]();
    };
    if (issues.length > 0) rollback();
    return { issues, admission: { rollback } };
  }
}
