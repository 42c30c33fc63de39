import { DEFAULT_VALIDATION_OPTIONS, formatIsoMicros, type Row, type TableName } from '@tradewatch/models';
import type { RowSink } from '@tradewatch/questdb-client';
import { CollectorMetrics } from './metrics/collector-metrics';
import { LatestValues } from './metrics/latest-values';
import { RowRecorder } from './row-recorder';

/** A fake sink (pure logic, no QuestDB) whose appends take a while, counting how many overlap. */
class SlowFakeSink implements RowSink {
  inFlight = 0;
  maxInFlight = 0;
  failNext = false;
  readonly appended: number[] = [];
  async append<T extends TableName>(table: T, rows: readonly Row<T>[]): Promise<void> {
    if (table === 'daemon_metrics') this.appended.push(rows.length);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 20));
    this.inFlight--;
    if (this.failNext) {
      this.failNext = false;
      throw Object.assign(new Error('spool full'), { code: 'spool_full' });
    }
  }
  async drain(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {
    return undefined;
  }
}

const setup = () => {
  const sink = new SlowFakeSink();
  const metrics = new CollectorMetrics({ defaultMetrics: false });
  const recorder = new RowRecorder(sink, metrics, new LatestValues(metrics.registry), DEFAULT_VALIDATION_OPTIONS);
  return { sink, recorder };
};
const ts = (offsetMs: number) => formatIsoMicros((Date.now() - 60_000 + offsetMs) * 1000);
const daemon = (host: string, offsetMs: number, fetch_count: number) => ({ timestamp: ts(offsetMs), host, env: 'prod', running: true, fetch_count, uptime_seconds: 100 + offsetMs });

describe('RowRecorder and daemon_metrics (fake slow sink)', () => {
  it('appends concurrent daemon_metrics batches in parallel, not one after another behind a queue', async () => {
    const { sink, recorder } = setup();
    await Promise.all(Array.from({ length: 8 }, (_, i) => recorder.ingest('daemon_metrics', [daemon(`h${i}`, 0, 1), daemon(`h${i}`, 1000, 2)])));
    expect(sink.maxInFlight).toBe(8);
    expect(sink.appended).toEqual(Array(8).fill(2));
  });

  it('still refuses, among concurrent batches of one host, the one that lowers a counter', async () => {
    const { recorder } = setup();
    const results = await Promise.allSettled([
      recorder.ingest('daemon_metrics', [daemon('h', 0, 10)]),
      recorder.ingest('daemon_metrics', [daemon('h', 1000, 5)]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
  });

  it('forgets a batch the sink refused: it is no baseline for the next one', async () => {
    const { sink, recorder } = setup();
    sink.failNext = true;
    await expect(recorder.ingest('daemon_metrics', [daemon('h', 0, 500)])).rejects.toThrow('spool full');
    await expect(recorder.ingest('daemon_metrics', [daemon('h', 1000, 10)])).resolves.toBe(1);
  });
});
