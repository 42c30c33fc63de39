import {
  TABLES,
  type DaemonMetricsRow,
  type Environment,
  type EpochMicros,
  type ExchangeStatusRow,
  type PipelineMetricsRow,
  type TradingMetricsRow,
} from '@tradewatch/models';

/** The kinds of source the inventory tracks, each with the table its rows (and silence rows) go to. */
export const SOURCE_TABLES = {
  daemon: 'daemon_metrics',
  exchange: 'exchange_status',
  pipeline: 'pipeline_metrics',
  strategy: 'trading_metrics',
} as const;
export type SourceKind = keyof typeof SOURCE_TABLES;
export type SourceTable = (typeof SOURCE_TABLES)[SourceKind];
export const SOURCE_KINDS = Object.keys(SOURCE_TABLES) as SourceKind[];

export function isSourceKind(kind: string): kind is SourceKind {
  return Object.prototype.hasOwnProperty.call(SOURCE_TABLES, kind);
}

/** A source's identity: the table's dedup keys without the timestamp (e.g. exchange + host). */
export function keyColumns(kind: SourceKind): readonly string[] {
  return TABLES[SOURCE_TABLES[kind]].dedupKeys.filter((k) => k !== 'timestamp');
}

export const KIND_OF_TABLE: ReadonlyMap<string, SourceKind> = new Map(SOURCE_KINDS.map((k) => [SOURCE_TABLES[k], k]));

/** A row of any source table, loosely typed for code that handles all of them. */
export type SourceRow = Record<string, unknown> & { timestamp: EpochMicros; env: Environment };

/**
 * Whether a reported row says the source has a problem (shown as `down` on the status page):
 * a stopped daemon, a disconnected feed, a pipeline gap. Strategies report figures, not health.
 */
export function reportsProblem(kind: SourceKind, row: Record<string, unknown>): boolean {
  if (kind === 'daemon') return row['running'] === false;
  if (kind === 'exchange') return row['connected'] === false;
  if (kind === 'pipeline') return row['gap_detected'] === true;
  return false;
}

/**
 * Whether a pipeline row only reports ongoing silence (a gap with nothing fetched, as
 * PipelineCollector writes while a series is quiet): the series was then last active
 * `gap_duration_seconds` before the row, and the row is itself a silence row.
 */
export function isSilenceRow(kind: SourceKind, row: Record<string, unknown>): boolean {
  return kind === 'pipeline' && row['gap_detected'] === true && !(Number(row['records_count'] ?? 0) > 0);
}

/** What a silence row says: how long the source has been quiet and how often it should report. */
export interface Silence {
  now: EpochMicros;
  key: Record<string, string>;
  env: Environment;
  /** The last report, or null for an expected source that never reported. */
  lastReportAt: EpochMicros | null;
  /** Since when the source is awaited (first known, or declared expected). */
  since: EpochMicros;
  cadenceMs: number;
  /** The figures of the last report (e.g. an exchange's last_message_at). */
  last: Record<string, unknown> | null;
}

/** `silent: no report for 185s (expected every 60s)` — the text alert rules and people read. */
export function silenceText(s: Silence): string {
  const every = `expected every ${Math.round(s.cadenceMs / 1000)}s`;
  if (s.lastReportAt === null) return `silent: never reported since ${Math.round((s.now - s.since) / 1e6)}s ago (${every})`;
  return `silent: no report for ${Math.round((s.now - s.lastReportAt) / 1e6)}s (${every})`;
}

/**
 * The explicit row that says a source is silent (CONTRACT.md): daemon `running=false` with the
 * silence in `last_error`; exchange feed `connected=false`; pipeline gap row with the silence's
 * length; strategy: a row with every figure NULL (no position, PnL or orders known) — the
 * TradingCollector always writes `position_size`, so `position_size IS NULL` marks silence.
 */
export function silenceRow(kind: SourceKind, s: Silence): SourceRow {
  const base = { timestamp: s.now, ...s.key, env: s.env };
  const silentFor = s.now - (s.lastReportAt ?? s.since);
  switch (kind) {
    case 'daemon':
      return { ...base, running: false, last_error: silenceText(s), last_error_at: s.now } as DaemonMetricsRow;
    case 'exchange': {
      const lastMessage = s.last?.['last_message_at'];
      return {
        ...base,
        connected: false,
        last_message_at: typeof lastMessage === 'number' ? Math.min(lastMessage, s.now) : null,
        disconnected_at: s.lastReportAt,
      } as ExchangeStatusRow;
    }
    case 'pipeline':
      return { ...base, records_count: 0, bytes_written: 0, latency_ms: null, gap_detected: true, gap_duration_seconds: silentFor / 1e6 } as PipelineMetricsRow;
    case 'strategy':
      return { ...base } as TradingMetricsRow;
  }
}
