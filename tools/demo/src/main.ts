/**
 * `npm run demo`: a working Tradewatch in one command. Starts QuestDB through the repo's launcher
 * when none answers at QUESTDB_URL, then runs the collector in demo mode (it bootstraps the
 * schema), and reports how the four tables fill. Ctrl-C stops the collector; QuestDB keeps
 * running for Grafana and queries (`npm run questdb:stop` ends it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const TABLES = ['daemon_metrics', 'exchange_status', 'pipeline_metrics', 'trading_metrics'];

const questDbUrl = (process.env['QUESTDB_URL'] ?? 'http://127.0.0.1:9000').replace(/\/+$/, '');

async function sql(query: string): Promise<unknown[][] | undefined> {
  try {
    const res = await fetch(`${questDbUrl}/exec?${new URLSearchParams({ query })}`, { signal: AbortSignal.timeout(2_000) });
    if (!res.ok) return undefined;
    return ((await res.json()) as { dataset?: unknown[][] }).dataset;
  } catch {
    return undefined; // not reachable (yet)
  }
}

function ensureQuestDb(): Promise<void> | void {
  const url = new URL(questDbUrl);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new Error(`QuestDB at ${questDbUrl} does not answer, and the launcher only starts a local one`);
  }
  process.stdout.write(`demo: no QuestDB at ${questDbUrl}; starting one with the launcher (first run downloads it)…\n`);
  const started = spawnSync(TSX, ['tools/questdb/src/cli.ts', 'start'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, QUESTDB_HTTP_PORT: url.port || '9000' },
  });
  if (started.status !== 0) throw new Error(`the QuestDB launcher failed (exit ${started.status})`);
}

async function reportTables(): Promise<void> {
  const counts = await Promise.all(TABLES.map(async (t) => `${t} ${(await sql(`SELECT count() FROM ${t}`))?.[0]?.[0] ?? '-'}`));
  process.stdout.write(`demo: rows so far: ${counts.join(', ')}\n`);
}

async function main(): Promise<number> {
  if (!(await sql('SELECT 1'))) await ensureQuestDb();
  const port = process.env['COLLECTOR_PORT'] ?? '8080';
  // Node with tsx as a loader (not the tsx CLI), so Ctrl-C reaches the collector itself and it drains.
  const collector = spawn(process.execPath, ['--import', 'tsx', 'apps/collector/src/main.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.base.json', QUESTDB_URL: questDbUrl, COLLECTOR_DEMO: '1', COLLECTOR_PORT: port, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn' },
  });
  process.stdout.write(
    `demo: collector starting on http://127.0.0.1:${port} (metrics: /metrics, API: /openapi.json); ` +
      `QuestDB console ${questDbUrl}. Ctrl-C to stop.\n`,
  );
  const progress = setInterval(() => void reportTables(), 5_000);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => collector.kill(signal));
  return new Promise((resolve) =>
    collector.on('exit', (code) => {
      clearInterval(progress);
      resolve(code ?? 1);
    }),
  );
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`demo: ${error.message}\n`);
    process.exit(1);
  },
);
