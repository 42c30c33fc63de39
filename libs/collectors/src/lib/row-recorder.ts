import {
  ColumnRangeError,
  CounterContinuity,
  rowRangeIssues,
  ValidationError,
  validateRows,
  type DaemonMetricsRow,
  type Row,
  type TableName,
  type ValidationOptions,
} from '@tradewatch/models';
import type { MetricsClient, RowSink } from '@tradewatch/questdb-client';
import type { RowOutput } from './collector';
import type { CollectorMetrics } from './metrics/collector-metrics';
import type { AdmittedSeries, LatestValues } from './metrics/latest-values';
import { SeriesLinePrefixes } from './metrics/series-line-prefixes';

/**
 * The one path every row takes, whether it came over HTTP or from a collector: the counter
 * continuity rule for daemon counters, the sink (resolves once the rows are durable), the
 * collector's own metrics and the latest-value gauges.
 */
export class RowRecorder implements RowOutput {
  private readonly continuity = new CounterContinuity();
  private readonly linePrefixes = new SeriesLinePrefixes();
  /** Sees every stored row that a source reported (the source inventory); derived rows bypass it. */
  observer: ((table: TableName, rows: readonly object[], series?: readonly (object | undefined)[]) => void) | undefined;
  /** For rows the collector derives itself (positions, silence rows, heartbeats): stored like any row, never taken as a source's report. */
  readonly derived: RowOutput = { write: (table, rows) => this.write(table, rows, false) };

  constructor(
    private readonly sink: RowSink,
    private readonly metrics: CollectorMetrics,
    private readonly latest: LatestValues,
    readonly validation: ValidationOptions,
  ) {}

  /**
   * Seeds counter continuity with the newest stored daemon_metrics row of every (host, env): one
   * query at start-up, so a restart of the collector does not let a counter go down. Returns how
   * many series were seeded; throws what the query throws (the caller decides whether to go on).
   */
  async seedContinuity(client: Pick<MetricsClient, 'query'>): Promise<number> {
    const { rows } = await client.query(CounterContinuity.LATEST_SQL);
    return this.continuity.seed(rows);
  }

  /** Validates untrusted rows (one or an array), all or nothing, then records them. */
  ingest<T extends TableName>(table: T, input: unknown): Promise<number> {
    try {
      const rows = this.validate(table, input);
      const count = rows.length;
      return this.storeValidated(table, rows, this.admitSeries(table, rows)).then(() => count);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Records rows that `validate` returned and `admitSeries` admitted (with what it found, so that
   * each row's series is looked up once): validated against the registry's ranges already, so no
   * range check again. Throws at once when they are refused (counter continuity's
   * ValidationError, the sink's refusal), and then none were taken; resolves once they are durable.
   * The wait holds none of the rows (see `take`).
   */
  storeValidated<T extends TableName>(table: T, rows: readonly Row<T>[], admitted: AdmittedSeries | undefined): Promise<void> {
    return this.take(table, rows, true, admitted);
  }

  /** Refuses (SeriesLimitError) items that would create more series of `table` than allowed. */
  admitSeries(table: TableName, items: readonly object[]): AdmittedSeries | undefined {
    return this.latest.admit(table, items);
  }

  /** Validates untrusted rows (one or an array), all or nothing, counting refusals; records nothing. */
  validate<T extends TableName>(table: T, input: unknown): Row<T>[] {
    try {
      return validateRows(table, input, this.validation);
    } catch (error) {
      if (error instanceof ValidationError) this.metrics.rowsRejected.inc({ table }, Array.isArray(input) ? input.length : 1);
      throw error;
    }
  }

  async write<T extends TableName>(table: T, rows: readonly Row<T>[], reported = true): Promise<void> {
    if (rows.length === 0) return;
    // The last guard before the spool: a row the collector computed with a value its column cannot
    // hold (NaN, ±Infinity, beyond a LONG) would make QuestDB refuse the whole request. Such rows
    // are refused alone; the others of the batch (other hosts' rows) are stored. Rows from HTTP
    // were validated against the same ranges and always pass.
    const issues = rowRangeIssues(table, rows);
    if (issues.length > 0) {
      const bad = new Set(issues.map((i) => i.row));
      this.metrics.rowsRejected.inc({ table }, bad.size);
      await this.write(table, rows.filter((_, i) => !bad.has(i)), reported);
      throw new ColumnRangeError(table, issues);
    }
    await this.take(table, rows, reported);
  }

  /**
   * Hands the rows to the sink and, once it took them, to the gauges and the source inventory;
   * resolves once they are durable. Throws at once what refuses them. Synchronous up to that wait,
   * which holds none of the rows: rows kept alive while the spool syncs are copied by every
   * young-generation collection meanwhile. So the gauges see rows the sink took, not yet rows it
   * made durable; should the spool then fail to write them, the request fails, and the gauges keep
   * what the source reported.
   */
  private take<T extends TableName>(table: T, rows: readonly Row<T>[], reported: boolean, admitted?: AdmittedSeries): Promise<void> {
    if (table === 'daemon_metrics') return this.takeDaemon(rows as readonly DaemonMetricsRow[], reported, admitted);
    return this.append(table, rows, reported, admitted);
  }

  /**
   * Counter continuity is checked and remembered synchronously per (host, env) series, so
   * concurrent batches run in parallel (no queue); a batch the sink refuses is rolled back.
   */
  private takeDaemon(rows: readonly DaemonMetricsRow[], reported: boolean, admitted?: AdmittedSeries): Promise<void> {
    // A series limits' handle stands for all of daemon_metrics' SYMBOL columns, host and env among
    // them: one (host, env) per handle, as continuity requires.
    const { issues, admission } = this.continuity.admit(rows, admitted?.rows === rows ? admitted.series : undefined);
    if (issues.length > 0) {
      this.metrics.rowsRejected.inc({ table: 'daemon_metrics' }, rows.length);
      throw new ValidationError('daemon_metrics', issues);
    }
    let durable: Promise<void>;
    try {
      durable = this.append('daemon_metrics', rows, reported, admitted);
    } catch (error) {
      admission.rollback();
      throw error;
    }
    return durable.catch((error: unknown) => {
      admission.rollback();
      throw error;
    });
  }

  private append<T extends TableName>(table: T, rows: readonly Row<T>[], reported: boolean, admitted?: AdmittedSeries): Promise<void> {
    let durable: Promise<void>;
    try {
      // Rows of held series are appended with their series' line prefix (their symbols, encoded once).
      durable = this.sink.append(table, rows, admitted?.rows === rows ? this.linePrefixes.of(table, admitted) : undefined);
    } catch (error) {
      this.sinkFailed(error);
      throw error;
    }
    this.latest.observe(table, rows, admitted);
    if (reported) this.observer?.(table, rows, admitted?.rows === rows ? admitted.series : undefined);
    const count = rows.length;
    return durable.then(
      () => void this.metrics.rowsAccepted.inc({ table }, count),
      (error: unknown) => {
        this.sinkFailed(error);
        throw error;
      },
    );
  }

  private sinkFailed(error: unknown): void {
    // A full spool is back-pressure, not a QuestDB failure.
    if ((error as { code?: unknown }).code !== 'spool_full') this.metrics.questdbError(error);
  }
}
