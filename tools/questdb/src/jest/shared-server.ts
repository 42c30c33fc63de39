import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuestDbLauncherError } from '../errors';
import { findFreePorts } from '../ports';
import { probeQuestDb } from '../questdb-http';
import { startQuestDb, type QuestDbHandle } from '../server';

/** The variables test files read; set by setup, restored by teardown. */
export const EXPORTED_ENV = ['QUESTDB_URL', 'QUESTDB_PG_PORT', 'QUESTDB_ILP_PORT'] as const;

interface SharedState {
  /** Setups minus teardowns: with `projects`, jest may call the hooks once per project. */
  refs: number;
  /** Only when we started the server; an external QUESTDB_URL is never stopped. */
  owned?: { handle: QuestDbHandle; tmpDir: string };
  savedEnv: Record<string, string | undefined>;
}

/**
 * Kept on globalThis, not in a module variable: jest loads setup and teardown as separate module
 * instances (and per project), but they all run in the one jest parent process.
 */
const KEY = Symbol.for('tradewatch.questdb-launcher.jest');
type GlobalWithState = typeof globalThis & { [KEY]?: SharedState };
const g = globalThis as GlobalWithState;

async function useExternal(url: string): Promise<void> {
  const httpUrl = url.replace(/\/+$/, '');
  const probe = await probeQuestDb(httpUrl, 5_000);
  if (probe !== 'ready') {
    throw new QuestDbLauncherError(
      'NOT_REACHABLE',
      `QUESTDB_URL=${url} does not answer 'select 1' (${probe}). Start it (npm run questdb:start) ` +
        `or unset QUESTDB_URL to let the tests start their own QuestDB.`,
    );
  }
}

/**
 * Workers are forked after globalSetup and inherit process.env, so this is how test files (and
 * in-band tests) learn where QuestDB is.
 */
export async function acquireTestQuestDb(): Promise<void> {
  const existing = g[KEY];
  if (existing) {
    existing.refs++;
    return;
  }
  const savedEnv = Object.fromEntries(EXPORTED_ENV.map((k) => [k, process.env[k]]));
  const external = process.env['QUESTDB_URL']?.trim();
  if (external) {
    await useExternal(external);
    g[KEY] = { refs: 1, savedEnv };
    return;
  }

  const tmpDir = await mkdtemp(join(tmpdir(), 'tradewatch-questdb-'));
  let handle: QuestDbHandle;
  try {
    const [httpPort, pgPort, ilpPort, minPort] = await findFreePorts(4);
    handle = await startQuestDb({ dataDir: tmpDir, bind: '127.0.0.1', httpPort, pgPort, ilpPort, minPort });
  } catch (err) {
    await rm(tmpDir, { recursive: true, force: true });
    throw err;
  }
  process.env['QUESTDB_URL'] = handle.httpUrl;
  process.env['QUESTDB_PG_PORT'] = String(handle.pgPort);
  process.env['QUESTDB_ILP_PORT'] = String(handle.ilpPort);
  g[KEY] = { refs: 1, owned: { handle, tmpDir }, savedEnv };
  process.stderr.write(
    `\nquestdb-launcher: QuestDB for this jest run at ${handle.httpUrl} (PGWire ${handle.pgPort}), ` +
      `started in ${(handle.startupMs / 1000).toFixed(1)} s\n`,
  );
}

export async function releaseTestQuestDb(): Promise<void> {
  const state = g[KEY];
  if (!state) return;
  if (--state.refs > 0) return;
  delete g[KEY];
  if (state.owned) {
    try {
      await state.owned.handle.stop();
    } finally {
      await rm(state.owned.tmpDir, { recursive: true, force: true });
    }
  }
  for (const [k, v] of Object.entries(state.savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}
