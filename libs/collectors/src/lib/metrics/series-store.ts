type AnyRow = Record<string, unknown>;

/** The columns naming who reports (one per request, mostly): looked up first. */
const REPORTER = ['host', 'env'];

/** One series of a table: its latest row and when it was last observed (collector clock, ms). */
export interface HeldSeries {
  row: AnyRow;
  seenAt: number;
  /** The series' key: the values of its SYMBOL columns, in registry order. */
  readonly values: readonly unknown[];
  /** Set once forgotten: a handle kept across an await must be looked up again. */
  forgotten: boolean;
  /** The series' ILP line prefix, once encoded (see `SeriesLinePrefixes`). */
  linePrefix?: Uint8Array;
  /** Counter continuity's state for the series (daemon_metrics; see `ContinuityHandle`). */
  continuity?: unknown;
}

/**
 * A table's series, found by the values of its key columns through one Map per column. Why not one
 * Map keyed by the values joined into a string: building, flattening and hashing that string per
 * row cost ~0.3 µs, four times the nested lookups (the values are strings JSON.parse made; each
 * hashes once). Values are compared as Map keys do, so a missing value (undefined) never equals the
 * text "undefined".
 */
export class SeriesStore {
  private readonly root = new Map<unknown, unknown>();
  private readonly held = new Set<HeldSeries>();
  /** The key columns in the order the Maps nest: the reporter's own (host, env) first. */
  private readonly columns: readonly string[];
  /**
   * The previous lookup: per depth, the value and what it led to. Rows of a request mostly share
   * their first values (one reporter), which then cost a comparison instead of a hash lookup.
   * Forgotten whenever a series is added or deleted.
   */
  private readonly lastValues: unknown[];
  private readonly lastFound: unknown[];
  /** How many entries of lastValues / lastFound hold. */
  private lastDepth = 0;

  constructor(columns: readonly string[]) {
    this.columns = [...columns.filter((c) => REPORTER.includes(c)), ...columns.filter((c) => !REPORTER.includes(c))];
    this.lastValues = new Array<unknown>(columns.length).fill(undefined);
    this.lastFound = new Array<unknown>(columns.length).fill(undefined);
  }

  get size(): number {
    return this.held.size;
  }

  values(): IterableIterator<HeldSeries> {
    return this.held.values();
  }

  /** The series `item` belongs to, if held. */
  get(item: AnyRow): HeldSeries | undefined {
    const { columns, lastValues, lastFound } = this;
    if (columns.length === 0) return this.root.get(undefined) as HeldSeries | undefined;
    let level: unknown = this.root;
    let i = 0;
    // The same values as the previous lookup lead to the same places.
    while (i < this.lastDepth && item[columns[i]] === lastValues[i]) level = lastFound[i++];
    // A depth, not `length =`: truncating an array is a runtime call in V8 (~1 % of the ingest CPU).
    this.lastDepth = i;
    for (; i < columns.length; i++) {
      const value = item[columns[i]];
      level = (level as Map<unknown, unknown>).get(value);
      if (level === undefined) return undefined;
      lastValues[i] = value;
      lastFound[i] = level;
      this.lastDepth = i + 1;
    }
    return level as HeldSeries;
  }

  /** Holds a new series for `row` (the caller checked `get` found none). */
  add(row: AnyRow, seenAt: number): HeldSeries {
    const { columns } = this;
    const values = columns.map((c) => row[c]);
    // Every field from the start: one hidden class for every series.
    const series: HeldSeries = { row, seenAt, values, forgotten: false, linePrefix: undefined, continuity: undefined };
    let level = this.root;
    for (let i = 0; i < values.length - 1; i++) {
      let next = level.get(values[i]) as Map<unknown, unknown> | undefined;
      if (next === undefined) level.set(values[i], (next = new Map()));
      level = next;
    }
    level.set(values.length === 0 ? undefined : values[values.length - 1], series);
    this.held.add(series);
    this.lastDepth = 0;
    return series;
  }

  /** Forgets a series (and the Maps it alone used). */
  delete(series: HeldSeries): void {
    if (!this.held.delete(series)) return;
    series.forgotten = true;
    this.lastDepth = 0;
    const path: Map<unknown, unknown>[] = [this.root];
    for (let i = 0; i < series.values.length - 1; i++) path.push(path[i].get(series.values[i]) as Map<unknown, unknown>);
    for (let i = path.length - 1; i >= 0; i--) {
      path[i].delete(series.values.length === 0 ? undefined : series.values[i]);
      if (path[i].size > 0) break;
    }
  }
}
