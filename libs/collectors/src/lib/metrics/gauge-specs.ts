import { TABLE_NAMES, tableDef, type Column, type TableName } from '@tradewatch/models';

/**
 * How a monitored column becomes a Prometheus series. Derived from the table registry, so a new
 * column gets its gauge without touching this file; only unit conversions the registry cannot
 * express are spelled out below.
 */
export interface GaugeSpec {
  table: TableName;
  column: string;
  /** Full metric name, e.g. `tradewatch_exchange_latency_seconds`. */
  name: string;
  help: string;
  /** Cumulative counters of the source become Prometheus counters. */
  kind: 'gauge' | 'counter';
  /** Multiplier into the base unit (ms → s, percent → ratio, µs → s). */
  scale: number;
  /** How rows that share labels (they differ only in a dropped high-cardinality label) combine. */
  aggregate: 'sum' | 'max';
}

/** SYMBOL columns above this capacity (e.g. `symbol`) would explode series counts: never labels. */
const MAX_LABEL_CAPACITY = 1000;

/** Columns whose unit the name does not say. */
const OVERRIDES: Record<string, Partial<Pick<GaugeSpec, 'name' | 'scale' | 'aggregate'>>> = {
  drawdown: { name: 'drawdown_ratio', scale: 0.01, aggregate: 'max' },
  fill_rate: { name: 'fill_ratio', aggregate: 'max' },
  latency_ms_avg: { name: 'latency_avg_seconds', scale: 1e-3, aggregate: 'max' },
  latency_ms_max: { name: 'latency_max_seconds', scale: 1e-3, aggregate: 'max' },
};

/** Tables whose first word is taken by another table's metrics. */
const PREFIXES: Partial<Record<TableName, string>> = {
  exchange_api_calls: 'tradewatch_exchange_api',
};

/** `daemon_metrics` → `tradewatch_daemon`. */
export function metricPrefix(table: TableName): string {
  return PREFIXES[table] ?? `tradewatch_${table.split('_')[0]}`;
}

/** The label columns of a table: its low-cardinality SYMBOL columns. */
export function labelColumns(table: TableName): string[] {
  const def = tableDef(table);
  return def.columnNames.filter((n) => {
    const c = def.columns[n] as Column;
    return c.type === 'SYMBOL' && (c.capacity ?? 0) <= MAX_LABEL_CAPACITY;
  });
}

/** Every SYMBOL column, i.e. what identifies one series of the table (incl. `symbol`). */
export function seriesColumns(table: TableName): string[] {
  const def = tableDef(table);
  return def.columnNames.filter((n) => (def.columns[n] as Column).type === 'SYMBOL');
}

function specFor(table: TableName, column: string, c: Column): GaugeSpec | undefined {
  const prefix = metricPrefix(table);
  const help = `Latest ${table}.${column} reported`;
  if (column === 'timestamp' || c.type === 'SYMBOL' || c.type === 'VARCHAR') return undefined;
  if (c.counter) {
    return { table, column, name: `${prefix}_${column.replace(/_count$/, '')}_total`, help: `${help} (cumulative counter).`, kind: 'counter', scale: 1, aggregate: 'sum' };
  }
  const o = OVERRIDES[column];
  if (o) return { table, column, name: `${prefix}_${o.name}`, help: `${help}.`, kind: 'gauge', scale: o.scale ?? 1, aggregate: o.aggregate ?? 'sum' };
  if (c.type === 'TIMESTAMP') {
    return { table, column, name: `${prefix}_${column.replace(/_at$/, '')}_timestamp_seconds`, help: `${help}, as Unix time.`, kind: 'gauge', scale: 1e-6, aggregate: 'max' };
  }
  if (c.type === 'BOOLEAN') {
    return { table, column, name: `${prefix}_${column}`, help: `${help} (1 true, 0 false; summed over symbols).`, kind: 'gauge', scale: 1, aggregate: 'sum' };
  }
  if (column.endsWith('_ms')) {
    return { table, column, name: `${prefix}_${column.slice(0, -3)}_seconds`, help: `${help}, in seconds.`, kind: 'gauge', scale: 1e-3, aggregate: 'max' };
  }
  if (column.endsWith('_percent')) {
    return { table, column, name: `${prefix}_${column.slice(0, -8)}_ratio`, help: `${help}, as a ratio.`, kind: 'gauge', scale: 0.01, aggregate: 'max' };
  }
  // `_count` is reserved for histograms and summaries in Prometheus naming.
  const name = column.replace(/_count$/, '');
  return { table, column, name: `${prefix}_${name}`, help: `${help}.`, kind: 'gauge', scale: 1, aggregate: column.endsWith('_seconds') ? 'max' : 'sum' };
}

/** The collector's own heartbeat: its figures are in /metrics already (the spool gauges). */
const OWN_STATE: ReadonlySet<TableName> = new Set<TableName>(['collector_heartbeat']);

/** All gauge specs of all monitored tables, plus a `last_sample_timestamp_seconds` per table. */
export function gaugeSpecs(): GaugeSpec[] {
  return TABLE_NAMES.filter((t) => !OWN_STATE.has(t)).flatMap((table) => {
    const def = tableDef(table);
    const specs = def.columnNames.flatMap((n) => specFor(table, n, def.columns[n] as Column) ?? []);
    specs.push({
      table,
      column: 'timestamp',
      name: `${metricPrefix(table)}_last_sample_timestamp_seconds`,
      help: `Timestamp of the latest ${table} row, as Unix time.`,
      kind: 'gauge',
      scale: 1e-6,
      aggregate: 'max',
    });
    return specs;
  });
}
