import { Counter, Gauge, type Registry } from 'prom-client';
import { TABLE_NAMES, rowCopier, type Row, type TableName } from '@tradewatch/models';
import { SeriesLimitError } from '../errors';
import { gaugeSpecs, labelColumns, seriesColumns, type GaugeSpec } from './gauge-specs';
import { SeriesStore, type HeldSeries } from './series-store';

type AnyRow = Record<string, unknown>;

/**
 * What `admit` found for its items: per item, the series it belongs to when already held. Handed
 * to `observe` (and the inventory) with the same array, so that each row is looked up once.
 */
export interface AdmittedSeries {
  readonly rows: readonly object[];
  /** Per row, its series (`observe` fills in those it creates); opaque outside this file. */
  readonly series: (HeldSeries | undefined)[];
}

/** A series' key as text (for counting new series): its SYMBOL columns' values, NUL-separated. */
function seriesKey(columns: readonly string[], item: AnyRow): string {
  if (columns.length === 0) return '';
  let key = String(item[columns[0]]);
  for (let i = 1; i < columns.length; i++) key += '\u0000' + String(item[columns[i]]);
  return key;
}

/** Whether every key column has a value (items without one create no series). */
function hasKey(columns: readonly string[], item: AnyRow): boolean {
  for (let i = 0; i < columns.length; i++) if (item[columns[i]] === undefined || item[columns[i]] === null) return false;
  return true;
}

/** Bounds on the series a client can make the collector hold (memory, `/metrics` size). */
export interface SeriesLimits {
  /** New series (a new host, position, fetch series…) one request may create. */
  maxNewSeriesPerRequest: number;
  /** Series held per table; a request that would go beyond is refused. */
  maxSeriesPerTable: number;
  /** A series not reported for this long is forgotten (leaves `/metrics`, no longer counts). */
  forgetSeriesAfterMs: number;
}

export const DEFAULT_SERIES_LIMITS: SeriesLimits = { maxNewSeriesPerRequest: 5_000, maxSeriesPerTable: 50_000, forgetSeriesAfterMs: 24 * 3_600_000 };

/**
 * Keeps the latest row of every series (one per combination of SYMBOL columns) and exposes the
 * monitored values as Prometheus gauges and counters, computed at scrape time. Series that differ
 * only in a high-cardinality label (`symbol`) are combined per `GaugeSpec.aggregate`.
 */
export class LatestValues {
  /** Per table, its series: the latest row of each and when it was last observed, for forgetting silent ones. */
  private readonly series = new Map<TableName, SeriesStore>(TABLE_NAMES.map((t) => [t, new SeriesStore(seriesColumns(t))]));
  private readonly refused: Counter<'table' | 'limit'>;
  private lastSweep = 0;

  constructor(
    registry: Registry,
    private readonly limits: SeriesLimits = DEFAULT_SERIES_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    for (const spec of gaugeSpecs()) this.register(registry, spec);
    this.refused = new Counter({
      name: 'tradewatch_collector_series_refused_total',
      help: 'Requests refused (422) because they would create more series than allowed, per table and limit (per_request, per_table).',
      labelNames: ['table', 'limit'],
      registers: [registry],
    });
  }

  private readonly keyColumns = new Map<TableName, readonly string[]>(TABLE_NAMES.map((t) => [t, seriesColumns(t)]));

  /** On the ingest path of every row: one lookup per row (none when `admitted` holds it), the series updated in place. */
  observe<T extends TableName>(table: T, rows: readonly Row<T>[], admitted?: AdmittedSeries): void {
    const store = this.series.get(table);
    if (!store) return;
    const now = this.now();
    const known = admitted?.rows === rows ? admitted.series : undefined;
    // Each series keeps its own copy of its latest row, overwritten in place (see `rowCopier`).
    const { copy, assign } = rowCopier(table);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      let held = known?.[i];
      // Forgotten while the rows were being made durable, or new: looked up (again).
      if (held === undefined || held.forgotten) {
        held = store.get(row);
        if (!held) {
          const added = store.add(copy(row), now);
          if (known) known[i] = added;
          continue;
        }
        if (known) known[i] = held;
      }
      if ((row['timestamp'] as number) >= (held.row['timestamp'] as number)) assign(held.row, row);
      held.seenAt = now;
    }
  }

  /** Series held for a table (after forgetting silent ones). */
  seriesCount(table: TableName): number {
    this.forgetSilent();
    return this.series.get(table)?.size ?? 0;
  }

  /**
   * Refuses (SeriesLimitError, counted) a request whose items would create more new series of
   * `table` than one request may, or more than the table may hold. `items` carry the table's
   * SYMBOL columns (rows, or events that feed the table); items without them create no series.
   */
  admit(table: TableName, items: readonly object[]): AdmittedSeries | undefined {
    this.forgetSilent();
    const store = this.series.get(table);
    const columns = this.keyColumns.get(table);
    if (!store || !columns) return undefined;
    const fresh = new Set<string>();
    const series = new Array<HeldSeries | undefined>(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as AnyRow;
      const held = (series[i] = store.get(item));
      if (held === undefined && hasKey(columns, item)) fresh.add(seriesKey(columns, item));
    }
    const { maxNewSeriesPerRequest, maxSeriesPerTable, forgetSeriesAfterMs } = this.limits;
    if (fresh.size > maxNewSeriesPerRequest) {
      this.refused.inc({ table, limit: 'per_request' });
      throw new SeriesLimitError(`${table}: this request would create ${fresh.size} new series (${columns.join(', ')}); one request may create at most ${maxNewSeriesPerRequest}`);
    }
    if (fresh.size > 0 && store.size + fresh.size > maxSeriesPerTable) {
      this.refused.inc({ table, limit: 'per_table' });
      throw new SeriesLimitError(
        `${table}: the collector holds ${store.size} series and may hold at most ${maxSeriesPerTable}; this request would add ${fresh.size}. ` +
          `Series not reported for ${Math.round(forgetSeriesAfterMs / 1000)} s are forgotten`,
      );
    }
    return { rows: items, series };
  }

  /** Drops series silent for longer than the limit; sweeps at most once a second. */
  private forgetSilent(): void {
    const now = this.now();
    if (now - this.lastSweep < 1_000) return;
    this.lastSweep = now;
    const oldest = now - this.limits.forgetSeriesAfterMs;
    for (const store of this.series.values()) {
      for (const held of store.values()) if (held.seenAt < oldest) store.delete(held);
    }
  }

  /** The combined value of one spec per label set. */
  values(spec: GaugeSpec): { labels: Record<string, string>; value: number }[] {
    this.forgetSilent();
    const labelNames = labelColumns(spec.table);
    const groups = new Map<string, { labels: Record<string, string>; value: number }>();
    for (const { row } of this.series.get(spec.table)?.values() ?? []) {
      const raw = row[spec.column];
      if (raw === null || raw === undefined) continue;
      const v = Number(raw) * spec.scale;
      const labels = Object.fromEntries(labelNames.map((n) => [n, String(row[n])]));
      const key = labelNames.map((n) => labels[n]).join('\u0000');
      const g = groups.get(key);
      if (!g) groups.set(key, { labels, value: v });
      else g.value = spec.aggregate === 'sum' ? g.value + v : Math.max(g.value, v);
    }
    // Each value is finite (the registry's ranges), but a sum of large ones may not be: such a
    // series is left out rather than published as ±Infinity.
    return [...groups.values()].filter((g) => Number.isFinite(g.value));
  }

  private register(registry: Registry, spec: GaugeSpec): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    const common = { name: spec.name, help: spec.help, labelNames: labelColumns(spec.table), registers: [registry] };
    if (spec.kind === 'counter') {
      new Counter({
        ...common,
        collect() {
          this.reset();
          for (const { labels, value } of self.values(spec)) this.inc(labels, value);
        },
      });
    } else {
      new Gauge({
        ...common,
        collect() {
          this.reset();
          for (const { labels, value } of self.values(spec)) this.set(labels, value);
        },
      });
    }
  }
}
