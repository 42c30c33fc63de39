import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RestClient } from '@tradewatch/questdb-client';
import { questDbUrl } from '@tradewatch/questdb-client/testing';
import { scratchTable } from '../../testing';
import { checkCollector, checkFreshness, checkGrafana, checkQuestDb } from './checks';
import { renderHealthJson, renderHealthTable, runHealthChecks } from './health-report';

// QuestDB is real. The collector and Grafana are played by local HTTP servers on loopback
// that answer what the real ones answer (see the collector's /health/ready, Grafana's /api/health).
const rest = new RestClient({ url: questDbUrl() });
const servers: Server[] = [];

async function standIn(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = (status: number, body: unknown): RequestListener => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A table of the test's own whose rows are `agesMs` old. */
const tableWithRows = (agesMs: number[]) => scratchTable(rest, 'fresh', agesMs.map((age) => (Date.now() - age) * 1000));

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

describe('QuestDB check', () => {
  it('passes against the running QuestDB', async () => {
    expect(await checkQuestDb(rest, questDbUrl(), 2_000)).toMatchObject({ name: 'questdb', status: 'ok' });
  });

  it('fails with the reason when QuestDB is unreachable', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await checkQuestDb(new RestClient({ url }), url, 1_000);
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining(`QuestDB at ${url} is unreachable`) });
  });
});

describe('collector check', () => {
  it('passes when /health/ready answers 200', async () => {
    const url = await standIn((req, res) => json(req.url === '/health/ready' ? 200 : 404, { ready: true })(req, res));
    expect(await checkCollector(url, 1_000)).toMatchObject({ status: 'ok', detail: expect.stringContaining('ready (HTTP 200') });
  });

  it('fails with the body when the collector is not ready', async () => {
    const url = await standIn(json(503, { ready: false, questdb: 'unreachable' }));
    expect(await checkCollector(url, 1_000)).toMatchObject({
      status: 'fail',
      detail: `${url}/health/ready not ready: HTTP 503 {"ready":false,"questdb":"unreachable"}`,
    });
  });

  it('fails when nothing listens', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    expect(await checkCollector(url, 1_000)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/unreachable: fetch failed \(.*ECONNREFUSED/) });
  });

  it('fails when the collector does not answer in time', async () => {
    const url = await standIn(() => undefined); // accepts, never answers
    expect(await checkCollector(url, 300)).toMatchObject({ status: 'fail', detail: `${url}/health/ready did not answer within 300ms` });
  });
});

describe('Grafana check', () => {
  it('passes when /api/health reports database ok', async () => {
    const url = await standIn(json(200, { commit: 'abc', database: 'ok', version: '12.3.1' }));
    expect(await checkGrafana(url, 1_000)).toMatchObject({ status: 'ok', detail: `${url}/api/health healthy (Grafana 12.3.1)` });
  });

  it('fails when Grafana reports its database failing', async () => {
    const url = await standIn(json(503, { database: 'failing' }));
    expect(await checkGrafana(url, 1_000)).toMatchObject({ status: 'fail', detail: `${url}/api/health: HTTP 503, database "failing"` });
  });

  it('fails on an answer that is not Grafana health JSON', async () => {
    const url = await standIn((_req, res) => res.writeHead(200).end('<html>proxy login</html>'));
    expect(await checkGrafana(url, 1_000)).toMatchObject({ status: 'fail', detail: expect.stringContaining('unexpected answer <html>') });
  });
});

describe('freshness check on real tables', () => {
  it('passes when the newest row is younger than the limit', async () => {
    const table = await tableWithRows([3_600_000, 2_000]);
    expect(await checkFreshness(rest, table, 60_000, 2_000)).toMatchObject({ name: `freshness:${table}`, status: 'ok', detail: expect.stringContaining('(limit 1m)') });
  });

  it('fails when the newest row is older than the limit', async () => {
    const table = await tableWithRows([3_600_000]);
    expect(await checkFreshness(rest, table, 5 * 60_000, 2_000)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^stale: newest row 1h( \d+s)? old at .* \(limit 5m\)$/) });
  });

  it('fails when the table is empty', async () => {
    const table = await tableWithRows([]);
    expect(await checkFreshness(rest, table, 60_000, 2_000)).toMatchObject({ status: 'fail', detail: `${table} has no rows (limit 1m)` });
  });

  it('fails when the table does not exist', async () => {
    expect(await checkFreshness(rest, 'no_such_table_x', 60_000, 2_000)).toMatchObject({ status: 'fail', detail: expect.stringContaining('table does not exist') });
  });
});

describe('runHealthChecks', () => {
  it('is healthy when every configured check passes and Grafana is not configured', async () => {
    const collectorUrl = await standIn(json(200, { ready: true }));
    const report = await runHealthChecks({ questdb: { url: questDbUrl() }, collectorUrl, freshness: [], timeoutMs: 2_000 });
    expect(report.healthy).toBe(true);
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([['questdb', 'ok'], ['collector', 'ok'], ['grafana', 'skipped']]);
    expect(renderHealthTable(report)).toMatch(/grafana\s+skip\s+not configured.*\n\nhealthy \(2 checks ok\)\n$/s);
  });

  it('is unhealthy when any check fails, and says which', async () => {
    const collectorUrl = await standIn(json(503, { ready: false }));
    const grafanaUrl = await standIn(json(200, { database: 'ok' }));
    const report = await runHealthChecks({ questdb: { url: questDbUrl() }, collectorUrl, grafanaUrl, freshness: [], timeoutMs: 2_000 });
    expect(report.healthy).toBe(false);
    expect(renderHealthTable(report)).toMatch(/collector\s+FAIL\s+.*HTTP 503.*UNHEALTHY \(1 of 3 checks failed\)/s);
    expect(JSON.parse(renderHealthJson(report))).toMatchObject({ healthy: false, checks: [{ name: 'questdb' }, { name: 'collector', status: 'fail' }, { name: 'grafana', status: 'ok' }] });
  });
});
