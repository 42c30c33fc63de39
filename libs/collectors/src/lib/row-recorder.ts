import {
  CounterContinuity,
  ValidationError,
  validateRows,
  type DaemonMetricsRow,
  type Row,
  type TableName,
  type ValidationOptions,
} from '@tradewatch/models';
import type { RowSink } from '@tradewatch/questdb-client';
import type { RowOutput } from './collector';
import type { CollectorMetrics } from './metrics/collector-metrics';
import type { LatestValues } from './metrics/latest-values';

/**
 * The one path every row takes, whether it came over HTTP or from a collector: the counter
 * continuity rule for daemon counters, the sink (resolves once the rows are durable), the
 * collector's own metrics and the latest-value gauges.
 */
export class RowRecorder implements RowOutput {
  private readonly continuity = new CounterContinuity();
  // daemon_metrics batches are checked, appended and committed one at a time, so two concurrent
  // batches cannot both pass the continuity check against the same baseline.
  private daemonQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly sink: RowSink,
    private readonly metrics: CollectorMetrics,
    private readonly latest: LatestValues,
    readonly validation: ValidationOptions,
  ) {}

  /** Validates untrusted rows (one or an array), all or nothing, then records them. */
  async ingest<T extends TableName>(table: T, input: unknown): Promise<number> {
    const rows = this.validate(table, input);
    await this.write(table, rows);
    return rows.length;
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

  async write<T extends TableName>(table: T, rows: readonly Row<T>[]): Promise<void> {
    if (rows.length === 0) return;
    if (table === 'daemon_metrics') {
      const run = this.daemonQueue.then(() => this.writeDaemon(rows as readonly DaemonMetricsRow[]));
      this.daemonQueue = run.catch(() => undefined);
      return run;
    }
    await this.append(table, rows);
  }

  private async writeDaemon(rows: readonly DaemonMetricsRow[]): Promise<void> {
    const issues = this.continuity.check(rows);
    if (issues.length > 0) {
      this.metrics.rowsRejected.inc({ table: 'daemon_metrics' }, rows.length);
      throw new ValidationError('daemon_metrics', issues);
    }
    await this.append('daemon_metrics', rows);
    this.continuity.commit(rows);
  }

  private async append<T extends TableName>(table: T, rows: readonly Row<T>[]): Promise<void> {
    try {
      await this.sink.append(table, rows);
    } catch (error) {
      // A full spool is back-pressure, not a QuestDB failure.
      if ((error as { code?: unknown }).code !== 'spool_full') this.metrics.questdbError(error);
      throw error;
    }
    this.metrics.rowsAccepted.inc({ table }, rows.length);
    this.latest.observe(table, rows);
  }
}
