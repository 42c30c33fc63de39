import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, renameSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProgressStream } from './download-progress';
import { QuestDbLauncherError } from './errors';
import { ensureJar } from './jar-cache';
import { requireJava, type JavaInfo } from './java';
import { readLogTail, withLogTail } from './log-tail';
import { resolveOptions, type QuestDbOptions, type ResolvedOptions } from './options';
import { findRepoRoot, runtimeFiles } from './paths';
import { isQuestDbPid } from './pid-control';
import { isPortFree } from './ports';
import { probeQuestDb } from './questdb-http';
import { readPid, removeRunFiles, writeRunFiles } from './runtime-state';
import { serverSettings, toQdbEnv } from './server-env';
import { QUESTDB_VERSION } from './version';

export interface StartOptions extends QuestDbOptions {
  /** Source of the QUESTDB_* defaults and the server's environment; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Run this jar instead of the cached download of the pinned version. */
  jarPath?: string;
  /** Let the server outlive this process (the CLI's `start`). */
  detached?: boolean;
  /** Download progress and notices; default process.stderr. */
  stderr?: ProgressStream;
}

export interface QuestDbHandle {
  /** e.g. `http://127.0.0.1:9000`, no trailing slash. */
  readonly httpUrl: string;
  /** Address clients connect to (the bind address, or 127.0.0.1 when bound to all). */
  readonly host: string;
  readonly httpPort: number;
  readonly pgPort: number;
  readonly ilpPort: number;
  readonly minPort: number;
  readonly rootDir: string;
  /** QuestDB's stdout/stderr of the current run; the previous run's is kept as `.1`. */
  readonly logFile: string;
  /** pid of the current QuestDB process (of the last one once stopped). */
  readonly pid: number;
  readonly running: boolean;
  /** Milliseconds from spawn until `select 1` answered, for the last start. */
  readonly startupMs: number;
  /** SIGTERM, wait for exit, SIGKILL after `stopTimeoutMs`. A no-op when not running. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit: a crash, for fault tests. A no-op when not running. */
  kill(): Promise<void>;
  /** Stops the server if running, then starts it again on the same root dir and ports. */
  restart(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Attached servers die with the process that started them, even when it ends without calling
 * stop() (a failing test run, an uncaught exception), instead of lingering and holding ports.
 */
const attachedChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function killAttachedOnExit(child: ChildProcess): void {
  attachedChildren.add(child);
  child.once('exit', () => attachedChildren.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of attachedChildren) c.kill('SIGKILL');
  });
}

/**
 * QuestDB extracts its native libraries into java.io.tmpdir at every start and deletes them only on
 * a clean JVM exit, so each kill -9 (fault tests) would leave ~3 MB in /tmp. Inside the root dir
 * they are wiped by the next start (one server per root dir) or with the temp dir.
 */
export function jvmTmpDir(rootDir: string): string {
  return join(rootDir, 'jvm-tmp');
}

/** The command line of the QuestDB start scripts for Java 17, plus our heap options. */
export function javaArgs(jarPath: string, rootDir: string, javaOpts: string[]): string[] {
  return [
    `-Djava.io.tmpdir=${jvmTmpDir(rootDir)}`,
    // After ours, so a caller's -D or heap option wins.
    ...javaOpts,
    '-XX:+UseParallelGC',
    // QuestDB's number formatting uses JDK internals; without this export it fails at start-up.
    '--add-exports',
    'java.base/jdk.internal.math=io.questdb',
    // The jar is a Java module; run on the class path it fails with "Module io.questdb not found".
    '-p',
    jarPath,
    '-m',
    'io.questdb/io.questdb.ServerMain',
    '-d',
    rootDir,
  ];
}

export function connectHost(bind: string): string {
  return bind === '0.0.0.0' ? '127.0.0.1' : bind === '::' ? '::1' : bind;
}

function formatExit(exit: ExitInfo): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

class QuestDbServer implements QuestDbHandle {
  readonly httpUrl: string;
  readonly host: string;
  readonly logFile: string;
  startupMs = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<ExitInfo> = Promise.resolve({ code: null, signal: null });
  private exitInfo: ExitInfo | undefined;

  constructor(
    private readonly o: ResolvedOptions,
    private readonly java: JavaInfo,
    private readonly jarPath: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly detached: boolean,
  ) {
    this.host = connectHost(o.bind);
    const urlHost = this.host.includes(':') ? `[${this.host}]` : this.host;
    this.httpUrl = `http://${urlHost}:${o.httpPort}`;
    this.logFile = runtimeFiles(o.dataDir).logFile;
  }

  get httpPort(): number {
    return this.o.httpPort;
  }
  get pgPort(): number {
    return this.o.pgPort;
  }
  get ilpPort(): number {
    return this.o.ilpPort;
  }
  get minPort(): number {
    return this.o.minPort;
  }
  get rootDir(): string {
    return this.o.dataDir;
  }
  get pid(): number {
    return this.child?.pid ?? 0;
  }
  get running(): boolean {
    return this.child !== undefined && this.exitInfo === undefined;
  }

  async start(): Promise<void> {
    if (this.running) throw new Error(`QuestDB (pid ${this.pid}) is already running`);
    await mkdir(this.o.dataDir, { recursive: true });
    await this.preflight();

    await rm(jvmTmpDir(this.o.dataDir), { recursive: true, force: true });
    await mkdir(jvmTmpDir(this.o.dataDir));
    // Keep the previous run's log: after a crash it is the one that explains it.
    if (existsSync(this.logFile)) renameSync(this.logFile, `${this.logFile}.1`);
    // A file rather than a pipe: a detached server must keep logging after we exit, and an
    // unread pipe would eventually block QuestDB's logger.
    const logFd = openSync(this.logFile, 'a');
    const startedAt = Date.now();
    let child: ChildProcess;
    try {
      child = spawn(this.java.path, javaArgs(this.jarPath, this.o.dataDir, this.o.javaOpts), {
        env: { ...this.env, ...toQdbEnv(serverSettings(this.o)) },
        stdio: ['ignore', logFd, logFd],
        detached: this.detached,
      });
    } finally {
      closeSync(logFd);
    }
    this.child = child;
    this.exitInfo = undefined;
    this.exited = new Promise<ExitInfo>((resolvePromise) => {
      child.once('error', () => resolvePromise({ code: null, signal: null }));
      child.once('exit', (code, signal) => resolvePromise({ code, signal }));
    }).then((info) => {
      this.exitInfo = info;
      if (child.pid !== undefined) removeRunFiles(this.o.dataDir, child.pid);
      return info;
    });
    let spawnError: Error | undefined;
    child.once('error', (err) => (spawnError = err));

    if (child.pid !== undefined) {
      writeRunFiles(this.o.dataDir, {
        pid: child.pid,
        version: QUESTDB_VERSION,
        httpUrl: this.httpUrl,
        bind: this.o.bind,
        httpPort: this.o.httpPort,
        pgPort: this.o.pgPort,
        ilpPort: this.o.ilpPort,
        minPort: this.o.minPort,
        logFile: this.logFile,
        startedAt: new Date(startedAt).toISOString(),
      });
      if (!this.detached) killAttachedOnExit(child);
    }

    await this.waitUntilReady(startedAt, () => spawnError);
    this.startupMs = Date.now() - startedAt;
    // A running server does not keep node alive: the CLI must exit once it has printed the URL,
    // and a test that forgets stop() must not hang jest forever (the exit hook kills attached
    // servers). stop() and kill() take the reference back while they wait for the exit.
    child.unref();
  }

  /** Refuses to start a second server on the same dir or on ports somebody else holds. */
  private async preflight(): Promise<void> {
    const o = this.o;
    const pid = readPid(o.dataDir);
    if (pid !== undefined) {
      if (isQuestDbPid(pid)) {
        throw new QuestDbLauncherError(
          'ALREADY_RUNNING',
          `QuestDB (pid ${pid}) is already running with data dir ${o.dataDir}`,
          pid,
        );
      }
      removeRunFiles(o.dataDir); // stale: that process is gone
    }
    const probe = await probeQuestDb(this.httpUrl, 1_000);
    if (probe === 'ready' || probe === 'questdb-not-ready') {
      throw new QuestDbLauncherError(
        'PORT_IN_USE',
        `A QuestDB already answers on ${this.httpUrl}, but not one started with data dir ${o.dataDir} ` +
          `(no live pid file there). Stop it, or pick another port (--http-port / QUESTDB_HTTP_PORT).`,
      );
    }
    const listeners: [string, number, string][] = [
      ['HTTP', o.httpPort, '--http-port / QUESTDB_HTTP_PORT'],
      ['PGWire', o.pgPort, '--pg-port / QUESTDB_PG_PORT'],
      ['ILP TCP', o.ilpPort, '--ilp-port / QUESTDB_ILP_PORT'],
      ['http.min', o.minPort, '--min-port / QUESTDB_MIN_PORT'],
    ];
    for (const [name, port, how] of listeners) {
      if (!(await isPortFree(port, o.bind))) {
        const who = name === 'HTTP' && probe === 'other' ? ' by a non-QuestDB HTTP server' : '';
        throw new QuestDbLauncherError(
          'PORT_IN_USE',
          `${name} port ${o.bind}:${port} is already in use${who}. Pick another one (${how}).`,
        );
      }
    }
  }

  private async waitUntilReady(startedAt: number, spawnError: () => Error | undefined): Promise<void> {
    const deadline = startedAt + this.o.startTimeoutMs;
    for (;;) {
      const err = spawnError();
      if (err) {
        throw new QuestDbLauncherError('EXITED_EARLY', `Could not run ${this.java.path}: ${err.message}`);
      }
      if (this.exitInfo) {
        const tail = await readLogTail(this.logFile);
        throw new QuestDbLauncherError(
          'EXITED_EARLY',
          withLogTail(
            `QuestDB exited during start-up (${formatExit(this.exitInfo)}) with data dir ${this.o.dataDir}.`,
            this.logFile,
            tail,
          ),
        );
      }
      if ((await probeQuestDb(this.httpUrl, 1_000)) === 'ready') return;
      if (Date.now() >= deadline) {
        await this.kill();
        const tail = await readLogTail(this.logFile);
        throw new QuestDbLauncherError(
          'START_TIMEOUT',
          withLogTail(
            `QuestDB did not answer 'select 1' on ${this.httpUrl} within ${this.o.startTimeoutMs} ms; ` +
              `it was killed.`,
            this.logFile,
            tail,
          ),
        );
      }
      await Promise.race([sleep(200), this.exited]);
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.ref();
    child.kill('SIGTERM');
    // The timer is cleared once the process is gone, or it would keep jest alive for the full timeout.
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), this.o.stopTimeoutMs))),
    ]);
    clearTimeout(timer);
    if (!ended) {
      child.kill('SIGKILL');
      await this.exited;
    }
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.ref();
    child.kill('SIGKILL');
    await this.exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

/**
 * Starts the pinned QuestDB and resolves once it answers `select 1` over HTTP. Downloads the jar
 * on first use. Options left out come from QUESTDB_* env vars, then the defaults.
 */
export async function startQuestDb(options: StartOptions = {}): Promise<QuestDbHandle> {
  const env = options.env ?? process.env;
  const resolved = resolveOptions(options, env, findRepoRoot());
  const java = await requireJava(env);
  const jarPath = options.jarPath ?? (await ensureJar({ env, stderr: options.stderr }));
  const server = new QuestDbServer(resolved, java, jarPath, env, options.detached ?? false);
  await server.start();
  return server;
}
