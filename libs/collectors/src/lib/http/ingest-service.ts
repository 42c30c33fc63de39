import type { z } from 'zod';
import { TABLES, ValidationError, apiEventSchema, fetchEventSchema, tradingEventSchema, validateEvents, type Row, type TableName } from '@tradewatch/models';
import { PayloadTooLargeError } from '../errors';
import { IlpRejectedError } from '../ilp/ilp-errors';
import type { IlpPrecision } from '../ilp/ilp-parser';
import { readIlp } from '../ilp/ilp-reader';
import type { IlpLineIssue } from '../ilp/ilp-rows';
import type { ApiCallCollector } from '../api/api-call-collector';
import type { PipelineCollector } from '../pipeline/pipeline-collector';
import type { AdmittedSeries, SeriesLimits } from '../metrics/latest-values';
import type { RowRecorder } from '../row-recorder';
import type { TradingCollector } from '../trading/trading-collector';

/** `POST /v1/metrics/{kind}` → table. */
export const METRIC_ROUTES = {
  daemon: 'daemon_metrics',
  exchange: 'exchange_status',
  pipeline: 'pipeline_metrics',
  trading: 'trading_metrics',
} as const satisfies Record<string, TableName>;
export type MetricRoute = keyof typeof METRIC_ROUTES;

export function isMetricRoute(kind: string): kind is MetricRoute {
  return Object.prototype.hasOwnProperty.call(METRIC_ROUTES, kind);
}

/** The tables InfluxDB line protocol (`POST /write`) may write: the same as the JSON API. */
export const ILP_TABLES: ReadonlySet<TableName> = new Set(Object.values(METRIC_ROUTES));

export interface IngestLimits {
  maxRowsPerRequest: number;
  /** Series bounds (new series per request, series held, forgetting); defaults when absent. */
  series?: SeriesLimits;
}

/**
 * What the ingest routes do, free of HTTP: validate a parsed JSON body (one item or an array,
 * all or nothing), enforce the row limit, and hand the result on. Resolves with the number
 * accepted once rows are durable (events: once aggregated). Throws ValidationError,
 * PayloadTooLargeError or the sink's error.
 */
export class IngestService {
  constructor(
    private readonly recorder: RowRecorder,
    private readonly pipeline: PipelineCollector,
    private readonly trading: TradingCollector,
    private readonly limits: IngestLimits,
    private readonly apiCalls: ApiCallCollector,
  ) {}

  /** `body`: parsed JSON (one row or an array). */
  metrics(kind: MetricRoute, body: unknown): Promise<number> {
    this.checkRows(body);
    return this.recorder.ingest(METRIC_ROUTES[kind], body);
  }

  fetchEvents(body: unknown): number {
    return this.events(body, 'fetch_events', fetchEventSchema(this.recorder.validation), 'pipeline_metrics', (e) => this.pipeline.record(e));
  }

  tradingEvents(body: unknown): number {
    return this.events(body, 'trading_events', tradingEventSchema(this.recorder.validation), 'trading_metrics', (e) => this.trading.record(e));
  }

  apiEvents(body: unknown): number {
    return this.events(body, 'api_events', apiEventSchema(this.recorder.validation), 'exchange_api_calls', (e) => this.apiCalls.record(e));
  }

  /** One event stream: validated (all or nothing), admitted as series of the table it feeds, handed to its collector. */
  private events<E extends object>(body: unknown, stream: string, schema: z.ZodType<E, unknown>, table: TableName, record: (events: E[]) => void): number {
    this.checkRows(body);
    const events = validateEvents(stream, schema, body);
    this.recorder.admitSeries(table, events);
    record(events);
    return events.length;
  }

  /**
   * `POST /write`: InfluxDB line protocol (one string, or pieces that each end with a line), each line judged like the JSON row it becomes; all or
   * nothing across every line and table of the request. Resolves with the number of rows once
   * they are durable; throws IlpRejectedError naming every bad line, PayloadTooLargeError or
   * the sink's error.
   */
  lineProtocol(body: string | readonly string[], precision: IlpPrecision = 'n'): Promise<number> {
    // Read, validated and handed over before anything is awaited, so that neither the body nor
    // the rows stay alive while the spool syncs (they would outlive young-generation collections).
    try {
      return this.writeLines(this.validLines(body, precision));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private validLines(body: string | readonly string[], precision: IlpPrecision): IlpValidBatch[] {
    const { batches, issues, count } = readIlp(body, precision, ILP_TABLES, () => Date.now() * 1000);
    if (count > this.limits.maxRowsPerRequest) {
      throw new PayloadTooLargeError(`${count} lines in one request; the limit is ${this.limits.maxRowsPerRequest}`, 'rows');
    }
    const valid: IlpValidBatch[] = [];
    for (const batch of batches) {
      try {
        valid.push({ table: batch.table, rows: this.recorder.validate(batch.table, batch.rows), lines: batch.lines });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        issues.push(...lineIssues(error, batch.table, batch.lines));
      }
    }
    if (issues.length > 0) throw new IlpRejectedError(issues);
    for (const batch of valid) batch.admitted = this.recorder.admitSeries(batch.table, batch.rows);
    // daemon_metrics first: its counter-continuity rule is the only one that can still refuse
    // at write time, and then nothing of the request has been written yet.
    return valid.sort((a, b) => Number(b.table === 'daemon_metrics') - Number(a.table === 'daemon_metrics'));
  }

  /**
   * Hands every table's rows to the recorder, daemon_metrics first (see `validLines`); resolves
   * with the number of rows once all are durable. Throws IlpRejectedError at once when counter
   * continuity refuses lines.
   */
  private writeLines(valid: readonly IlpValidBatch[]): Promise<number> {
    const durable: Promise<void>[] = [];
    let count = 0;
    for (const { table, rows, lines, admitted } of valid) {
      try {
        durable.push(this.recorder.storeValidated(table, rows, admitted));
      } catch (error) {
        // What was handed over already is stored; the request fails either way.
        for (const handed of durable) handed.catch(() => undefined);
        if (error instanceof ValidationError) throw new IlpRejectedError(lineIssues(error, table, lines));
        throw error;
      }
      count += rows.length;
    }
    return Promise.all(durable).then(() => count);
  }

  private checkRows(body: unknown): void {
    const n = Array.isArray(body) ? body.length : 1;
    if (n > this.limits.maxRowsPerRequest) {
      throw new PayloadTooLargeError(`${n} rows in one request; the limit is ${this.limits.maxRowsPerRequest}`, 'rows');
    }
  }
}

/** Validated rows of one table of a line-protocol request, with their line numbers. */
interface IlpValidBatch {
  table: TableName;
  rows: Row<TableName>[];
  lines: number[];
  /** The rows' series, once admitted. */
  admitted?: AdmittedSeries;
}

/** A table's validation issues (row indexes of the batch) as line-protocol issues (line numbers). */
function lineIssues(error: ValidationError, table: TableName, lines: readonly number[]): IlpLineIssue[] {
  const columns = () => Object.keys(TABLES[table].columns).join(', ');
  return error.issues.map((i) => ({
    line: lines[i.row] ?? 0,
    table,
    column: i.path || undefined,
    // In line-protocol words: a JSON row's unknown field is an unknown column here.
    message: i.message === 'unknown field' ? `unknown column (${table} has ${columns()})` : i.message,
  }));
}
