import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { questDbUrl } from '@tradewatch/questdb-client/testing';
import { freePort } from '@tradewatch/reporter/testing';

const ROOT = join(__dirname, '../../..');

/** `npm run demo` as a user runs it, in its own process group (like a terminal's foreground job). */
function runDemo(env: Record<string, string>) {
  const child = spawn('npm', ['run', '--silent', 'demo'], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, DEMO_KEEP_QUESTDB: '1', LOG_LEVEL: 'warn', COLLECTOR_CONFIG: '', COLLECTOR_TOKENS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, out, exited };
}

/** True when the spool's checkpoint is at the end of its last segment: everything shipped. */
function spoolShipped(dir: string): { committed: number; end: number } {
  const committed = Number((JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as { committed: number }).committed);
  const ends = readdirSync(dir)
    .filter((f) => f.endsWith('.seg'))
    .map((f) => Number(f.slice(0, -4)) + statSync(join(dir, f)).size);
  return { committed, end: Math.max(committed, ...ends) };
}

describe('npm run demo (real collector, real QuestDB)', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('one SIGINT to its process group drains and stops everything: exit 0, spool fully shipped, no lock file', async () => {
    const spool = mkdtempSync(join(tmpdir(), 'demo-spool-'));
    dirs.push(spool);
    const port = await freePort();
    const demo = runDemo({ QUESTDB_URL: questDbUrl(), COLLECTOR_PORT: String(port), COLLECTOR_SPOOL_DIR: spool });
    try {
      // Wait until every table has rows from this run (the reporter's events included).
      const deadline = Date.now() + 120_000;
      while (!/rows this run: daemon_metrics [1-9]\d*, exchange_status [1-9]\d*, pipeline_metrics [1-9]\d*, trading_metrics [1-9]/.test(demo.out.stdout)) {
        if (Date.now() > deadline || demo.child.exitCode !== null) throw new Error(`demo did not fill the tables:\n${demo.out.stdout}\n${demo.out.stderr}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(demo.out.stdout).toContain(`status page      http://127.0.0.1:${port}/`);
      expect(demo.out.stdout).toContain(`QuestDB console  ${questDbUrl()}`);
      process.kill(-(demo.child.pid as number), 'SIGINT');
      const [code] = await demo.exited;
      expect({ code, stderr: demo.out.stderr }).toEqual({ code: 0, stderr: '' });
      expect(demo.out.stdout).toMatch(/demo: the collector stopped cleanly: spool drained to QuestDB\ndemo: stopped\.\n$/);
      expect(existsSync(join(spool, 'LOCK'))).toBe(false);
      const { committed, end } = spoolShipped(spool);
      expect(committed).toBeGreaterThan(0);
      expect(committed).toBe(end);
    } finally {
      if (demo.child.exitCode === null && demo.child.signalCode === null) process.kill(-(demo.child.pid as number), 'SIGKILL');
    }
  }, 180_000);

  it('a port already taken: one sentence naming the variable to set, exit 1', async () => {
    const blocker = createTcpServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const demo = runDemo({ QUESTDB_URL: questDbUrl(), COLLECTOR_PORT: String(port) });
      const [code] = await demo.exited;
      expect(code).toBe(1);
      expect(demo.out.stderr).toBe(`demo: port ${port} on 127.0.0.1 is already in use; set COLLECTOR_PORT to a free port, e.g. COLLECTOR_PORT=${port + 1} npm run demo\n`);
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('a QUESTDB_URL that answers but is not QuestDB is said plainly and stops the demo', async () => {
    const notQuestDb: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
    await new Promise<void>((resolve) => notQuestDb.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(notQuestDb.address() as AddressInfo).port}`;
    try {
      const demo = runDemo({ QUESTDB_URL: url, COLLECTOR_PORT: String(await freePort()) });
      const [code] = await demo.exited;
      expect(code).toBe(1);
      expect(demo.out.stderr).toBe(
        `demo: something answers at QUESTDB_URL=${url} (HTTP 200) but it is not QuestDB; point QUESTDB_URL at your QuestDB, or free that port so the demo can start one\n`,
      );
    } finally {
      notQuestDb.close();
    }
  }, 60_000);
});
