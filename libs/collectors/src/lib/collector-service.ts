import type { Environment, ValidationOptions } from '@tradewatch/models';
import type { RowSink } from '@tradewatch/questdb-client';
import type { Collector, ErrorReporter } from './collector';
import { DaemonCollector, type DaemonOptions } from './daemon/daemon-collector';
import { ExchangeCollector } from './exchange/exchange-collector';
import type { ExchangeOptions } from './exchange/probe-config';
import { IngestService, type IngestLimits } from './http/ingest-service';
import type { CollectorMetrics } from './metrics/collector-metrics';
import { LatestValues } from './metrics/latest-values';
import { PipelineCollector, type PipelineOptions } from './pipeline/pipeline-collector';
import { RowRecorder } from './row-recorder';
import { TradingCollector, type TradingOptions } from './trading/trading-collector';

export interface CollectorServiceOptions {
  /** `host` of the rows the collector itself produces (exchange probes). */
  host: string;
  env: Environment;
  validation: ValidationOptions;
  limits: IngestLimits;
  daemons: DaemonOptions;
  exchanges: ExchangeOptions;
  pipeline: PipelineOptions;
  trading: TradingOptions;
}

/**
 * All collectors and the ingest logic over one sink, sharing one RowRecorder (validation,
 * counter continuity, metrics, latest values). The HTTP layer calls `ingest`.
 */
export class CollectorService {
  readonly recorder: RowRecorder;
  readonly daemon: DaemonCollector;
  readonly exchange: ExchangeCollector;
  readonly pipeline: PipelineCollector;
  readonly trading: TradingCollector;
  readonly ingest: IngestService;
  private readonly collectors: Collector[];

  constructor(options: CollectorServiceOptions, sink: RowSink, metrics: CollectorMetrics, onError: ErrorReporter) {
    this.recorder = new RowRecorder(sink, metrics, new LatestValues(metrics.registry), options.validation);
    const output = this.recorder;
    this.daemon = new DaemonCollector(options.daemons, { output, validation: options.validation, env: options.env, onError });
    this.exchange = new ExchangeCollector(options.exchanges, { output, host: options.host, env: options.env, onError });
    this.pipeline = new PipelineCollector(options.pipeline, { output, onError });
    this.trading = new TradingCollector(options.trading, { output, onError });
    this.ingest = new IngestService(this.recorder, this.pipeline, this.trading, options.limits);
    this.collectors = [this.daemon, this.exchange, this.pipeline, this.trading];
  }

  async start(): Promise<void> {
    for (const c of this.collectors) await c.start();
  }

  /** Stops every collector; each writes what it still had aggregated. */
  async stop(): Promise<void> {
    await Promise.all(this.collectors.map((c) => c.stop()));
  }
}
