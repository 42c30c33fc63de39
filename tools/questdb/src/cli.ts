/**
 * Command line for the repo's QuestDB: `npm run questdb:start|status|stop`.
 * Exit codes: 0 ok, 1 failure (or status: unhealthy), 2 bad command line or QUESTDB_* value,
 * 3 status: not running.
 */
import { CliUsageError, helpText, parseCliArgs, type CliArgs } from './cli-args';
import { questDbStatus, stopQuestDb } from './control';
import { isLauncherError } from './errors';
import { ensureJar } from './jar-cache';
import { resolveOptions } from './options';
import { findRepoRoot } from './paths';
import { startQuestDb } from './server';
import { QUESTDB_VERSION } from './version';

async function start(args: CliArgs): Promise<number> {
  try {
    const handle = await startQuestDb({ ...args.options, detached: true });
    process.stdout.write(
      `QuestDB ${QUESTDB_VERSION} is up at ${handle.httpUrl} (pid ${handle.pid}, started in ` +
        `${(handle.startupMs / 1000).toFixed(1)} s)\n` +
        `  PGWire ${handle.host}:${handle.pgPort}  ILP/TCP ${handle.host}:${handle.ilpPort}  ` +
        `health http://${handle.host}:${handle.minPort}\n` +
        `  data ${handle.rootDir}\n  log  ${handle.logFile}\n`,
    );
    return 0;
  } catch (err) {
    if (!isLauncherError(err, 'ALREADY_RUNNING')) throw err;
    // Idempotent like `stop`: a second `start` for the same data dir is fine if it is healthy.
    const dataDir = resolveOptions(args.options, process.env, findRepoRoot()).dataDir;
    const status = await questDbStatus(dataDir);
    if (status.state === 'running') {
      process.stdout.write(`QuestDB is already running at ${status.info?.httpUrl} (pid ${status.pid})\n`);
      return 0;
    }
    process.stderr.write(
      `${err.message}, but it does not answer on ${status.info?.httpUrl ?? 'its HTTP port'}; ` +
        `it may still be starting. Check with questdb:status, or stop it first.\n`,
    );
    return 1;
  }
}

async function status(args: CliArgs): Promise<number> {
  const dataDir = resolveOptions(args.options, process.env, findRepoRoot()).dataDir;
  const s = await questDbStatus(dataDir);
  if (s.state === 'not-running') {
    process.stdout.write(`QuestDB is not running (data dir ${dataDir})\n`);
    return 3;
  }
  const where = s.info
    ? `${s.info.httpUrl}, PGWire ${s.info.pgPort}, ILP/TCP ${s.info.ilpPort}, QuestDB ${s.info.version}, since ${s.info.startedAt}`
    : 'no run info file';
  if (s.state === 'running') {
    process.stdout.write(`QuestDB is running: pid ${s.pid}, ${where}\n  data ${dataDir}\n`);
    return 0;
  }
  process.stdout.write(
    `QuestDB process ${s.pid} is alive but HTTP does not answer 'select 1' (${s.http ?? 'unknown'}): ${where}\n` +
      `  log ${s.info?.logFile ?? dataDir}\n`,
  );
  return 1;
}

async function stop(args: CliArgs): Promise<number> {
  const o = resolveOptions(args.options, process.env, findRepoRoot());
  const outcome = await stopQuestDb(o.dataDir, o.stopTimeoutMs);
  if (outcome.result === 'not-running') {
    const stale = outcome.stalePid ? ` (removed stale pid file of ${outcome.stalePid})` : '';
    process.stdout.write(`QuestDB is not running (data dir ${o.dataDir})${stale}\n`);
  } else if (outcome.result === 'terminated') {
    process.stdout.write(`QuestDB (pid ${outcome.pid}) stopped\n`);
  } else {
    process.stdout.write(
      `QuestDB (pid ${outcome.pid}) did not stop within ${o.stopTimeoutMs / 1000} s and was killed\n`,
    );
  }
  return 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    process.stderr.write(`questdb: ${err.message}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(helpText());
    return 0;
  }
  try {
    switch (args.command) {
      case 'start':
        return await start(args);
      case 'status':
        return await status(args);
      case 'stop':
        return await stop(args);
      case 'fetch':
        process.stdout.write(`${await ensureJar()}\n`);
        return 0;
      default:
        return 2;
    }
  } catch (err) {
    // Launcher errors are written for people; anything else is a bug and keeps its stack.
    process.stderr.write(`questdb: ${isLauncherError(err) ? err.message : (err as Error).stack ?? String(err)}\n`);
    // A bad QUESTDB_* value is a usage error too, like a bad flag.
    return isLauncherError(err, 'CONFIG') ? 2 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`questdb: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
