import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_VALIDATION_OPTIONS, formatIsoMicros, type TableName } from '@tradewatch/models';
import { SpoolSink } from '@tradewatch/questdb-client';
import { questDbUrl } from '@tradewatch/questdb-client/testing';
import { allCollected } from '../testing/collected';
import { IngestService } from './http/ingest-service';
import { CollectorMetrics } from './metrics/collector-metrics';
import { LatestValues } from './metrics/latest-values';
import { RowRecorder } from './row-recorder';

/**
 * Why it matters: a row still referenced while the spool syncs is copied by every young-generation
 * collection meanwhile, and promoted; on the ingest path that cost more than validating it. The
 * spool here waits 300 ms before each sync, so the rows are checked while their acknowledgement waits.
 */
describe('the ingest path keeps no row alive while the spool syncs (real spool, real QuestDB)', () => {
  let dir: string;
  let sink: SpoolSink;
  let recorder: RowRecorder;
  let service: IngestService;
  /** Every row the recorder handed on (the source inventory's hook sees each one). */
  let seen: WeakRef<object>[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'retention-spool-'));
    sink = await SpoolSink.open({ dir, connection: { url: questDbUrl() }, commitDelayMs: 300 });
    const metrics = new CollectorMetrics({ defaultMetrics: false });
    recorder = new RowRecorder(sink, metrics, new LatestValues(metrics.registry), DEFAULT_VALIDATION_OPTIONS);
    recorder.observer = (_table, rows) => {
      for (const row of rows) seen.push(new WeakRef(row));
    };
    // The line-protocol path uses only the recorder and the limits; the collectors of events are never called.
    service = new IngestService(recorder, undefined as never, undefined as never, { maxRowsPerRequest: 10_000 }, undefined as never);
  });
  afterAll(async () => {
    await sink.close();
    await rm(dir, { recursive: true, force: true });
  });

  const at = formatIsoMicros((Date.now() - 60_000) * 1000);
  const bodies: Partial<Record<TableName, () => unknown[]>> = {
    daemon_metrics: () =>
      Array.from({ length: 50 }, (_, i) => ({ timestamp: at, host: `keep-d${i}`, env: 'prod', running: true, fetch_count: i, uptime_seconds: 10.5, cpu_percent: 1.25, last_error: `e${i}` })),
    pipeline_metrics: () =>
      Array.from({ length: 50 }, (_, i) => ({ timestamp: at, exchange: 'okx', symbol: `S${i}`, data_type: 'oi', host: 'keep-p', env: 'prod', records_count: i, latency_ms: 1.5, gap_detected: false })),
  };

  /** Runs `ingest`, and while its acknowledgement waits for the sync, checks that every row it handed on can be collected. */
  async function collectedWhileWaiting(rows: number, ingest: () => Promise<number>): Promise<void> {
    seen = [];
    let acknowledged = false;
    const ack = ingest().then((n) => {
      acknowledged = true;
      return n;
    });
    expect(seen).toHaveLength(rows);
    expect(await allCollected(seen)).toBe(true);
    expect(acknowledged).toBe(false);
    await expect(ack).resolves.toBe(rows);
  }

  it.each(['daemon_metrics', 'pipeline_metrics'] as const)('JSON rows of %s', async (table) => {
    // Parsed from text, as the HTTP layer hands a body over.
    await collectedWhileWaiting(50, () => recorder.ingest(table, JSON.parse(JSON.stringify(bodies[table]?.()))));
  });

  it('line protocol rows of two tables in one request', async () => {
    const micros = Date.now() * 1000 - 60_000_000;
    const lines = [
      ...Array.from({ length: 20 }, (_, i) => `daemon_metrics,host=keep-l${i},env=prod running=t,fetch_count=${i}i,uptime_seconds=3.5 ${micros}`),
      ...Array.from({ length: 20 }, (_, i) => `pipeline_metrics,exchange=okx,symbol=L${i},data_type=oi,host=keep-l,env=prod records_count=${i}i,gap_detected=f ${micros}`),
    ];
    await collectedWhileWaiting(40, () => service.lineProtocol(lines.join('\n') + '\n', 'u'));
  });
});
