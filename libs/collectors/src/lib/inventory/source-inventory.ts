import { TABLES, rowCopier, type Environment, type EpochMicros, formatIsoMicros } from '@tradewatch/models';
import type { InventoryOptions } from './inventory-config';
import {
  KIND_OF_TABLE,
  SOURCE_KINDS,
  SOURCE_TABLES,
  isSilenceRow,
  keyColumns,
  reportsProblem,
  silenceRow,
  silenceText,
  type SourceKind,
  type SourceRow,
  type SourceTable,
} from './source-kinds';

/** `ok`; `down` (its last report says so); `silent` (no report for cadence × tolerance); `missing` (expected, never reported); `waiting` (expected, not yet due). */
export type SourceState = 'ok' | 'down' | 'silent' | 'missing' | 'waiting';

/** One known source, as the status page and `GET /v1/sources` show it. */
export interface SourceView {
  kind: SourceKind;
  key: Record<string, string>;
  env: Environment;
  state: SourceState;
  expected: boolean;
  /** ISO timestamp of the last report, null if it never reported. */
  lastReportAt: string | null;
  /** Seconds since the last report (or since it is awaited, if it never reported). */
  ageSeconds: number;
  /** Expected seconds between reports; null when no cadence is configured (no silence detection). */
  cadenceSeconds: number | null;
  /** What is wrong, for problem states. */
  problem: string | null;
  /** The last reported row's values (without timestamp and key columns). */
  figures: Record<string, unknown>;
}

interface Entry {
  kind: SourceKind;
  key: Record<string, string>;
  env: Environment;
  expected: boolean;
  /** When the source became known (first report or declared expected). */
  since: EpochMicros;
  lastReportAt: EpochMicros | null;
  /** The last explicit silence row for it, the inventory's own or another collector's. */
  lastSilenceRowAt: EpochMicros | null;
  /** The latest reported row. */
  last: SourceRow | null;
}

/** What is saved beside the spool so the inventory survives a restart (see InventoryStore). */
export interface InventorySnapshot {
  version: 1;
  sources: Omit<Entry, 'expected'>[];
}

export interface InventorySettings {
  options: InventoryOptions;
  /** `pipeline.cadencesMs` and `pipeline.tolerance`: pipeline series are silent when PipelineCollector would call it a gap. */
  pipeline: { cadencesMs: Partial<Record<string, number>>; tolerance: number; intervalMs?: number };
  /** env of expected sources that do not name one. */
  env: Environment;
  /** Clock in epoch ms; tests pin it. */
  now?: () => number;
}

const KEYS = new Map(SOURCE_KINDS.map((k) => [k, keyColumns(k)]));
const PROBLEM_FIRST: Record<SourceState, number> = { missing: 0, silent: 1, down: 2, waiting: 3, ok: 4 };
/** Series keys remembered per kind before the memo starts over (bounds it under series churn). */
const MEMO_LIMIT = 100_000;

/** The entry's own copy of its latest row, overwritten in place: holding the row itself would keep every ingested row alive until the next (see `rowCopier`). */
function keepLast(e: Entry, table: SourceTable, r: SourceRow): void {
  const copier = rowCopier(table);
  if (e.last === null) e.last = copier.copy(r as never) as SourceRow;
  else copier.assign(e.last, r as never);
}

/**
 * Every source the collector has seen or expects, with when it last reported. Silence beyond its
 * cadence × tolerance turns into explicit rows (`silenceRows`), written again at the source's
 * cadence while it lasts, so alert rules fire on data rather than on its absence. Forgetting is
 * explicit: `forget`, or the forget horizon (default: the table's retention).
 */
export class SourceInventory {
  private readonly entries = new Map<string, Entry>();
  /**
   * Per kind, the entry each series of the recorder (its table's SYMBOL columns, an opaque handle)
   * last led to: rows whose series the recorder looked up find their entry without building an id.
   * Emptied whenever an entry is removed or replaced, and when it grows past MEMO_LIMIT.
   */
  private readonly memo = new Map<SourceKind, Map<object, Entry>>(SOURCE_KINDS.map((k) => [k, new Map()]));
  private readonly now: () => number;

  constructor(private readonly settings: InventorySettings) {
    this.now = settings.now ?? Date.now;
    this.declareExpected();
  }

  /**
   * Rows reported by a source (over HTTP, or polled/probed by the collector) and stored.
   * `series`, when given, are the rows' series (one handle per row, as the recorder's series
   * limits found them): they find known sources without building their ids.
   */
  observe(table: string, rows: readonly object[], series?: readonly (object | undefined)[]): void {
    const kind = KIND_OF_TABLE.get(table);
    if (!kind) return;
    // On the ingest path of every row: no allocation per row beyond the key string.
    const keys = KEYS.get(kind) as readonly string[];
    const memo = this.memo.get(kind) as Map<object, Entry>;
    if (memo.size > MEMO_LIMIT) memo.clear();
    const nowMicros = this.now() * 1000;
    for (let n = 0; n < rows.length; n++) {
      const r = rows[n] as SourceRow;
      const handle = series?.[n];
      let e = handle === undefined ? undefined : memo.get(handle);
      const silence = isSilenceRow(kind, r);
      const at = silence ? r.timestamp - Math.round(Number(r['gap_duration_seconds'] ?? 0) * 1e6) : r.timestamp;
      if (!e) {
        let id: string = kind;
        for (let i = 0; i < keys.length; i++) id += '\u0000' + String(r[keys[i]]);
        e = this.entries.get(id);
        if (!e) {
          const key = Object.fromEntries(keys.map((k) => [k, String(r[k])]));
          // Only fresh data makes a source: a backfill of history is no promise to keep reporting.
          if (this.isSilentSince(kind, key, at, nowMicros)) continue;
          e = { kind, key, env: r.env, expected: false, since: Math.min(at, nowMicros), lastReportAt: null, lastSilenceRowAt: null, last: null };
          this.entries.set(id, e);
        }
        if (handle !== undefined) memo.set(handle, e);
      }
      if (silence && (e.lastSilenceRowAt === null || r.timestamp > e.lastSilenceRowAt)) e.lastSilenceRowAt = r.timestamp;
      const reportAt = at < nowMicros ? at : nowMicros;
      if (e.lastReportAt === null || reportAt > e.lastReportAt) e.lastReportAt = reportAt;
      if (e.last === null || r.timestamp >= e.last.timestamp) {
        keepLast(e, SOURCE_TABLES[kind], r);
        e.env = r.env;
      }
    }
  }

  /** Trading events name a strategy's position: they are its reports (the TradingCollector's rows are not). */
  observeStrategyEvents(events: readonly { timestamp?: EpochMicros; strategy?: string; symbol: string; venue: string; env?: Environment }[]): void {
    const nowMicros = this.now() * 1000;
    for (const ev of events) {
      if (ev.strategy === undefined || ev.env === undefined) continue; // marks belong to no strategy
      const key = { strategy: ev.strategy, symbol: ev.symbol, venue: ev.venue, env: ev.env };
      const id = entryId('strategy', KEYS.get('strategy')?.map((k) => key[k as keyof typeof key]) ?? []);
      const at = Math.min(ev.timestamp ?? nowMicros, nowMicros);
      let e = this.entries.get(id);
      if (!e) {
        if (this.isSilentSince('strategy', key, at, nowMicros)) continue;
        e = { kind: 'strategy', key, env: ev.env, expected: false, since: at, lastReportAt: null, lastSilenceRowAt: null, last: null };
        this.entries.set(id, e);
      }
      if (e.lastReportAt === null || at > e.lastReportAt) e.lastReportAt = at;
    }
  }

  /**
   * Figures the collector derived for known strategies (its position rows): shown with the source,
   * never taken as a report, so a strategy that stopped still goes silent.
   */
  observeDerived(table: string, rows: readonly object[]): void {
    if (table !== SOURCE_TABLES.strategy) return;
    const keys = KEYS.get('strategy') as readonly string[];
    for (const r of rows as readonly SourceRow[]) {
      let id = 'strategy';
      for (let i = 0; i < keys.length; i++) id += '\u0000' + String(r[keys[i]]);
      const e = this.entries.get(id);
      if (e && (e.last === null || r.timestamp >= e.last.timestamp)) keepLast(e, SOURCE_TABLES.strategy, r);
    }
  }

  /**
   * The silence rows due now, per table: one per silent or missing source whose last silence
   * row is at least a cadence old. Also forgets sources past the forget horizon.
   */
  silenceRows(): Map<SourceTable, SourceRow[]> {
    const now = this.now() * 1000;
    const out = new Map<SourceTable, SourceRow[]>();
    for (const [id, e] of this.entries) {
      if (!e.expected && (e.lastReportAt ?? e.since) < now - this.forgetAfterMicros(e.kind)) {
        this.remove(id);
        continue;
      }
      const cadenceMs = this.cadenceMs(e);
      if (cadenceMs === undefined || !this.isSilent(e, now, cadenceMs)) continue;
      if (e.lastSilenceRowAt !== null && now - e.lastSilenceRowAt < cadenceMs * 1000) continue;
      const table = SOURCE_TABLES[e.kind];
      const rows = out.get(table) ?? [];
      rows.push(silenceRow(e.kind, { now, key: e.key, env: e.env, lastReportAt: e.lastReportAt, since: e.since, cadenceMs, last: e.last }));
      out.set(table, rows);
      e.lastSilenceRowAt = now;
    }
    return out;
  }

  /** Every source, problems first (missing, silent, down), then by kind and key. */
  list(): SourceView[] {
    const now = this.now() * 1000;
    const views = [...this.entries.values()].map((e) => this.view(e, now));
    return views.sort(
      (a, b) =>
        PROBLEM_FIRST[a.state] - PROBLEM_FIRST[b.state] ||
        SOURCE_KINDS.indexOf(a.kind) - SOURCE_KINDS.indexOf(b.kind) ||
        Object.values(a.key).join('/').localeCompare(Object.values(b.key).join('/')),
    );
  }

  /** Sources currently silent or missing (the heartbeat's `sources_silent`). */
  silentCount(): number {
    const now = this.now() * 1000;
    let n = 0;
    for (const e of this.entries.values()) {
      const cadenceMs = this.cadenceMs(e);
      if (cadenceMs !== undefined && this.isSilent(e, now, cadenceMs)) n++;
    }
    return n;
  }

  /**
   * Forgets one source by its key columns. A source declared expected in the config cannot be
   * forgotten here (it would come back at the next start): remove it from the config.
   */
  forget(kind: SourceKind, key: Record<string, string>): 'forgotten' | 'expected' | 'unknown' {
    const id = entryId(kind, (KEYS.get(kind) ?? []).map((k) => key[k] ?? ''));
    const e = this.entries.get(id);
    if (!e) return 'unknown';
    if (e.expected) return 'expected';
    this.remove(id);
    return 'forgotten';
  }

  /** The entries as they are now (`last` copied: an entry overwrites its own in place). */
  snapshot(): InventorySnapshot {
    return { version: 1, sources: [...this.entries.values()].map((e) => ({ kind: e.kind, key: e.key, env: e.env, since: e.since, lastReportAt: e.lastReportAt, lastSilenceRowAt: e.lastSilenceRowAt, last: e.last && { ...e.last } })) };
  }

  /** Takes back a saved inventory (sources declared expected keep that flag from the config). */
  restore(snapshot: InventorySnapshot): void {
    for (const s of snapshot.sources) {
      const id = entryId(s.kind, (KEYS.get(s.kind) ?? []).map((k) => s.key[k] ?? ''));
      const current = this.entries.get(id);
      this.entries.set(id, { ...s, expected: current?.expected ?? false });
    }
    this.clearMemo();
  }

  /** Removes an entry; the memo may lead to it, so it is emptied (removals are rare). */
  private remove(id: string): void {
    this.entries.delete(id);
    this.clearMemo();
  }

  private clearMemo(): void {
    for (const m of this.memo.values()) m.clear();
  }

  private declareExpected(): void {
    const { expected } = this.settings.options;
    const since = this.now() * 1000;
    const add = (kind: SourceKind, declared: Record<string, string | undefined>) => {
      const env = (declared['env'] ?? this.settings.env) as Environment;
      const keys = KEYS.get(kind) ?? [];
      const key = Object.fromEntries(keys.map((k) => [k, k === 'env' ? env : String(declared[k])]));
      this.entries.set(entryId(kind, keys.map((k) => key[k])), { kind, key, env, expected: true, since, lastReportAt: null, lastSilenceRowAt: null, last: null });
    };
    for (const d of expected.daemons) add('daemon', d);
    for (const x of expected.exchanges) add('exchange', x);
    for (const p of expected.pipeline) add('pipeline', p);
    for (const s of expected.strategies) add('strategy', s);
  }

  private view(e: Entry, now: EpochMicros): SourceView {
    const cadenceMs = this.cadenceMs(e);
    const silent = cadenceMs !== undefined && this.isSilent(e, now, cadenceMs);
    const state: SourceState = silent
      ? e.lastReportAt === null ? 'missing' : 'silent'
      : e.lastReportAt === null ? 'waiting'
      : e.last !== null && reportsProblem(e.kind, e.last) ? 'down' : 'ok';
    const keys = new Set(['timestamp', ...Object.keys(e.key)]);
    const figures = e.last === null ? {} : Object.fromEntries(Object.entries(e.last).filter(([k, v]) => !keys.has(k) && v !== undefined));
    const silence = { now, key: e.key, env: e.env, lastReportAt: e.lastReportAt, since: e.since, cadenceMs: cadenceMs ?? 0, last: e.last };
    return {
      kind: e.kind,
      key: e.key,
      env: e.env,
      state,
      expected: e.expected,
      lastReportAt: e.lastReportAt === null ? null : formatIsoMicros(e.lastReportAt),
      ageSeconds: Math.max(0, (now - (e.lastReportAt ?? e.since)) / 1e6),
      cadenceSeconds: cadenceMs === undefined ? null : cadenceMs / 1000,
      problem: silent ? silenceText(silence) : state === 'down' ? problemText(e.kind, e.last ?? {}) : null,
      figures,
    };
  }

  private isSilent(e: Entry, now: EpochMicros, cadenceMs: number): boolean {
    return now - (e.lastReportAt ?? e.since) > this.limitMicros(e.kind, cadenceMs);
  }

  /**
   * Cadence × tolerance; for pipeline series plus PipelineCollector's interval, since the rows of
   * fetch events are written at the end of each interval.
   */
  private limitMicros(kind: SourceKind, cadenceMs: number): number {
    const tolerance = kind === 'pipeline' ? this.settings.pipeline.tolerance : this.settings.options.tolerance;
    const delay = kind === 'pipeline' ? (this.settings.pipeline.intervalMs ?? 0) : 0;
    return (cadenceMs * tolerance + delay) * 1000;
  }

  /** Whether data from `at` is older than the source's silence limit (never, without a cadence). */
  private isSilentSince(kind: SourceKind, key: Record<string, string>, at: EpochMicros, now: EpochMicros): boolean {
    const cadenceMs = this.cadenceMs({ kind, key });
    return cadenceMs !== undefined && now - at > this.limitMicros(kind, cadenceMs);
  }

  private cadenceMs(e: Pick<Entry, 'kind' | 'key'>): number | undefined {
    if (e.kind === 'pipeline') return this.settings.pipeline.cadencesMs[e.key['data_type'] ?? ''];
    return this.settings.options.cadencesMs[e.kind];
  }

  private forgetAfterMicros(kind: SourceKind): number {
    const days = this.settings.options.forgetAfterDays ?? TABLES[SOURCE_TABLES[kind]].retentionDays;
    return days * 86_400e6;
  }
}

/** The same id `observe` builds: kind and key values, NUL-separated. */
function entryId(kind: SourceKind, values: readonly string[]): string {
  let id: string = kind;
  for (const v of values) id += '\u0000' + v;
  return id;
}

function problemText(kind: SourceKind, last: Record<string, unknown>): string {
  if (kind === 'daemon') return typeof last['last_error'] === 'string' && last['last_error'] !== '' ? `not running: ${last['last_error']}` : 'not running';
  if (kind === 'exchange') return typeof last['disconnected_at'] === 'number' ? `disconnected since ${formatIsoMicros(last['disconnected_at']).slice(0, 19).replace('T', ' ')} UTC` : 'disconnected';
  if (kind === 'pipeline') return `gap of ${Number(last['gap_duration_seconds'] ?? 0).toFixed(0)}s`;
  return 'problem';
}
