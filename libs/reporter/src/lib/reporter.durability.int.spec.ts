import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsClient } from '@tradewatch/questdb-client';
import { questDbUrl, uniqueName, waitForCount } from '@tradewatch/questdb-client/testing';
import { NOT_SILENCE_ROW, freePort, startCollector, type CollectorProcess } from '../testing/collector-process';
import type { ReporterError } from './errors';
import { Reporter } from './reporter';

const ROWS = 3_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Reporter while the collector is SIGKILLed and restarted (real collector, real QuestDB)', () => {
  let reader: MetricsClient;
  let dir: string;
  const running: CollectorProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reporter-kill-'));
    reader = await MetricsClient.connect({ url: questDbUrl() });
  });
  afterAll(async () => {
    for (const c of running) await c.stop('SIGKILL');
    await reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('nothing handed to the reporter is lost and nothing is duplicated', async () => {
    const host = uniqueName('kill9');
    const port = await freePort();
    const env = { QUESTDB_URL: questDbUrl(), COLLECTOR_SPOOL_DIR: join(dir, 'spool') };
    running.push(await startCollector(port, env));
    const errors: ReporterError[] = [];
    const reporter = new Reporter({
      url: `http://127.0.0.1:${port}`,
      batchSize: 50,
      flushIntervalMs: 50,
      maxBufferedRows: 400,
      retryBaseMs: 100,
      retryMaxMs: 1_000,
      closeTimeoutMs: 120_000,
      onError: (e) => errors.push(e),
    });
    const base = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
    let restarted: Promise<void> | undefined;
    for (let i = 0; i < ROWS; i++) {
      // Awaited: when the buffer is full during the outage, this is where the producer waits.
      await reporter.daemon({ timestamp: base + i, host, env: 'dev', running: true, fetch_count: i });
      if (i % 20 === 0) await sleep(5);
      if (i === 1_000) {
        const killed = running.pop() as CollectorProcess;
        expect(await killed.stop('SIGKILL')).toBeNull();
        restarted = sleep(1_500).then(async () => {
          running.push(await startCollector(port, env));
        });
      }
    }
    await restarted;
    await reporter.close();

    expect(reporter.counters).toMatchObject({ sent: ROWS, refused: 0, buffered: 0 });
    expect(reporter.counters.retried).toBeGreaterThan(0); // the kill did hit the stream
    expect(errors.every((e) => e.code === 'collector_unavailable')).toBe(true);
    await waitForCount(reader, `SELECT count() FROM daemon_metrics WHERE host = '${host}' AND ${NOT_SILENCE_ROW}`, ROWS, 30_000);
    const { rows } = await reader.query<{ n: number; d: number; lo: number; hi: number }>(
      `SELECT count() n, count_distinct(fetch_count) d, min(fetch_count) lo, max(fetch_count) hi FROM daemon_metrics WHERE host = '${host}' AND ${NOT_SILENCE_ROW}`,
    );
    const twice = await reader.query<Record<string, unknown>>(
      `SELECT * FROM (SELECT timestamp, fetch_count, count() c FROM daemon_metrics WHERE host = '${host}' AND ${NOT_SILENCE_ROW} GROUP BY timestamp, fetch_count) WHERE c > 1 LIMIT 5`,
    );
    expect({ ...rows[0], duplicated: twice.rows }).toEqual({ n: ROWS, d: ROWS, lo: 0, hi: ROWS - 1, duplicated: [] });
  }, 240_000);
});
