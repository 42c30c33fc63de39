import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { MetricsClient } from '@tradewatch/questdb-client';
import { questDbUrl, uniqueName, waitForCount } from '@tradewatch/questdb-client/testing';

const ROOT = join(__dirname, '../../..');
// Node with tsx as a loader, not the tsx CLI: the CLI relays signals to a child process and kills
// it outright when the child does not confirm within 30 ms, which a busy machine can miss.
const TSX_ARGS = ['--import', 'tsx', 'apps/collector/src/main.ts'];
const TSX_ENV = { TSX_TSCONFIG_PATH: 'tsconfig.base.json' };

/** The service as a process: started by its entry point, stopped by a signal. */
describe('collector process lifecycle (real QuestDB)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('%s stops collectors, flushes aggregated rows and exits 0', async (signal) => {
    const proc = spawn(process.execPath, TSX_ARGS, {
      cwd: ROOT,
      env: { ...process.env, ...TSX_ENV, QUESTDB_URL: questDbUrl(), COLLECTOR_PORT: '0', COLLECTOR_DEMO: '', COLLECTOR_CONFIG: '', COLLECTOR_TOKENS: '', LOG_LEVEL: 'info',
        // Its own spool: a developer's collector may hold the default .data/spool.
        COLLECTOR_SPOOL_DIR: mkdtempSync(join(tmpdir(), 'collector-spool-')) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child = proc;
    const logs: Record<string, unknown>[] = [];
    const listening = new Promise<string>((resolve) => {
      createInterface({ input: proc.stdout }).on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry['msg'] === 'collector listening') resolve(String(entry['url']));
      });
    });
    const url = await listening;

    // Fetch events are aggregated in memory until the next interval (60 s by default) — or shutdown.
    const host = uniqueName('lifecycle');
    const event = { host, env: 'dev', exchange: 'okx', symbol: 'BTC/USDT:USDT', data_type: 'oi', records: 3, bytes: 30, latency_ms: 5, data_timestamp: new Date().toISOString() };
    const res = await fetch(`${url}/v1/events/fetch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
    expect(res.status).toBe(202);
    proc.kill(signal);
    const [code] = await once(proc, 'exit');
    expect(code).toBe(0);
    expect(logs.map((l) => l['msg'])).toEqual(expect.arrayContaining(['shutting down: stopping collectors and draining', 'stopped']));

    const client = await MetricsClient.connect({ url: questDbUrl() });
    try {
      expect(await waitForCount(client, `SELECT count() FROM pipeline_metrics WHERE host = '${host}' AND records_count = 3`, 1, 5_000)).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('a bad configuration value stops start-up with exit code 2 and names the variable', async () => {
    const proc = spawn(process.execPath, TSX_ARGS, {
      cwd: ROOT,
      env: { ...process.env, ...TSX_ENV, QUESTDB_URL: questDbUrl(), COLLECTOR_PORT: 'http' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = await once(proc, 'exit');
    expect(code).toBe(2);
    expect(stderr).toMatch(/COLLECTOR_PORT: must be a port number/);
  });

  it('waits for QuestDB at start-up, retrying, and gives up after questdb.startupTimeoutMs with exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'collector-main-'));
    const file = join(dir, 'collector.yaml');
    writeFileSync(file, 'questdb: { startupTimeoutMs: 1500 }\n');
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = s.address() as AddressInfo;
        s.close(() => resolve(p)); // a port where nothing listens
      });
    });
    const proc = spawn(process.execPath, TSX_ARGS, {
      cwd: ROOT,
      env: { ...process.env, ...TSX_ENV, QUESTDB_URL: `http://127.0.0.1:${port}`, COLLECTOR_PORT: '0', COLLECTOR_CONFIG: file },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child = proc;
    let stdout = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const [code] = await once(proc, 'exit');
    expect(code).toBe(1);
    const messages = stdout.trim().split('\n').map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages.filter((m) => /^QuestDB is not reachable yet; retrying in/.test(m)).length).toBeGreaterThanOrEqual(1);
    expect(messages.at(-1)).toMatch(/^start-up failed: QuestDB at http:\/\/127\.0\.0\.1:\d+ is unreachable/);
  });
});
