import type { Logger } from 'pino';
import type { MetricsClient } from '@tradewatch/questdb-client';
import type { CollectorMetrics, CollectorService, TokenAuth } from '@tradewatch/collectors';
import type { SinkHandle } from '../sink';

/** What the HTTP routes need; built once by `startCollector`. */
export interface HttpAppDeps {
  service: CollectorService;
  client: MetricsClient;
  sink: SinkHandle;
  metrics: CollectorMetrics;
  /** Ingest tokens (`COLLECTOR_TOKENS`): `/v1/*` and `/write`. */
  auth: TokenAuth;
  /**
   * Read access to `/metrics`, the details of `/health/ready` (and the status page): ingest or
   * scrape tokens (`COLLECTOR_SCRAPE_TOKENS`) when the collector is bound beyond loopback;
   * undefined when open (loopback).
   */
  scrapeAuth: TokenAuth | undefined;
  maxBodyBytes: number;
  logger: Logger;
  /** False once shutdown began: readiness fails and ingest answers 503. */
  accepting: () => boolean;
}
