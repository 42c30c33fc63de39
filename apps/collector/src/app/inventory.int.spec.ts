import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { questDbUrl, uniqueName } from '@tradewatch/questdb-client/testing';
import type { SourceView } from '@tradewatch/collectors';
import { loadConfig } from './config';
import { startCollector, type RunningCollector } from './server';

const TOKEN = 'inventory-token-0123456789';

/**
 * The source inventory and the heartbeat in the real service against the real QuestDB, with
 * cadences of a second: silence rows, missing expected sources, forgetting, a restart.
 */
describe('source inventory and heartbeat (real collector, real QuestDB)', () => {
  const marker = uniqueName('inv');
  const silent = `${marker}-silent`;
  const never = `${marker}-never`;
  const collectorName = `${marker}-collector`;
  const dir = mkdtempSync(join(tmpdir(), 'collector-inventory-'));
  const file = join(dir, 'collector.yaml');
  writeFileSync(
    file,
    [
      `host: ${collectorName}`,
      'heartbeat:',
      '  intervalMs: 500',
      'inventory:',
      '  checkIntervalMs: 200',
      '  tolerance: 2',
      '  cadencesMs: { daemon: 1000, exchange: 1000, strategy: 1000 }',
      '  expected:',
      `    daemons: [{ host: ${never}, env: staging }]`,
      '',
    ].join('\n'),
  );
  const config = loadConfig({
    QUESTDB_URL: questDbUrl(),
    COLLECTOR_PORT: '0',
    COLLECTOR_TOKENS: TOKEN,
    COLLECTOR_CONFIG: file,
    COLLECTOR_SPOOL_DIR: join(dir, 'spool'),
  });
  let running: RunningCollector;
  beforeAll(async () => {
    running = await startCollector(config, pino({ level: 'silent' }));
  });
  afterAll(() => running.stop());

  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${running.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const sources = async (): Promise<SourceView[]> => ((await (await api('GET', '/v1/sources')).json()) as { sources: SourceView[] }).sources;
  const waitFor = async (sql: string, accept: (rows: Record<string, unknown>[]) => boolean, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    let rows: Record<string, unknown>[] = [];
    while (Date.now() < deadline) {
      rows = (await running.client.query(sql)).rows;
      if (accept(rows)) return rows;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out: ${sql}: ${JSON.stringify(rows).slice(0, 800)}`);
  };

  it('a daemon that reported and went silent gets running=false rows naming the silence, again at its cadence', async () => {
    const reportedAt = Date.now();
    const res = await api('POST', '/v1/metrics/daemon', { timestamp: new Date(reportedAt).toISOString(), host: silent, env: 'prod', running: true, uptime_seconds: 5 });
    expect(res.status).toBe(202);
    const rows = await waitFor(
      `SELECT timestamp, running, last_error FROM daemon_metrics WHERE host = '${silent}' AND running = false ORDER BY timestamp`,
      (r) => r.length >= 3,
    );
    for (const r of rows) expect(r['last_error']).toMatch(/^silent: no report for \d+s \(expected every 1s\)$/);
    // The first within cadence × tolerance (2 s) plus a check interval and a loaded machine's slack.
    const first = Date.parse(String(rows[0]['timestamp']));
    expect(first - reportedAt).toBeGreaterThan(2_000);
    expect(first - reportedAt).toBeLessThan(6_000);
    // Then about one per cadence (1 s), not one per check (0.2 s).
    const gaps = rows.slice(1).map((r, i) => Date.parse(String(r['timestamp'])) - Date.parse(String(rows[i]['timestamp'])));
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(1_000);
    expect((await sources()).find((s) => s.key['host'] === silent)).toMatchObject({ kind: 'daemon', state: 'silent' });
  });

  it('an expected daemon that never reported is reported missing the same way', async () => {
    const rows = await waitFor(`SELECT env, running, last_error FROM daemon_metrics WHERE host = '${never}'`, (r) => r.length >= 1);
    expect(rows[0]).toEqual({ env: 'staging', running: false, last_error: expect.stringMatching(/^silent: never reported since \d+s ago \(expected every 1s\)$/) });
    expect((await sources()).find((s) => s.key['host'] === never)).toMatchObject({ state: 'missing', expected: true, lastReportAt: null });
  });

  it('heartbeat rows arrive in QuestDB through the spool, counting the silent sources', async () => {
    const rows = await waitFor(
      `SELECT env, spool_backlog_rows, spool_backlog_bytes, oldest_unshipped_age_seconds, sources_silent FROM collector_heartbeat WHERE collector = '${collectorName}' ORDER BY timestamp`,
      (r) => r.length >= 3 && r.some((x) => Number(x['sources_silent']) >= 2),
    );
    expect(rows[0]).toMatchObject({ env: 'prod' });
    for (const r of rows) {
      expect(Number(r['spool_backlog_rows'])).toBeGreaterThanOrEqual(0);
      expect(Number(r['oldest_unshipped_age_seconds'])).toBeGreaterThanOrEqual(0);
    }
  });

  it('DELETE /v1/sources forgets a source (token required; an expected one cannot be); the inventory survives a restart', async () => {
    const pipelineKey = { exchange: 'okx', symbol: 'BTC/USDT:USDT', data_type: 'oi', host: `${marker}-p` };
    const ts = new Date().toISOString();
    expect((await api('POST', '/v1/metrics/pipeline', { timestamp: ts, ...pipelineKey, env: 'prod', records_count: 3, gap_detected: false })).status).toBe(202);
    const gone = `${marker}-gone`;
    expect((await api('POST', '/v1/metrics/daemon', { timestamp: ts, host: gone, env: 'prod', running: true })).status).toBe(202);

    const unauthenticated = await fetch(`${running.url}/v1/sources/daemon?host=${gone}&env=prod`, { method: 'DELETE' });
    expect(unauthenticated.status).toBe(401);
    expect((await api('DELETE', `/v1/sources/daemon?host=${gone}`)).status).toBe(400);
    expect((await api('DELETE', `/v1/sources/daemon?host=${never}&env=staging`)).status).toBe(409);
    expect((await api('DELETE', `/v1/sources/daemon?host=${gone}&env=prod`)).status).toBe(204);
    expect((await api('DELETE', `/v1/sources/daemon?host=${gone}&env=prod`)).status).toBe(404);

    const before = (await sources()).filter((s) => s.key['host']?.startsWith(marker));
    expect(before.map((s) => `${s.kind}:${s.key['host']}`).sort()).toEqual([`daemon:${never}`, `daemon:${silent}`, `pipeline:${marker}-p`]);
    await running.stop();
    running = await startCollector(config, pino({ level: 'silent' }));
    const after = (await sources()).filter((s) => s.key['host']?.startsWith(marker));
    const essentials = (list: SourceView[]) => list.map(({ kind, key, env, expected, lastReportAt }) => ({ kind, key, env, expected, lastReportAt })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(essentials(after)).toEqual(essentials(before));
    // Still silent after the restart: the silence rows go on.
    const count = async () => Number((await running.client.query(`SELECT count() n FROM daemon_metrics WHERE host = '${silent}' AND running = false`)).rows[0]?.['n']);
    const n = await count();
    await waitFor(`SELECT count() n FROM daemon_metrics WHERE host = '${silent}' AND running = false`, (r) => Number(r[0]?.['n']) >= n + 2);
  });
});
