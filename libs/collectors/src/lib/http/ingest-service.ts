import { fetchEventSchema, tradingEventSchema, validateEvents, type TableName } from '@tradewatch/models';
import { PayloadTooLargeError } from '../errors';
import type { PipelineCollector } from '../pipeline/pipeline-collector';
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

export interface IngestLimits {
  maxRowsPerRequest: number;
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
  ) {}

  metrics(kind: MetricRoute, body: unknown): Promise<number> {
    this.checkRows(body);
    return this.recorder.ingest(METRIC_ROUTES[kind], body);
  }

  fetchEvents(body: unknown): number {
    this.checkRows(body);
    const events = validateEvents('fetch_events', fetchEventSchema(this.recorder.validation), body);
    this.pipeline.record(events);
    return events.length;
  }

  tradingEvents(body: unknown): number {
    this.checkRows(body);
    const events = validateEvents('trading_events', tradingEventSchema(this.recorder.validation), body);
    this.trading.record(events);
    return events.length;
  }

  private checkRows(body: unknown): void {
    const n = Array.isArray(body) ? body.length : 1;
    if (n > this.limits.maxRowsPerRequest) {
      throw new PayloadTooLargeError(`${n} rows in one request; the limit is ${this.limits.maxRowsPerRequest}`, 'rows');
    }
  }
}
