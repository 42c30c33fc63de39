/** Shared set-up of the collectors' integration tests: a real QuestDB behind a DirectSink, or behind a spool as the collector runs it. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_VALIDATION_OPTIONS, type ValidationOptions } from '@tradewatch/models';
import { DirectSink, MetricsClient, SpoolSink, type RowSink } from '@tradewatch/questdb-client';
import { questDbUrl } from '@tradewatch/questdb-client/testing';
import { CollectorMetrics } from '../lib/metrics/collector-metrics';
import { LatestValues } from '../lib/metrics/latest-values';
import { RowRecorder } from '../lib/row-recorder';

export interface RecorderFixture {
  client: MetricsClient;
  metrics: CollectorMetrics;
  recorder: RowRecorder;
  close(): Promise<void>;
}

/**
 * `sink`: `direct` writes through the client; `spool` appends to a spool in a temporary directory
 * that ships to QuestDB, the collector's own path (rows of held series go with their line prefix).
 */
export async function recorderFixture(validation: ValidationOptions = DEFAULT_VALIDATION_OPTIONS, sink: 'direct' | 'spool' = 'direct'): Promise<RecorderFixture> {
  const client = await MetricsClient.connect({ url: questDbUrl(), flushIntervalMs: 100 });
  await client.bootstrap();
  const metrics = new CollectorMetrics({ defaultMetrics: false });
  const dir = sink === 'spool' ? await mkdtemp(join(tmpdir(), 'recorder-spool-')) : undefined;
  const rowSink: RowSink = dir ? await SpoolSink.open({ dir, connection: { url: questDbUrl() }, lingerMs: 50 }) : new DirectSink(client);
  const recorder = new RowRecorder(rowSink, metrics, new LatestValues(metrics.registry), validation);
  const close = async () => {
    if (dir) {
      await rowSink.close();
      await rm(dir, { recursive: true, force: true });
    }
    await client.close();
  };
  return { client, metrics, recorder, close };
}

/** Polls a query until `accept` likes its rows (WAL tables apply commits asynchronously). */
export async function waitForRows<T = Record<string, unknown>>(
  client: MetricsClient,
  sql: string,
  accept: (rows: T[]) => boolean,
  timeoutMs = 5_000,
): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  let rows: T[] = [];
  while (Date.now() < deadline) {
    rows = (await client.query<T>(sql)).rows;
    if (accept(rows)) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${sql}\nlast rows: ${JSON.stringify(rows).slice(0, 1000)}`);
}

export const noop = (): void => undefined;
