import { isAbsolute, resolve } from 'node:path';
import { QuestDbLauncherError } from './errors';

/** What a caller may set. Anything left out comes from the QUESTDB_* env vars, then DEFAULTS. */
export interface QuestDbOptions {
  /** QuestDB root dir (`-d`): data, conf, and our pid/log files. Env QUESTDB_DATA_DIR. */
  dataDir?: string;
  /** Address every listener binds to. Env QUESTDB_BIND. */
  bind?: string;
  /** REST/ILP-over-HTTP/web console. Env QUESTDB_HTTP_PORT. */
  httpPort?: number;
  /** PGWire. Env QUESTDB_PG_PORT. */
  pgPort?: number;
  /** ILP over TCP. Env QUESTDB_ILP_PORT. */
  ilpPort?: number;
  /** `http.min` health endpoint. Env QUESTDB_MIN_PORT. */
  minPort?: number;
  /** JVM options replacing the default heap settings. Env QUESTDB_JAVA_OPTS (space-separated). */
  javaOpts?: string[];
  /** How long to wait for `select 1` to answer. Env QUESTDB_START_TIMEOUT (seconds). */
  startTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. Env QUESTDB_STOP_TIMEOUT (seconds). */
  stopTimeoutMs?: number;
  /** Extra or overriding server.conf keys, e.g. `{ 'cairo.max.uncommitted.rows': 1000 }`. */
  serverConfig?: Record<string, string | number | boolean>;
}

export interface ResolvedOptions {
  dataDir: string;
  bind: string;
  httpPort: number;
  pgPort: number;
  ilpPort: number;
  minPort: number;
  javaOpts: string[];
  startTimeoutMs: number;
  stopTimeoutMs: number;
  serverConfig: Record<string, string | number | boolean>;
}

export const DEFAULTS = {
  /** Relative to the repo root. */
  dataDir: '.data/questdb',
  /** Loopback only: a dev/test database with the default admin/quest login must not be reachable from the network. */
  bind: '127.0.0.1',
  httpPort: 9000,
  pgPort: 8812,
  ilpPort: 9009,
  minPort: 9003,
  /** QuestDB keeps its data off-heap; 1 GB of heap is plenty for dev and tests, and several can run side by side. */
  javaOpts: ['-Xmx1g'],
  startTimeoutMs: 60_000,
  stopTimeoutMs: 20_000,
} as const;

/** The env var each option falls back to; also used in error messages. */
export const ENV_VARS = {
  dataDir: 'QUESTDB_DATA_DIR',
  bind: 'QUESTDB_BIND',
  httpPort: 'QUESTDB_HTTP_PORT',
  pgPort: 'QUESTDB_PG_PORT',
  ilpPort: 'QUESTDB_ILP_PORT',
  minPort: 'QUESTDB_MIN_PORT',
  javaOpts: 'QUESTDB_JAVA_OPTS',
  startTimeout: 'QUESTDB_START_TIMEOUT',
  stopTimeout: 'QUESTDB_STOP_TIMEOUT',
} as const;

export function parsePort(value: string | number, source: string): number {
  const text = String(value).trim();
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new QuestDbLauncherError('CONFIG', `${source} must be a port number 1-65535, got '${value}'`);
  }
  return port;
}

/** Seconds (as typed by people in env vars and flags) to milliseconds. */
export function parseSeconds(value: string | number, source: string): number {
  const text = String(value).trim();
  const seconds = Number(text);
  if (text === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new QuestDbLauncherError('CONFIG', `${source} must be a positive number of seconds, got '${value}'`);
  }
  return Math.round(seconds * 1000);
}

/** Plain whitespace split: no shell quoting, so options containing spaces are not supported. */
export function splitJavaOpts(value: string): string[] {
  return value.split(/\s+/).filter((s) => s.length > 0);
}

function nonEmpty(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  return v !== undefined && v.trim() !== '' ? v.trim() : undefined;
}

/**
 * Options win over env vars, env vars over DEFAULTS. A relative dataDir given by the caller is
 * taken from the current directory (as any CLI path); the default one from the repo root.
 */
export function resolveOptions(
  options: QuestDbOptions,
  env: NodeJS.ProcessEnv,
  repoRoot: string,
  cwd: string = process.cwd(),
): ResolvedOptions {
  const port = (key: 'httpPort' | 'pgPort' | 'ilpPort' | 'minPort'): number => {
    const given = options[key];
    if (given !== undefined) return parsePort(given, `option ${key}`);
    const fromEnv = nonEmpty(env, ENV_VARS[key]);
    return fromEnv !== undefined ? parsePort(fromEnv, ENV_VARS[key]) : DEFAULTS[key];
  };
  const seconds = (given: number | undefined, envName: string, fallback: number): number => {
    if (given !== undefined) {
      if (!Number.isFinite(given) || given <= 0) {
        throw new QuestDbLauncherError('CONFIG', `timeout must be a positive number of milliseconds, got ${given}`);
      }
      return given;
    }
    const fromEnv = nonEmpty(env, envName);
    return fromEnv !== undefined ? parseSeconds(fromEnv, envName) : fallback;
  };

  const givenDir = options.dataDir ?? nonEmpty(env, ENV_VARS.dataDir);
  const dataDir =
    givenDir !== undefined
      ? isAbsolute(givenDir) ? givenDir : resolve(cwd, givenDir)
      : resolve(repoRoot, DEFAULTS.dataDir);

  const envJavaOpts = nonEmpty(env, ENV_VARS.javaOpts);
  const resolved: ResolvedOptions = {
    dataDir,
    bind: options.bind ?? nonEmpty(env, ENV_VARS.bind) ?? DEFAULTS.bind,
    httpPort: port('httpPort'),
    pgPort: port('pgPort'),
    ilpPort: port('ilpPort'),
    minPort: port('minPort'),
    javaOpts: options.javaOpts ?? (envJavaOpts !== undefined ? splitJavaOpts(envJavaOpts) : [...DEFAULTS.javaOpts]),
    startTimeoutMs: seconds(options.startTimeoutMs, ENV_VARS.startTimeout, DEFAULTS.startTimeoutMs),
    stopTimeoutMs: seconds(options.stopTimeoutMs, ENV_VARS.stopTimeout, DEFAULTS.stopTimeoutMs),
    serverConfig: { ...(options.serverConfig ?? {}) },
  };
  checkDistinctPorts(resolved);
  return resolved;
}

/** Two listeners on one port would make QuestDB fail half-started; say which ones clash up front. */
function checkDistinctPorts(o: ResolvedOptions): void {
  const ports: [string, number][] = [
    ['HTTP', o.httpPort],
    ['PGWire', o.pgPort],
    ['ILP TCP', o.ilpPort],
    ['http.min', o.minPort],
  ];
  for (let i = 0; i < ports.length; i++) {
    for (let j = i + 1; j < ports.length; j++) {
      if (ports[i][1] === ports[j][1]) {
        throw new QuestDbLauncherError(
          'CONFIG',
          `${ports[i][0]} and ${ports[j][0]} ports are both ${ports[i][1]}; each listener needs its own port`,
        );
      }
    }
  }
}
