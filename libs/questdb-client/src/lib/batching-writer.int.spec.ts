import { TcpProxy, questDbUrl, uniqueName, waitForCount } from '../testing';
import { QuestDbUnavailableError } from './errors';
import { MetricsClient } from './metrics-client';

const base = Math.floor(Date.now() / 1000) * 1_000_000 - 3_600_000_000;

describe('BatchingWriter when QuestDB goes away (real QuestDB behind a TCP proxy)', () => {
  let proxy: TcpProxy;
  let reader: MetricsClient;
  beforeAll(async () => {
    proxy = await TcpProxy.start(questDbUrl());
    reader = await MetricsClient.connect({ url: questDbUrl() });
    await reader.bootstrap();
  });
  afterAll(async () => {
    await reader.close();
    await proxy.close();
  });

  const rowsFor = (host: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ timestamp: base + i, host, env: 'prod' as const, running: true, fetch_count: i }));

  it('keeps the rows of a failed flush and retries until QuestDB is back: exactly once', async () => {
    const host = uniqueName('outage');
    const client = await MetricsClient.connect({ url: proxy.url, flushIntervalMs: 3_600_000, retryTimeoutMs: 20_000 });
    try {
      await proxy.cut();
      await client.write('daemon_metrics', rowsFor(host, 300));
      const flushed = client.flush();
      await new Promise((r) => setTimeout(r, 1_500)); // several failed attempts
      expect(client.pendingRows).toBe(300);
      await proxy.restore();
      await flushed;
      expect(client.pendingRows).toBe(0);
      expect(await waitForCount(reader, `SELECT count() FROM daemon_metrics WHERE host = '${host}'`, 300)).toBe(300);
      const { rows } = await reader.query(`SELECT count_distinct(fetch_count) n FROM daemon_metrics WHERE host = '${host}'`);
      expect(rows).toEqual([{ n: 300 }]);
    } finally {
      await proxy.restore().catch(() => undefined);
      await client.close();
    }
  });

  it('gives up a flush after its retry timeout with a typed error, still holding every row', async () => {
    const host = uniqueName('giveup');
    const client = await MetricsClient.connect({ url: proxy.url, flushIntervalMs: 3_600_000, retryTimeoutMs: 800 });
    try {
      await proxy.cut();
      await client.write('daemon_metrics', rowsFor(host, 50));
      const error = await client.flush().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QuestDbUnavailableError);
      expect((error as QuestDbUnavailableError).code).toBe('questdb_unavailable');
      expect(client.pendingRows).toBe(50);
      await proxy.restore();
      await client.flush();
      expect(await waitForCount(reader, `SELECT count() FROM daemon_metrics WHERE host = '${host}'`, 50)).toBe(50);
    } finally {
      await proxy.restore().catch(() => undefined);
      await client.close();
    }
  });
});
