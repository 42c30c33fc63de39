import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TABLE_NAMES, nowMicros } from '@tradewatch/models';
import { MetricsClient } from '@tradewatch/questdb-client';
import { runTsCli } from '@tradewatch/ops/testing';
import { questDbUrl, uniqueName } from '@tradewatch/questdb-client/testing';

// The CLI end to end: real QuestDB; a loopback HTTP server stands in for the collector.
const healthcheck = (args: string[], env: NodeJS.ProcessEnv = {}) => runTsCli('apps/healthcheck/src/main.ts', args, { QUESTDB_URL: questDbUrl(), ...env });

let collector: Server;
let collectorUrl: string;
let ready = true;

beforeAll(async () => {
  collector = createServer((req, res) => {
    const ok = req.url === '/health/ready' && ready;
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ ready: ok }));
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;

  // A fresh daemon_metrics row so the freshness check of that table can pass.
  const client = await MetricsClient.connect({ url: questDbUrl() });
  await client.bootstrap();
  await client.write('daemon_metrics', [{ timestamp: nowMicros(), host: uniqueName('hc'), env: 'dev', running: true }]);
  await client.flush();
  const deadline = Date.now() + 10_000;
  while (!(await client.query('SELECT count() AS n FROM daemon_metrics WHERE timestamp > dateadd(\'m\', -1, now())')).rows[0]?.['n']) {
    if (Date.now() > deadline) throw new Error('the fresh row did not arrive');
    await new Promise((r) => setTimeout(r, 100));
  }
  await client.close();
});

afterAll(() => new Promise((resolve) => collector.close(resolve)));

describe('healthcheck CLI exit status', () => {
  it('exits 0 and prints a table when everything checked is healthy', async () => {
    ready = true;
    const { code, stdout } = await healthcheck(['--collector-url', collectorUrl, '--tables', 'daemon_metrics', '--max-age', '5m']);
    expect(stdout).toMatch(/^CHECK\s+STATUS\s+DETAIL\n/);
    expect(stdout).toMatch(/freshness:daemon_metrics\s+ok\s+newest row/);
    expect(stdout).toMatch(/healthy \(3 checks ok\)/);
    expect(code).toBe(0);
  });

  it('exits 1 with --json output when the collector is not ready', async () => {
    ready = false;
    const { code, stdout } = await healthcheck(['--json', '--tables', 'daemon_metrics'], { COLLECTOR_URL: collectorUrl });
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.healthy).toBe(false);
    expect(report.checks.find((c: { name: string }) => c.name === 'collector')).toMatchObject({ status: 'fail', detail: expect.stringContaining('HTTP 503') });
  });

  it('exits 1 when QuestDB is unreachable', async () => {
    ready = true;
    const { code, stdout } = await healthcheck(['--collector-url', collectorUrl, '--questdb-url', 'http://127.0.0.1:9', '--skip', 'freshness']);
    expect(stdout).toMatch(/questdb\s+FAIL\s+QuestDB at http:\/\/127\.0\.0\.1:9 is unreachable/);
    expect(code).toBe(1);
  });

  it('exits 2 and names the problem when misconfigured', async () => {
    const { code, stdout, stderr } = await healthcheck(['--tables', 'daemon']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`healthcheck: --tables: unknown table "daemon"; valid tables: ${TABLE_NAMES.join(', ')}\n`);
  });

  it('names itself once on an unknown option', async () => {
    const { code, stderr } = await healthcheck(['--bogus']);
    expect(code).toBe(2);
    expect(stderr).toBe("healthcheck: Unknown option '--bogus' (see healthcheck --help)\n");
  });
});
