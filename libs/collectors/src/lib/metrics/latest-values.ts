import { Counter, Gauge, type Registry } from 'prom-client';
import { TABLE_NAMES, type Row, type TableName } from '@tradewatch/models';
import { gaugeSpecs, labelColumns, seriesColumns, type GaugeSpec } from './gauge-specs';

type AnyRow = Record<string, unknown>;

/**
 * Keeps the latest row of every series (one per combination of SYMBOL columns) and exposes the
 * monitored values as Prometheus gauges and counters, computed at scrape time. Series that differ
 * only in a high-cardinality label (`symbol`) are combined per `GaugeSpec.aggregate`.
 */
export class LatestValues {
  private readonly latest = new Map<TableName, Map<string, AnyRow>>(TABLE_NAMES.map((t) => [t, new Map()]));

  constructor(registry: Registry) {
    for (const spec of gaugeSpecs()) this.register(registry, spec);
  }

  observe<T extends TableName>(table: T, rows: readonly Row<T>[]): void {
    const store = this.latest.get(table);
    if (!store) return;
    const keys = seriesColumns(table);
    for (const row of rows as readonly AnyRow[]) {
      const key = keys.map((k) => String(row[k])).join('\u0000');
      const prev = store.get(key);
      if (!prev || (row['timestamp'] as number) >= (prev['timestamp'] as number)) store.set(key, row);
    }
  }

  /** The combined value of one spec per label set. */
  values(spec: GaugeSpec): { labels: Record<string, string>; value: number }[] {
    const labelNames = labelColumns(spec.table);
    const groups = new Map<string, { labels: Record<string, string>; value: number }>();
    for (const row of this.latest.get(spec.table)?.values() ?? []) {
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
