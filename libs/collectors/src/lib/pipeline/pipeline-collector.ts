import { z } from 'zod';
import { TABLES, ValidationError, type DataType, type EpochMicros, type FetchEvent, type FieldIssue, type PipelineMetricsRow } from '@tradewatch/models';
import { IntervalCollector, type IntervalCollectorDeps } from '../interval-collector';

export const pipelineOptionsSchema = z.strictObject({
  /** One row per exchange/symbol/data_type/host per interval (when there was activity or a gap). */
  intervalMs: z.number().int().min(100).default(60_000),
  /** A gap is silence (or a jump in data timestamps) longer than cadence × tolerance. */
  tolerance: z.number().min(1).max(100).default(1.5),
  /**
   * Expected time between fetches per data type (docs/product.md §4 defaults). The market data types
   * (trades, ohlcv, ticker, orderbook) have none: a gap is detected only where one is configured.
   */
  cadencesMs: z
    .strictObject({
      oi: z.number().int().min(1).default(300_000),
      funding: z.number().int().min(1).default(3_600_000),
      liquidation: z.number().int().min(1).default(120_000),
      trades: z.number().int().min(1).optional(),
      ohlcv: z.number().int().min(1).optional(),
      ticker: z.number().int().min(1).optional(),
      orderbook: z.number().int().min(1).optional(),
    })
    .prefault({}),
  /** A series silent this long is dropped (e.g. a delisted symbol) instead of reporting a gap forever. */
  forgetAfterMs: z.number().int().min(1).default(86_400_000),
});
export type PipelineOptions = z.infer<typeof pipelineOptionsSchema>;

export type PipelineCollectorDeps = IntervalCollectorDeps;

const COLUMNS = TABLES.pipeline_metrics.columns;
const seriesId = (e: FetchEvent) => [e.host, e.env, e.exchange, e.symbol, e.data_type].join('\u0000');

interface Series {
  key: Pick<PipelineMetricsRow, 'host' | 'env' | 'exchange' | 'symbol' | 'data_type'>;
  lastEventAt: EpochMicros;
  lastDataAt: EpochMicros;
  records: number;
  bytes: number;
  latencySum: number;
  events: number;
  /** Longest gap seen in this interval, in µs. */
  gap: number;
}

/**
 * Aggregates fetch events into pipeline_metrics rows per interval and detects gaps: a silence
 * longer than the data type's cadence × tolerance (reported at every interval while it lasts,
 * with its length so far, and once more with its full length when data resumes), or a jump in
 * the data timestamps by more than that. `gap_duration_seconds` is the length of the silence
 * or of the jump.
 */
export class PipelineCollector extends IntervalCollector<'pipeline_metrics'> {
  readonly name = 'pipeline';
  private readonly series = new Map<string, Series>();

  constructor(
    private readonly options: PipelineOptions,
    deps: PipelineCollectorDeps,
  ) {
    super('pipeline_metrics', options.intervalMs, deps);
  }

  /**
   * Adds validated fetch events to the current interval, all or nothing: events that would carry
   * an interval's sum beyond what its column holds are refused with a ValidationError, before
   * anything is applied (one client's overflow must not make the interval's row unstorable).
   */
  record(events: readonly FetchEvent[]): void {
    this.checkSums(events);
    const received = this.now() * 1000;
    for (const e of events) {
      const at = e.timestamp ?? received;
      const id = seriesId(e);
      const limit = this.limitMicros(e.data_type);
      let s = this.series.get(id);
      if (!s) {
        s = { key: { host: e.host, env: e.env, exchange: e.exchange, symbol: e.symbol, data_type: e.data_type }, lastEventAt: at, lastDataAt: e.data_timestamp, records: 0, bytes: 0, latencySum: 0, events: 0, gap: 0 };
        this.series.set(id, s);
      } else {
        const silence = at - s.lastEventAt;
        const jump = e.data_timestamp - s.lastDataAt;
        if (silence > limit) s.gap = Math.max(s.gap, silence);
        if (jump > limit) s.gap = Math.max(s.gap, jump);
        s.lastEventAt = Math.max(s.lastEventAt, at);
        s.lastDataAt = Math.max(s.lastDataAt, e.data_timestamp);
      }
      s.records += e.records;
      s.bytes += e.bytes;
      s.latencySum += e.latency_ms;
      s.events += 1;
    }
  }

  private checkSums(events: readonly FetchEvent[]): void {
    const sums = new Map<string, { records: number; bytes: number }>();
    const issues: FieldIssue[] = [];
    events.forEach((e, i) => {
      const id = seriesId(e);
      let sum = sums.get(id);
      if (!sum) {
        const s = this.series.get(id);
        sum = { records: s?.records ?? 0, bytes: s?.bytes ?? 0 };
        sums.set(id, sum);
      }
      sum.records += e.records;
      sum.bytes += e.bytes;
      for (const [path, total, column] of [['records', sum.records, 'records_count'], ['bytes', sum.bytes, 'bytes_written']] as const) {
        const max = COLUMNS[column].range.max;
        if (total > max) issues.push({ row: i, path, message: `would make this interval's ${column} of the series ${total}, beyond the column's limit ${max}` });
      }
    });
    if (issues.length > 0) throw new ValidationError('fetch_events', issues);
  }

  protected rows(now: number): PipelineMetricsRow[] {
    const rows: PipelineMetricsRow[] = [];
    for (const [id, s] of this.series) {
      const silence = now - s.lastEventAt;
      if (s.events === 0 && silence > this.options.forgetAfterMs * 1000) {
        this.series.delete(id);
        continue;
      }
      const gap = s.events > 0 ? s.gap : silence > this.limitMicros(s.key.data_type) ? silence : 0;
      if (s.events === 0 && gap === 0) continue;
      rows.push({
        timestamp: now,
        ...s.key,
        records_count: s.records,
        bytes_written: s.bytes,
        latency_ms: s.events > 0 ? s.latencySum / s.events : null,
        gap_detected: gap > 0,
        gap_duration_seconds: gap > 0 ? gap / 1e6 : null,
      });
      Object.assign(s, { records: 0, bytes: 0, latencySum: 0, events: 0, gap: 0 });
    }
    return rows;
  }

  /** The silence or data jump that counts as a gap; infinite (never a gap) without a cadence. */
  private limitMicros(dataType: DataType): number {
    const cadence = this.options.cadencesMs[dataType];
    return cadence === undefined ? Infinity : cadence * this.options.tolerance * 1000;
  }
}
