import type { Environment, ValidationOptions } from '@tradewatch/models';
import type { RowSink } from '@tradewatch/questdb-client';
import { ApiCallCollector, type ApiCallOptions } from './api/api-call-collector';
import type { Collector, ErrorReporter, RowOutput } from './collector';
import { DaemonCollector, type DaemonOptions } from './daemon/daemon-collector';
import { ExchangeCollector } from './exchange/exchange-collector';
import type { ExchangeOptions } from './exchange/probe-config';
import { HeartbeatCollector, type BacklogStats } from './heartbeat/heartbeat-collector';
import { IngestService, type IngestLimits } from './http/ingest-service';
import { InventoryCollector } from './inventory/inventory-collector';
import type { InventoryOptions } from './inventory/inventory-config';
import { InventoryStore } from './inventory/inventory-store';
import { SourceInventory } from './inventory/source-inventory';
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
  apiCalls: ApiCallOptions;
  inventory: InventoryOptions;
  heartbeat: { intervalMs: number };
}

/** What the service reads from its surroundings: the spool's backlog, where to save the inventory. */
export interface CollectorServiceRuntime {
  backlog?: () => BacklogStats;
  /** The inventory's file (beside the spool); none: the inventory lives in memory only. */
  inventoryFile?: string;
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
  readonly apiCalls: ApiCallCollector;
  readonly ingest: IngestService;
  /** Every source seen or expected, with its state (status page, `GET /v1/sources`). */
  readonly inventory: SourceInventory;
  /** Who this collector is (its status page title, its heartbeat's `collector`). */
  readonly identity: { host: string; env: Environment };
  private readonly collectors: Collector[];
  /** Stopped after the others, so they see the final rows of the data collectors. */
  private readonly watchers: Collector[];

  constructor(options: CollectorServiceOptions, sink: RowSink, metrics: CollectorMetrics, onError: ErrorReporter, runtime: CollectorServiceRuntime = {}) {
    this.recorder = new RowRecorder(sink, metrics, new LatestValues(metrics.registry, options.limits.series), options.validation);
    this.identity = { host: options.host, env: options.env };
    const output = this.recorder;
    this.inventory = new SourceInventory({ options: options.inventory, pipeline: options.pipeline, env: options.env });
    this.recorder.observer = (table, rows, series) => this.inventory.observe(table, rows, series);
    const derived = this.recorder.derived;
    this.daemon = new DaemonCollector(options.daemons, { output, validation: options.validation, env: options.env, onError, pollFailures: metrics.daemonPollFailures });
    this.exchange = new ExchangeCollector(options.exchanges, { output, host: options.host, env: options.env, onError });
    this.pipeline = new PipelineCollector(options.pipeline, { output, onError });
    // Position rows are derived: stored and shown with the strategy, never taken as its report.
    const positions: RowOutput = {
      write: async (table, rows) => {
        await derived.write(table, rows);
        this.inventory.observeDerived(table, rows);
      },
    };
    this.trading = new TradingCollector(options.trading, { output: positions, onError, onEvents: (events) => this.inventory.observeStrategyEvents(events) });
    this.apiCalls = new ApiCallCollector(options.apiCalls, { output, onError });
    this.ingest = new IngestService(this.recorder, this.pipeline, this.trading, options.limits, this.apiCalls);
    this.collectors = [this.daemon, this.exchange, this.pipeline, this.trading, this.apiCalls];
    const store = runtime.inventoryFile === undefined ? undefined : new InventoryStore(runtime.inventoryFile);
    this.watchers = [
      new InventoryCollector({ inventory: this.inventory, output: derived, store, intervalMs: options.inventory.checkIntervalMs, onError }),
      new HeartbeatCollector({
        collector: options.host,
        env: options.env,
        intervalMs: options.heartbeat.intervalMs,
        output: derived,
        backlog: runtime.backlog ?? (() => ({ depthRows: 0, depthBytes: 0, oldestAgeSeconds: 0 })),
        sourcesSilent: () => this.inventory.silentCount(),
        onError,
      }),
    ];
  }

  async start(): Promise<void> {
    // The saved inventory is loaded before any row can be observed.
    for (const c of [...this.watchers, ...this.collectors]) await c.start();
  }

  /** Stops every collector; each writes what it still had aggregated. */
  async stop(): Promise<void> {
    await Promise.all(this.collectors.map((c) => c.stop()));
    await Promise.all(this.watchers.map((c) => c.stop()));
  }
}
