import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { QUESTDB_VERSION } from './version';

/**
 * The repo root is where nx.json lives. Found by walking up from this file rather than trusting
 * process.cwd(), so the default data dir is the same whether the launcher runs from `npm run`,
 * from a project's jest process (cwd = project dir) or from anywhere else.
 */
export function findRepoRoot(start: string = __dirname): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/**
 * `$QUESTDB_JAR_CACHE/<version>` or `~/.cache/tradewatch/questdb/<version>`: outside the repo so
 * the 30 MB jar survives `git clean` and is shared by all worktrees.
 */
export function jarCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  version: string = QUESTDB_VERSION,
): string {
  const base = env['QUESTDB_JAR_CACHE']?.trim() || join(homedir(), '.cache', 'tradewatch', 'questdb');
  return join(resolve(base), version);
}

/** Files the launcher keeps beside QuestDB's own folders (conf/, db/, …) in the root dir. */
export interface RuntimeFiles {
  /** Just the pid, so `kill $(cat questdb.pid)` works. */
  pidFile: string;
  /** Ports and URL of the running server, so `status`/`stop` need not be given the same flags. */
  infoFile: string;
  /** QuestDB's stdout and stderr (its default log.conf writes to stdout). */
  logFile: string;
}

export function runtimeFiles(rootDir: string): RuntimeFiles {
  return {
    pidFile: join(rootDir, 'questdb.pid'),
    infoFile: join(rootDir, 'questdb.run.json'),
    logFile: join(rootDir, 'questdb.log'),
  };
}
