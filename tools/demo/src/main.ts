/**
 * `npm run demo`: a working Tradewatch in one command. Starts QuestDB through the repo's launcher
 * when none answers at QUESTDB_URL, then runs the collector in demo mode: simulated daemons serve
 * their status with `serveStatus` and a simulated strategy reports through `Reporter`
 * (@tradewatch/reporter), as a user's code would. Reports how the four tables fill during this run.
 *
 * One Ctrl-C stops everything it started: the collector (which drains its spool first) and the
 * QuestDB it started (unless DEMO_KEEP_QUESTDB=1). The collector runs in its own process group,
 * so the terminal's SIGINT reaches only this process, which forwards exactly one signal.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const TABLES = ['daemon_metrics', 'exchange_status', 'pipeline_metrics', 'trading_metrics'];
/** Signals arriving this soon after the first are the same Ctrl-C relayed by npm, not a second press. */
const DUPLICATE_SIGNAL_MS = 3_000;

const env = process.env;
const questDbUrl = (env['QUESTDB_URL'] ?? 'http://127.0.0.1:9000').replace(/\/+$/, '');
const collectorPort = env['COLLECTOR_PORT'] ?? '8080';
const collectorBind = env['COLLECTOR_BIND'] ?? '127.0.0.1';

const say = (line: string) => process.stdout.write(`demo: ${line}\n`);

/** A problem the user can fix; printed as one sentence, no stack. */
class DemoError extends Error {}

type QuestDbProbe = { kind: 'questdb' } | { kind: 'down' } | { kind: 'other'; what: string };

async function probeQuestDb(): Promise<QuestDbProbe> {
  let res: Response;
  try {
    res = await fetch(`${questDbUrl}/exec?${new URLSearchParams({ query: 'SELECT 1' })}`, { signal: AbortSignal.timeout(3_000) });
  } catch {
    return { kind: 'down' };
  }
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { dataset?: unknown };
    if (res.ok && Array.isArray(body.dataset)) return { kind: 'questdb' };
  } catch {
    // not JSON: not QuestDB
  }
  return { kind: 'other', what: `HTTP ${res.status}${res.headers.get('server') ? ` from "${res.headers.get('server')}"` : ''}` };
}

async function count(table: string, sinceIso: string): Promise<string> {
  try {
    const query = `SELECT count() FROM ${table} WHERE timestamp >= '${sinceIso}'`;
    const res = await fetch(`${questDbUrl}/exec?${new URLSearchParams({ query })}`, { signal: AbortSignal.timeout(2_000) });
    const body = (await res.json()) as { dataset?: unknown[][] };
    return String(body.dataset?.[0]?.[0] ?? '-');
  } catch {
    return '-';
  }
}

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

function runLauncher(command: 'start' | 'stop', httpPort: string): number | null {
  return spawnSync(process.execPath, ['--import', 'tsx', 'tools/questdb/src/cli.ts', command], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...env, QUESTDB_HTTP_PORT: httpPort },
  }).status;
}

/** Makes sure QuestDB answers; returns whether this run started it. */
async function ensureQuestDb(): Promise<boolean> {
  const probe = await probeQuestDb();
  if (probe.kind === 'questdb') return false;
  if (probe.kind === 'other') {
    throw new DemoError(
      `something answers at QUESTDB_URL=${questDbUrl} (${probe.what}) but it is not QuestDB; point QUESTDB_URL at your QuestDB, or free that port so the demo can start one`,
    );
  }
  const url = new URL(questDbUrl);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new DemoError(`QuestDB at QUESTDB_URL=${questDbUrl} does not answer, and the demo only starts a local one`);
  }
  say(`no QuestDB at ${questDbUrl}; starting one with the launcher (the first run downloads it)…`);
  const status = runLauncher('start', url.port || '9000');
  if (status !== 0) {
    throw new DemoError(
      `the QuestDB launcher failed (exit ${status}); if a port is taken, set QUESTDB_URL (HTTP port), QUESTDB_PG_PORT, QUESTDB_ILP_PORT or QUESTDB_MIN_PORT`,
    );
  }
  return true;
}

async function waitForCollector(collector: ChildProcess, url: string): Promise<boolean> {
  for (;;) {
    if (collector.exitCode !== null || collector.signalCode !== null) return false;
    if (await fetch(`${url}/health/live`).then((r) => r.ok, () => false)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function banner(url: string, startedQuestDb: boolean): void {
  const lines = [
    `started: ${startedQuestDb ? `QuestDB (${questDbUrl}) and ` : ''}the collector in demo mode (${url}) with its simulated sources:`,
    '  two daemons serving their status with serveStatus, four local exchange WebSocket feeds (with outages),',
    '  fetch events for ~50 symbols and a strategy, sent through the Node Reporter (@tradewatch/reporter)',
    'where to look:',
    `  status page      ${url}/`,
    `  QuestDB console  ${questDbUrl}   (e.g. SELECT * FROM daemon_metrics LATEST ON timestamp PARTITION BY host)`,
    `  collector        ${url}/metrics  ${url}/health/ready  ${url}/openapi.json  (ingest: POST ${url}/v1/…)`,
    '  Grafana          docker compose up -d grafana (see README), or point an existing Grafana at deploy/grafana',
    '                   (provisioning for the QuestDB data source and the dashboards)',
    '  your own code    docs/integrations.md connects a Node or Python script to this demo',
    `Ctrl-C stops ${startedQuestDb && env['DEMO_KEEP_QUESTDB'] !== '1' ? 'the collector (after draining its spool) and QuestDB' : 'the collector (after draining its spool)'}.`,
  ];
  for (const line of lines) say(line);
}

async function main(): Promise<number> {
  const port = Number(collectorPort);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new DemoError(`COLLECTOR_PORT=${collectorPort} is not a port number`);
  if (!(await portFree(port, collectorBind))) {
    throw new DemoError(`port ${port} on ${collectorBind} is already in use; set COLLECTOR_PORT to a free port, e.g. COLLECTOR_PORT=${port + 1} npm run demo`);
  }
  const startedQuestDb = await ensureQuestDb();
  const since = new Date().toISOString();
  const url = `http://${collectorBind.includes(':') ? `[${collectorBind}]` : collectorBind}:${port}`;
  // Node with tsx as a loader (one process), detached into its own process group: Ctrl-C in the
  // terminal reaches only the demo, which forwards one SIGINT, so the collector drains instead of
  // taking a second signal as "exit now".
  const collector = spawn(process.execPath, ['--import', 'tsx', 'apps/collector/src/main.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
    detached: true,
    env: { ...env, TSX_TSCONFIG_PATH: 'tsconfig.base.json', QUESTDB_URL: questDbUrl, COLLECTOR_DEMO: '1', COLLECTOR_PORT: String(port), LOG_LEVEL: env['LOG_LEVEL'] ?? 'warn' },
  });
  const exited = new Promise<number>((resolve) => collector.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  // The collector is in its own process group: if the demo ends for any other reason, it must not stay behind.
  process.on('exit', () => {
    if (collector.exitCode === null && collector.signalCode === null) collector.kill('SIGTERM');
  });

  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (firstSignalAt === undefined) {
      firstSignalAt = now;
      say('stopping: the collector drains its spool to QuestDB, then exits…');
      collector.kill('SIGINT');
    } else if (now - firstSignalAt > DUPLICATE_SIGNAL_MS) {
      say(`${signal} again: stopping the collector now (its spool keeps undelivered rows for the next start)`);
      collector.kill('SIGINT');
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let progress: NodeJS.Timeout | undefined;
  if (await waitForCollector(collector, url)) {
    banner(url, startedQuestDb);
    progress = setInterval(async () => {
      const counts = await Promise.all(TABLES.map(async (t) => `${t} ${await count(t, since)}`));
      say(`rows this run: ${counts.join(', ')}`);
    }, 5_000);
  }
  const code = await exited;
  clearInterval(progress);
  if (code === 0) say(firstSignalAt === undefined ? 'the collector exited' : 'the collector stopped cleanly: spool drained to QuestDB');
  else say(`the collector exited with code ${code}${code === 1 && firstSignalAt !== undefined ? ' (not fully drained; the spool keeps the rest for the next start)' : ''}`);
  if (startedQuestDb && env['DEMO_KEEP_QUESTDB'] !== '1') {
    const stopped = runLauncher('stop', new URL(questDbUrl).port || '9000');
    say(stopped === 0 ? 'QuestDB stopped (its data stays for the next run)' : `stopping QuestDB failed (exit ${stopped}); npm run questdb:stop`);
  }
  if (code === 0) say('stopped.');
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(error instanceof DemoError ? `demo: ${error.message}\n` : `demo: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
