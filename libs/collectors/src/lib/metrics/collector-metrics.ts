import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { TABLE_NAMES, type TableName } from '@tradewatch/models';

/**
 * The collector's own health as Prometheus metrics (prefix `tradewatch_collector_`, base units,
 * `_total` counters). Labels are bounded: table names, error codes, route templates, statuses.
 */
export class CollectorMetrics {
  readonly registry: Registry;
  /** Rows acknowledged to their producer (the sink took them). */
  readonly rowsAccepted: Counter<'table'>;
  /** Rows QuestDB accepted. */
  readonly rowsWritten: Counter<'table'>;
  /** Rows refused by validation or the counter-continuity rule. */
  readonly rowsRejected: Counter<'table'>;
  /** Duration of one accepted write request to QuestDB. */
  readonly flushDuration: Histogram<'table'>;
  /** Rows waiting in the durable spool; set by the sink. */
  readonly spoolRows: Gauge;
  /** Bytes of the durable spool on disk; set by the sink. */
  readonly spoolBytes: Gauge;
  /** Failed QuestDB writes or queries, by error code. */
  readonly questdbErrors: Counter<'code'>;
  readonly httpRequests: Counter<'route' | 'status'>;
  /** Failed polls of daemon status endpoints, by reason (unreachable, http_status, malformed). */
  readonly daemonPollFailures: Counter<'reason'>;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    this.registry = new Registry();
    const registers = [this.registry];
    this.rowsAccepted = new Counter({
      name: 'tradewatch_collector_rows_accepted_total',
      help: 'Rows acknowledged to their producer (taken by the sink), per table.',
      labelNames: ['table'],
      registers,
    });
    this.rowsWritten = new Counter({
      name: 'tradewatch_collector_rows_written_total',
      help: 'Rows accepted by QuestDB, per table.',
      labelNames: ['table'],
      registers,
    });
    this.rowsRejected = new Counter({
      name: 'tradewatch_collector_rows_rejected_total',
      help: 'Rows refused by validation or the counter-continuity rule, per table (or event stream).',
      labelNames: ['table'],
      registers,
    });
    this.flushDuration = new Histogram({
      name: 'tradewatch_collector_flush_duration_seconds',
      help: 'Duration of one accepted write request to QuestDB, per table.',
      labelNames: ['table'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.spoolRows = new Gauge({
      name: 'tradewatch_collector_spool_rows',
      help: 'Rows in the durable spool not yet accepted by QuestDB.',
      registers,
    });
    this.spoolBytes = new Gauge({
      name: 'tradewatch_collector_spool_bytes',
      help: 'Size of the durable spool on disk.',
      registers,
    });
    this.questdbErrors = new Counter({
      name: 'tradewatch_collector_questdb_errors_total',
      help: 'Failed QuestDB writes or queries, by error code.',
      labelNames: ['code'],
      registers,
    });
    this.httpRequests = new Counter({
      name: 'tradewatch_collector_http_requests_total',
      help: 'HTTP requests served, by route template and status code.',
      labelNames: ['route', 'status'],
      registers,
    });
    this.daemonPollFailures = new Counter({
      name: 'tradewatch_daemon_poll_failures_total',
      help: 'Failed polls of daemon status endpoints, by reason: unreachable (refused, DNS, timeout), http_status (non-2xx), malformed (not a valid status JSON).',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of ['unreachable', 'http_status', 'malformed']) this.daemonPollFailures.inc({ reason }, 0);
    // Zero-initialise per-table series so dashboards and rate() see them before the first row.
    for (const table of TABLE_NAMES) {
      this.rowsAccepted.inc({ table }, 0);
      this.rowsWritten.inc({ table }, 0);
      this.rowsRejected.inc({ table }, 0);
    }
    if (options.defaultMetrics !== false) {
      collectDefaultMetrics({ register: this.registry, prefix: 'tradewatch_collector_' });
    }
  }

  /** Hook for the QuestDB writer's `onFlushed`. */
  flushed(table: TableName, rows: number, seconds: number): void {
    this.rowsWritten.inc({ table }, rows);
    this.flushDuration.observe({ table }, seconds);
  }

  questdbError(error: unknown): void {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown';
    this.questdbErrors.inc({ code });
  }
}
