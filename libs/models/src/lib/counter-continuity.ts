import type { Column } from './columns';
import type { FieldIssue } from './errors';
import { daemonMetrics } from './tables/daemon-metrics';
import type { DaemonMetricsRow } from './registry';
import { formatIsoMicros, parseIsoMicros } from './timestamp';

const COUNTERS = daemonMetrics.columnNames.filter((n) => (daemonMetrics.columns[n] as Column).counter === true);

/** Per sample: admission id, timestamp, uptime_seconds, then each counter (NaN for null). */
const ID = 0;
const TS = 1;
const UPTIME = 2;
const FIELDS = 3 + COUNTERS.length;

/**
 * An object the caller keeps for one (host, env) series and for no other, that can hold this
 * check's state for it (see `CounterContinuity.admit`).
 */
export interface ContinuityHandle {
  continuity?: unknown;
}

/** Rows admitted by `CounterContinuity.admit`; `rollback` forgets them when they could not be stored. */
export interface Admission {
  rollback(): void;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);

/**
 * Writes a row's uptime and counters into a sample, compiled once with the column names as
 * literals: a property read each, not a lookup by computed name (9 per row on the ingest path).
 */
const loadFigures = new Function(
  'num',
  'row',
  'v',
  [`v[${UPTIME}] = num(row["uptime_seconds"]);`, ...COUNTERS.map((name, k) => `v[${3 + k}] = num(row[${JSON.stringify(name)}]);`)].join('\n'),
).bind(undefined, num) as (row: Record<string, unknown>, v: Float64Array) => void;

/**
 * One (host, env) series: its recent samples in time order, at most about `limit`, packed in one
 * Float64Array (no object per sample: the history lives long, and rows it kept would all be
 * promoted to the old generation).
 */
class Series {
  data = new Float64Array(8 * FIELDS);
  length = 0;

  /** `owner`: the check this series belongs to (a handle may have met another's). */
  constructor(readonly owner: CounterContinuity) {}

  timestamp(i: number): number {
    return this.data[i * FIELDS + TS];
  }

  /** Index of the first sample with a timestamp >= t. */
  lowerBound(t: number): number {
    const n = this.length;
    // Rows mostly arrive in time order: the common case is after the last sample.
    if (n === 0 || this.timestamp(n - 1) < t) return n;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timestamp(mid) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Writes `values` (one sample) at `at`, shifting the later ones when `insert`. */
  put(at: number, values: Float64Array, insert: boolean): void {
    if (insert) {
      if ((this.length + 1) * FIELDS > this.data.length) {
        const grown = new Float64Array(this.data.length * 2);
        grown.set(this.data.subarray(0, this.length * FIELDS));
        this.data = grown;
      }
      // Rows mostly arrive in time order: appended, nothing to shift.
      if (at < this.length) this.data.copyWithin((at + 1) * FIELDS, at * FIELDS, this.length * FIELDS);
      this.length++;
    }
    // A loop, not TypedArray#set: a builtin call costs more than these few numbers.
    const data = this.data;
    const offset = at * FIELDS;
    for (let k = 0; k < FIELDS; k++) data[offset + k] = values[k];
  }

  remove(at: number): void {
    this.data.copyWithin(at * FIELDS, (at + 1) * FIELDS, this.length * FIELDS);
    this.length--;
  }

  /** Where the sample admitted as `id` at `t` is, or -1 (replaced since, or trimmed). */
  find(t: number, id: number): number {
    for (let i = this.lowerBound(t); i < this.length && this.timestamp(i) === t; i++) if (this.data[i * FIELDS + ID] === id) return i;
    return -1;
  }

  /** Drops the oldest samples beyond `limit`, in chunks so that appending stays O(1) amortized. */
  trim(limit: number): void {
    if (this.length <= limit * 2) return;
    this.data.copyWithin(0, (this.length - limit) * FIELDS, this.length * FIELDS);
    this.length = limit;
  }
}

/**
 * Whether a counter goes down from the sample at `earlier[e…]` to the one at `later[l…]` without
 * uptime going down (a restart). Offsets into the packed arrays: no view object per comparison.
 */
function breaks(earlier: Float64Array, e: number, later: Float64Array, l: number): boolean {
  // NaN (null) compares false: an unknown uptime or counter proves nothing either way.
  if (later[l + UPTIME] < earlier[e + UPTIME]) return false;
  for (let c = 3; c < FIELDS; c++) if (later[l + c] < earlier[e + c]) return true;
  return false;
}

/** The counters that went down (only called once `breaks` said so). */
function broken(earlier: Float64Array, e: number, later: Float64Array, l: number): { name: string; before: number; after: number }[] {
  return COUNTERS.flatMap((name, k) => (later[l + 3 + k] < earlier[e + 3 + k] ? [{ name, before: earlier[e + 3 + k], after: later[l + 3 + k] }] : []));
}

/**
 * What admitting a batch changed, per admitted row: its series, its timestamp and the sample it
 * replaced (same timestamp), in parallel arrays (no object per row: they live until the batch is
 * stored, across young-generation collections).
 */
interface Changes {
  series: Series[];
  timestamps: number[];
  /** Sparse: only rows that replaced a sample. */
  replaced: (Float64Array | undefined)[];
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
  /** Admission ids, so a rollback removes exactly the samples it put in. */
  private nextId = 1;
  /** The sample being admitted, as the history holds it (reused: no allocation per row). */
  private readonly current = new Float64Array(FIELDS);

  /**
   * 64 samples per series (up to twice that between trims): minutes of history at a daemon's
   * cadence, for late rows; packed as numbers, 1,000 daemons take under 5 MB.
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
      const series = new Series(this);
      series.put(0, this.load({ ...r, timestamp }, 0), true);
      byEnv.set(r['env'], series);
      seeded++;
    }
    return seeded;
  }

  private seriesOf(host: string, env: string): Series {
    let byEnv = this.series.get(host);
    if (!byEnv) this.series.set(host, (byEnv = new Map()));
    let series = byEnv.get(env);
    if (!series) byEnv.set(env, (series = new Series(this)));
    return series;
  }

  /** `row`'s figures into `current`, under admission `id`. */
  private load(row: Record<string, unknown>, id: number): Float64Array {
    const v = this.current;
    v[ID] = id;
    v[TS] = row['timestamp'] as number;
    loadFigures(row, v);
    return v;
  }

  /**
   * Checks rows (in order; each against the history and the batch's earlier rows) and, when all
   * pass, remembers them: returns the issues, empty with an Admission to roll back otherwise.
   * `handles[i]`, where given, is row i's (host, env) handle (the series limits' one): the series
   * is then kept in it and read from it, without comparing the host and env strings (about 40 %
   * of this check) or a WeakMap lookup by identity (about 30 % of what was left).
   */
  admit(rows: readonly DaemonMetricsRow[], handles?: readonly (ContinuityHandle | undefined)[]): { issues: FieldIssue[]; admission: Admission } {
    const issues: FieldIssue[] = [];
    const changes: Changes = { series: [], timestamps: [], replaced: [] };
    const id = this.nextId++;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const handle = handles?.[i];
      const kept = handle?.continuity;
      let series: Series;
      if (kept instanceof Series && kept.owner === this) series = kept;
      else {
        series = this.seriesOf(row.host, row.env);
        if (handle !== undefined) handle.continuity = series;
      }
      const current = this.load(row as unknown as Record<string, unknown>, id);
      const at = series.lowerBound(row.timestamp);
      const replaces = at < series.length && series.timestamp(at) === row.timestamp;
      const data = series.data;
      const prev = at > 0 ? (at - 1) * FIELDS : -1;
      const nextAt = replaces ? at + 1 : at;
      const next = nextAt < series.length ? nextAt * FIELDS : -1;
      const down = prev >= 0 && breaks(data, prev, current, 0);
      const up = next >= 0 && breaks(current, 0, data, next);
      if (down || up) {
        if (down) {
          for (const b of broken(data, prev, current, 0)) {
            issues.push({ row: i, path: b.name, message: `went down from ${b.before} to ${b.after} without a restart (uptime_seconds did not go down)` });
          }
        }
        if (up) {
          for (const b of broken(current, 0, data, next)) {
            issues.push({
              row: i,
              path: b.name,
              message: `${b.before} is above ${b.after} stored for the later ${formatIsoMicros(data[next + TS])}: the counter would go down without a restart`,
            });
          }
        }
        continue;
      }
      if (replaces) changes.replaced[changes.series.length] = data.slice(at * FIELDS, (at + 1) * FIELDS);
      series.put(at, current, !replaces);
      changes.series.push(series);
      changes.timestamps.push(row.timestamp);
    }
    const rollback = () => {
      for (let k = changes.series.length - 1; k >= 0; k--) {
        const series = changes.series[k];
        const j = series.find(changes.timestamps[k], id);
        if (j < 0) continue;
        const replaced = changes.replaced[k];
        if (replaced) series.put(j, replaced, false);
        else series.remove(j);
      }
    };
    if (issues.length > 0) rollback();
    else for (const series of changes.series) series.trim(this.historyPerSeries);
    return { issues, admission: { rollback } };
  }
}
