import { once } from 'node:events';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import { MetricsClient, QuestDbUnavailableError, backoffDelay, refreshRollups, sleep, type BootstrapReport } from '@tradewatch/questdb-client';
import { CollectorMetrics, CollectorService, RollupRefresher, TokenAuth } from '@tradewatch/collectors';
import { startDemoSources, type DemoSources } from '@tradewatch/demo';
import type { CollectorConfig } from './config';
import { createHttpApp } from './http-app';
import { createSink } from './sink';

export interface RunningCollector {
  /** Base URL of the HTTP API, e.g. `http://127.0.0.1:8080`. */
  url: string;
  service: CollectorService;
  client: MetricsClient;
  metrics: CollectorMetrics;
  /** Graceful shutdown: stop collectors, stop accepting, drain the sink (bounded). True if fully drained. */
  stop(): Promise<boolean>;
}

/**
 * Wires and starts the collector: QuestDB client and schema, sink, collectors, optional demo
 * sources, HTTP server. Resolves once the server listens.
 */
export async function startCollector(config: CollectorConfig, logger: Logger): Promise<RunningCollector> {
  const metrics = new CollectorMetrics();
  const client = await MetricsClient.connect({
    url: config.questdb.url,
    user: config.questdb.user,
    password: config.questdb.password,
    batchRows: config.questdb.batchRows,
    flushIntervalMs: config.questdb.flushIntervalMs,
    retryTimeoutMs: config.questdb.retryTimeoutMs,
    validation: config.service.validation,
    onFlushed: (table, rows, seconds) => metrics.flushed(table, rows, seconds),
    onError: (error) => {
      metrics.questdbError(error);
      logger.error({ err: error }, 'QuestDB write failed');
    },
  });
  const report = await bootstrapWhenReachable(client, config.questdb.startupTimeoutMs, logger);
  logger.info({ report }, 'QuestDB schema ready');

  let demo: DemoSources | undefined;
  const options = { ...config.service };
  if (config.demo) {
    demo = await startDemoSources({ host: options.host, cadencesMs: options.pipeline.cadencesMs });
    options.daemons = { ...options.daemons, targets: [...options.daemons.targets, ...demo.daemonTargets] };
    options.exchanges = { ...options.exchanges, probes: [...options.exchanges.probes, ...demo.probes] };
    logger.info({ daemons: demo.daemonTargets.map((t) => t.url), exchanges: demo.probes }, 'demo mode: simulated sources started');
  }

  const sink = await createSink(config, metrics, logger);
  const onError = (error: Error, context: string) => logger.warn({ err: error, context }, `${context}: ${error.message}`);
  const service = new CollectorService(options, sink.sink, metrics, onError, {
    backlog: () => sink.details().spool,
    inventoryFile: join(resolve(config.spool.dir), 'inventory.json'),
  });
  await service.recorder.seedContinuity(client).then(
    (series) => logger.info({ series }, 'counter continuity seeded from QuestDB'),
    (error: Error) => logger.warn({ err: error }, `counter continuity starts without stored rows: ${error.message}`),
  );
  const refreshFailures = new Counter({
    name: 'tradewatch_collector_rollup_refresh_failures_total',
    help: 'Requests to refresh the 1-minute rollups that QuestDB did not take (retried every rollups.refreshIntervalMs).',
    registers: [metrics.registry],
  });
  const rollups = new RollupRefresher({
    refresh: () => refreshRollups(client.rest),
    intervalMs: config.rollups.refreshIntervalMs,
    onError,
    failed: () => refreshFailures.inc(),
  });
  let accepting = true;
  const app = createHttpApp({
    service,
    client,
    sink,
    metrics,
    auth: new TokenAuth(config.http.tokens),
    scrapeAuth: config.http.scrapeTokens === undefined ? undefined : new TokenAuth(config.http.scrapeTokens),
    maxBodyBytes: config.http.maxBodyBytes,
    logger,
    accepting: () => accepting,
  });
  await service.start();
  await rollups.start();

  const server: Server = app.listen(config.http.port, config.http.bind);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = config.http.bind.includes(':') ? `[${config.http.bind}]` : config.http.bind;
  const url = `http://${host}:${port}`;
  logger.info({ url, demo: config.demo, auth: config.http.tokens.length > 0 }, 'collector listening');
  // The demo's feeds report over HTTP through @tradewatch/reporter, as a user's strategy would.
  demo?.startFeeds(url, config.http.tokens[0], onError);

  let stopping: Promise<boolean> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // The demo's reporter delivers what it holds while ingest still accepts.
      await demo?.stop();
      accepting = false;
      await service.stop();
      // In-flight requests finish; new connections are refused; idle keep-alive sockets closed.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      const drained = await sink.sink.drain(config.shutdown.drainTimeoutMs);
      if (!drained) logger.error({ timeoutMs: config.shutdown.drainTimeoutMs }, 'rows still pending after the drain timeout');
      // The last rows shipped are rolled up too (unless refreshing is another collector's job).
      await rollups.stop();
      if (config.rollups.refreshIntervalMs > 0) await rollups.tick();
      await sink.sink.close().catch((error: Error) => logger.error({ err: error }, 'closing the sink failed'));
      return drained;
    })());
  return { url, service, client, metrics, stop };
}

/**
 * Creates or checks the schema, waiting for QuestDB to come up (e.g. started by the same
 * `docker compose up`). Rows are never written before this: ILP would auto-create the tables
 * with guessed types.
 */
async function bootstrapWhenReachable(client: MetricsClient, timeoutMs: number, logger: Logger): Promise<BootstrapReport> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.bootstrap();
    } catch (error) {
      if (!(error instanceof QuestDbUnavailableError) || Date.now() >= deadline) throw error;
      const delay = Math.min(backoffDelay(attempt, { baseMs: 500, maxMs: 5_000 }), Math.max(0, deadline - Date.now()));
      logger.warn({ err: error }, `QuestDB is not reachable yet; retrying in ${(delay / 1000).toFixed(1)} s`);
      await sleep(delay);
    }
  }
}
