import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_VALIDATION_OPTIONS } from '@tradewatch/models';
import { uniqueName } from '@tradewatch/questdb-client/testing';
import { recorderFixture, waitForRows, type RecorderFixture } from '../../testing/recorder-fixture';
import { DaemonCollector, daemonOptionsSchema, type DaemonPollError } from './daemon-collector';

describe('DaemonCollector (real QuestDB, local status endpoint)', () => {
  let fx: RecorderFixture;
  let server: Server;
  let collector: DaemonCollector;
  const host = uniqueName('daemon');
  const errors: string[] = [];
  const status = {
    host,
    running: true,
    uptime_seconds: 3600.5,
    fetch_count: 1200,
    error_count: 3,
    liquidation_count: 45,
    memory_rss_bytes: 268435456,
    cpu_percent: 12.5,
    parquet_bytes: 1073741824,
    last_error: 'timeout',
    last_error_at: '2026-01-01T00:00:00.000000Z',
  };
  const exchange = { exchange: 'okx', connected: true, latency_ms: 42.5, reconnect_count: 2 };

  beforeAll(async () => {
    fx = await recorderFixture();
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...status, exchanges: [exchange] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/status`;
    collector = new DaemonCollector(daemonOptionsSchema.parse({ intervalMs: 300, timeoutMs: 500, targets: [{ url, host, env: 'dev' }] }), {
      output: fx.recorder,
      validation: DEFAULT_VALIDATION_OPTIONS,
      env: 'dev',
      onError: (e) => errors.push(e.message),
    });
  });

  afterAll(async () => {
    await collector.stop();
    if (server.listening) await new Promise((r) => server.close(r));
    await fx.close();
  });

  it('polls the status endpoint; the row and the reported exchanges are queryable within 5 s', async () => {
    await collector.start();
    const [row] = await waitForRows(fx.client, `SELECT * FROM daemon_metrics WHERE host = '${host}' LIMIT 1`, (r) => r.length > 0, 5_000);
    expect(row).toMatchObject({ ...status, env: 'dev' });
    const [ex] = await waitForRows(fx.client, `SELECT * FROM exchange_status WHERE host = '${host}' LIMIT 1`, (r) => r.length > 0);
    expect(ex).toMatchObject({ ...exchange, env: 'dev' });
    expect(errors).toEqual([]);
  });

  it('a stopped daemon gives a running=false row with the reason', async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    // A poll in flight at the moment of closing may see "other side closed" first; once the port is
    // closed, polls see the connection refused.
    const rows = await waitForRows(
      fx.client,
      `SELECT * FROM daemon_metrics WHERE host = '${host}' AND running = false ORDER BY timestamp`,
      (r) => r.some((x) => /ECONNREFUSED/.test(String(x['last_error']))),
      5_000,
    );
    for (const r of rows) expect(r['last_error']).toMatch(/^unreachable: fetch failed \(/);
    // Under load, a poll started before the close can finish after one started later: pick the refused one.
    const row = rows.find((x) => /ECONNREFUSED/.test(String(x['last_error']))) ?? rows[rows.length - 1];
    expect(row['last_error']).toMatch(/^unreachable: fetch failed \(.*ECONNREFUSED/);
    expect(row['last_error_at']).toBe(row['timestamp']);
    expect(row['fetch_count']).toBeNull();
  });
});

describe('DaemonCollector failures: a warn per failure streak, a counter per failed poll, no credentials (real QuestDB)', () => {
  it('malformed, then non-2xx, then unreachable: each logged once with the URL without its password, each counted', async () => {
    const fx = await recorderFixture();
    const host = uniqueName('daemon-fail');
    let answer: 'garbage' | 'invalid' | 'http500' | 'ok' = 'garbage';
    const auth: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      auth.push(req.headers.authorization);
      if (answer === 'http500') {
        res.writeHead(500).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answer === 'garbage' ? 'password=hunter2 not json' : answer === 'invalid' ? JSON.stringify({ running: 'yes' }) : JSON.stringify({ running: true }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const logged: { context: string; message: string; code: unknown; reason: unknown }[] = [];
    const counts = new Map<string, number>();
    const collector = new DaemonCollector(
      daemonOptionsSchema.parse({ intervalMs: 200, timeoutMs: 500, targets: [{ url: `http://monitor:s3cret@127.0.0.1:${port}/status`, host, env: 'dev' }] }),
      {
        output: fx.recorder,
        validation: DEFAULT_VALIDATION_OPTIONS,
        env: 'dev',
        onError: (e, context) => logged.push({ context, message: e.message, code: (e as DaemonPollError).code, reason: (e as DaemonPollError).reason }),
        pollFailures: { inc: ({ reason }) => counts.set(reason, (counts.get(reason) ?? 0) + 1) },
      },
    );
    const until = async (check: () => boolean) => {
      const deadline = Date.now() + 10_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out; logged ${JSON.stringify(logged)}, counts ${JSON.stringify([...counts])}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await collector.start();
      await until(() => (counts.get('malformed') ?? 0) >= 3);
      answer = 'invalid'; // still malformed: no new log line
      await until(() => (counts.get('malformed') ?? 0) >= 6);
      answer = 'http500';
      await until(() => (counts.get('http_status') ?? 0) >= 3);
      answer = 'ok';
      await until(() => auth.length >= 1 && logged.length === 2 && counts.get('http_status') !== undefined);
      const okPolls = auth.length;
      await until(() => auth.length >= okPolls + 3);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await until(() => (counts.get('unreachable') ?? 0) >= 3);
    } finally {
      await collector.stop();
      if (server.listening) await new Promise((r) => server.close(r));
    }
    const url = `http://127.0.0.1:${port}/status`;
    expect(logged.map((l) => [l.context, l.code, l.reason])).toEqual([
      [`daemon ${url}`, 'daemon_poll_failed', 'malformed'],
      [`daemon ${url}`, 'daemon_poll_failed', 'http_status'],
      [`daemon ${url}`, 'daemon_poll_failed', 'unreachable'],
    ]);
    expect(logged[0].message).toMatch(/^invalid status JSON: .*not JSON/);
    expect(logged[1].message).toBe('status endpoint answered HTTP 500');
    expect(JSON.stringify(logged)).not.toMatch(/s3cret|hunter2|monitor/);
    // The credentials of the URL went as Basic auth, not in the URL.
    expect(auth[0]).toBe(`Basic ${Buffer.from('monitor:s3cret').toString('base64')}`);
    const rows = await waitForRows(fx.client, `SELECT last_error FROM daemon_metrics WHERE host = '${host}' AND running = false`, (r) => r.length >= 3);
    expect(JSON.stringify(rows)).not.toMatch(/s3cret|hunter2/);
    await fx.close();
  });
});
