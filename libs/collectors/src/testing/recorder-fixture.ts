/** Shared set-up of the collectors' integration tests: a real QuestDB behind a DirectSink. */
import { DEFAULT_VALIDATION_OPTIONS, type ValidationOptions } from '@tradewatch/models';
import { DirectSink, MetricsClient } from '@tradewatch/questdb-client';
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

export async function recorderFixture(validation: ValidationOptions = DEFAULT_VALIDATION_OPTIONS): Promise<RecorderFixture> {
  const client = await MetricsClient.connect({ url: questDbUrl(), flushIntervalMs: 100 });
  await client.bootstrap();
  const metrics = new CollectorMetrics({ defaultMetrics: false });
  const recorder = new RowRecorder(new DirectSink(client), metrics, new LatestValues(metrics.registry), validation);
  return { client, metrics, recorder, close: () => client.close() };
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
