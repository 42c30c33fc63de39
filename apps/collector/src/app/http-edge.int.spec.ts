import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { questDbUrl, uniqueName, waitForRows } from '@tradewatch/questdb-client/testing';
import { loadConfig } from './config';
import { startCollector, type RunningCollector } from './server';

const TOKEN = 'edge-ingest-token-0123456789';
const SCRAPE = 'edge-scrape-token-0123456789';
const PASSWORD = 'edge-questdb-password-0123456789';

/** Every log line at trace level, as text, to look for secrets and error-level lines. */
function capturingLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: pino({ level: 'trace' }, { write: (s: string) => void lines.push(s) }), lines };
}

async function start(env: Record<string, string>, logger: pino.Logger, bindForTest?: string, configLines?: string[]): Promise<RunningCollector> {
  const dir = mkdtempSync(join(tmpdir(), 'collector-edge-'));
  if (configLines) writeFileSync(join(dir, 'collector.yaml'), [...configLines, ''].join('\n'));
  const file = configLines ? { COLLECTOR_CONFIG: join(dir, 'collector.yaml') } : {};
  const config = loadConfig({ QUESTDB_URL: questDbUrl(), COLLECTOR_PORT: '0', COLLECTOR_SPOOL_DIR: join(dir, 'spool'), ...file, ...env });
  // Access rules follow the configured bind address; the test itself listens on loopback only.
  if (bindForTest) config.http.bind = bindForTest;
  return startCollector(config, logger);
}

describe('HTTP edge cases: media types, encodings, methods, aborted bodies (real service, real QuestDB)', () => {
  let running: RunningCollector;
  const { logger, lines } = capturingLogger();
  const host = uniqueName('edge');
  const row = () => ({ timestamp: new Date(Date.now() - 60_000).toISOString(), host, env: 'prod', running: true });

  beforeAll(async () => {
    running = await start({ COLLECTOR_TOKENS: TOKEN, QUESTDB_USER: 'admin', QUESTDB_PASSWORD: PASSWORD }, logger);
  });
  afterAll(() => running.stop());

  const post = (body: string | Buffer, headers: Record<string, string>, path = '/v1/metrics/daemon') =>
    fetch(`${running.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, ...headers }, body });

  it.each([
    ['no Content-Type', {}, /Content-Type is missing; send "Content-Type: application\/json"/],
    ['text/plain (what a web page can post cross-site without a preflight)', { 'content-type': 'text/plain' }, /"text\/plain" is not read here/],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }, /not read here/],
    ['a charset other than UTF-8', { 'content-type': 'application/json; charset=iso-8859-1' }, /charset "iso-8859-1" is not supported/],
    ['deflate', { 'content-type': 'application/json', 'content-encoding': 'deflate' }, /Content-Encoding "deflate"/],
    ['brotli', { 'content-type': 'application/json', 'content-encoding': 'br' }, /Content-Encoding "br"/],
  ])('415 for %s', async (_name, headers, message) => {
    // Bytes, not a string: fetch would add text/plain to a string body.
    const res = await post(Buffer.from(JSON.stringify(row())), headers);
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ error: 'unsupported_media_type', message: expect.stringMatching(message) });
  });

  it('reads gzip JSON and application/*+json', async () => {
    expect((await post(gzipSync(JSON.stringify(row())), { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status).toBe(202);
    expect((await post(JSON.stringify({ ...row(), timestamp: new Date(Date.now() - 59_000).toISOString() }), { 'content-type': 'application/vnd.tradewatch+json; charset=utf-8' })).status).toBe(202);
  });

  it.each([
    ['a corrupt gzip body', Buffer.concat([gzipSync('{"a":1}').subarray(0, 10), Buffer.from('not gzip')]), { 'content-encoding': 'gzip' }, 'bad_request', /gzip body is corrupt/],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), {}, 'bad_request', /not valid UTF-8/],
  ])('400 for %s', async (_name, body, headers, error, message) => {
    const res = await post(body, { 'content-type': 'application/json', ...headers });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error, message: expect.stringMatching(message) });
  });

  it.each([
    ['a number beyond a double', `{"timestamp":"${new Date().toISOString()}","host":"h","env":"prod","running":true,"fetch_count":1e400}`, 'fetch_count'],
    ['deep nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, ''],
    ['deep nesting in a field', `{"host":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`, 'host'],
  ])('%s is a 400 naming the field, never a 500', async (_name, body, path) => {
    const res = await post(body, { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { issues: { path: string }[] };
    expect(json.issues.map((i) => i.path)).toContain(path);
  });

  it.each([
    ['GET', '/v1/metrics/daemon', 'POST'],
    ['PUT', '/v1/events/fetch', 'POST'],
    ['POST', '/metrics', 'GET, HEAD'],
    ['DELETE', '/health/live', 'GET, HEAD'],
    ['POST', '/openapi.json', 'GET, HEAD'],
  ])('405 with Allow for %s %s', async (method, path, allow) => {
    const res = await fetch(`${running.url}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect(await res.json()).toMatchObject({ error: 'method_not_allowed' });
  });

  it('a client that aborts mid-body is not logged as an error, and the service goes on', async () => {
    const { port, hostname } = new URL(running.url);
    const before = lines.length;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(`POST /v1/metrics/daemon HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"host":`);
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 200);
      });
      socket.on('error', reject);
    });
    await new Promise((r) => setTimeout(r, 300));
    const logged = lines.slice(before).map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(logged.filter((l) => l.level >= 50)).toEqual([]);
    expect(logged.map((l) => l.msg)).toContain('client aborted the request');
    expect((await fetch(`${running.url}/health/live`)).status).toBe(200);
  });

  it('no secret (token, QuestDB password) in any log line at any level', async () => {
    await post(JSON.stringify(row()), { 'content-type': 'application/json' });
    await fetch(`${running.url}/v1/metrics/daemon`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}x`, 'content-type': 'application/json' }, body: '{}' });
    await fetch(`${running.url}/write`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: 'daemon_metrics,host=h x=1i\n' });
    await fetch(`${running.url}/metrics`);
    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThan(5);
    expect(logger.level).toBe('trace');
    expect(lines.some((l) => l.includes('"level":20'))).toBe(true); // the refusals' debug lines were captured
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(Buffer.from(`admin:${PASSWORD}`).toString('base64'));
  });
});

describe('read access when bound beyond loopback (/metrics, /health/ready details)', () => {
  let running: RunningCollector;

  beforeAll(async () => {
    running = await start({ COLLECTOR_TOKENS: TOKEN, COLLECTOR_SCRAPE_TOKENS: SCRAPE, COLLECTOR_BIND: '0.0.0.0' }, pino({ level: 'silent' }), '127.0.0.1');
  });
  afterAll(() => running.stop());

  const get = (path: string, token?: string) => fetch(`${running.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('/metrics needs a scrape or ingest token', async () => {
    const anonymous = await get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect(await anonymous.text()).not.toMatch(/tradewatch_/);
    expect((await get('/metrics', 'wrong-token-0123456789abc')).status).toBe(401);
    const scraped = await get('/metrics', SCRAPE);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/^# HELP tradewatch_/m);
    expect((await get('/metrics', TOKEN)).status).toBe(200);
  });

  it('/health/ready gives the verdict to anyone, the details only with a token; /health/live stays open', async () => {
    const anonymous = await get('/health/ready');
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: 'ready' });
    const detailed = (await (await get('/health/ready', SCRAPE)).json()) as Record<string, unknown>;
    expect(detailed).toMatchObject({ status: 'ready', checks: { questdb: 'ok' }, spool: expect.any(Object) });
    expect((await get('/health/live')).status).toBe(200);
  });

  it('the status page (GET /) follows the rule of /metrics', async () => {
    const anonymous = await get('/');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toMatch(/<html/);
    expect((await get('/', 'wrong-token-0123456789abc')).status).toBe(401);
    for (const token of [SCRAPE, TOKEN]) {
      const page = await get('/', token);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/^<!doctype html>/);
    }
  });

  it('a scrape token is read-only: ingest refuses it', async () => {
    const res = await fetch(`${running.url}/v1/metrics/daemon`, { method: 'POST', headers: { authorization: `Bearer ${SCRAPE}`, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
  });
});

describe('amplification bounds: new series per request, series held, forgetting (real service, real QuestDB)', () => {
  let running: RunningCollector;
  const marker = uniqueName('series');
  const ts = () => new Date(Date.now() - 30_000).toISOString();
  const daemon = (host: string) => ({ timestamp: ts(), host: `${marker}-${host}`, env: 'prod', running: true });

  beforeAll(async () => {
    running = await start({ COLLECTOR_TOKENS: TOKEN }, pino({ level: 'silent' }), undefined, ['limits:', '  maxNewSeriesPerRequest: 3', '  maxSeriesPerTable: 5', '  forgetSeriesAfterMs: 1000']);
  });
  afterAll(() => running.stop());
  const c = {
    post: (path: string, body: unknown) =>
      fetch(`${running.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) }),
    query: (sql: string) => waitForRows(running.client, sql, () => true),
    get running() {
      return running;
    },
  };

  const refusedCounter = async (table: string, limit: string) => {
    const text = await (await fetch(`${c.running.url}/metrics`)).text();
    return Number(new RegExp(`^tradewatch_collector_series_refused_total\\{table="${table}",limit="${limit}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  };

  it('refuses a request creating more new series than allowed with 422 and a counter; stores nothing of it', async () => {
    const res = await c.post('/v1/metrics/daemon', ['a', 'b', 'c', 'd'].map(daemon));
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: 'series_limit', message: expect.stringMatching(/daemon_metrics: this request would create 4 new series \(host, env\); one request may create at most 3/) });
    expect(await refusedCounter('daemon_metrics', 'per_request')).toBe(1);
    const fetchEvents = ['a', 'b', 'c', 'd'].map((s) => ({ host: `${marker}-f`, env: 'dev', exchange: 'okx', symbol: `${s}/USDT`, data_type: 'oi', records: 1, bytes: 1, latency_ms: 1, data_timestamp: ts() }));
    expect((await c.post('/v1/events/fetch', fetchEvents)).status).toBe(422);
    const positions = ['a', 'b', 'c', 'd'].map((s) => ({ type: 'position', strategy: `${marker}-s`, symbol: `${s}/USDT`, venue: 'okx', env: 'dev', size: 1, avg_price: 1 }));
    expect((await c.post('/v1/events/trading', positions)).status).toBe(422);
    const ilp = await fetch(`${c.running.url}/write`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: ['a', 'b', 'c', 'd'].map((h) => `daemon_metrics,host=${marker}-ilp-${h},env=prod running=t\n`).join('') });
    expect(ilp.status).toBe(422);
    expect(await ilp.json()).toMatchObject({ code: 'series_limit', line: 0 });
    expect(await c.query(`SELECT count() n FROM daemon_metrics WHERE host LIKE '${marker}%'`)).toEqual([{ n: 0 }]);
  });

  it('refuses series beyond the per-table limit, and takes new ones once silent ones are forgotten', async () => {
    expect((await c.post('/v1/metrics/daemon', ['a', 'b', 'c'].map(daemon))).status).toBe(202);
    expect((await c.post('/v1/metrics/daemon', ['d', 'e'].map(daemon))).status).toBe(202);
    const over = await c.post('/v1/metrics/daemon', [daemon('f')]);
    expect(over.status).toBe(422);
    expect(await over.json()).toMatchObject({ message: expect.stringMatching(/may hold at most 5; this request would add 1\. Series not reported for 1 s are forgotten/) });
    expect(await refusedCounter('daemon_metrics', 'per_table')).toBe(1);
    // A known series still reports.
    expect((await c.post('/v1/metrics/daemon', [{ ...daemon('a'), timestamp: new Date(Date.now() - 20_000).toISOString() }])).status).toBe(202);
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await c.post('/v1/metrics/daemon', [daemon('f')])).status).toBe(202);
    const text = await (await fetch(`${c.running.url}/metrics`)).text();
    expect(text).toContain(`host="${marker}-f"`);
    expect(text).not.toContain(`host="${marker}-b"`); // silent, forgotten
  });
});
