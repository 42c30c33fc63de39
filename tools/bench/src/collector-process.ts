import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CollectorProcess {
  url: string;
  pid: number;
  /** SIGTERM (graceful drain), then wait for the exit code. */
  stop(): Promise<number | null>;
}

export interface CollectorLaunch {
  root: string;
  port: number;
  questDbUrl: string;
  spoolDir: string;
  /** Extra environment (e.g. COLLECTOR_CONFIG). */
  env?: Record<string, string>;
  /** Extra node options, e.g. --cpu-prof. */
  nodeArgs?: string[];
  log: (line: string) => void;
}

/**
 * How `nx run collector:serve` (the production command; the image does the same) starts the
 * collector: its node options and environment, read from apps/collector/project.json, so that the
 * bench measures the collector as it is run.
 */
export function collectorServeLaunch(root: string): { nodeArgs: string[]; env: Record<string, string> } {
  const project = JSON.parse(readFileSync(join(root, 'apps/collector/project.json'), 'utf8')) as { targets: Record<string, { options?: { command?: string; env?: Record<string, string> } }> };
  const options = project.targets['serve']?.options;
  const words = (options?.command ?? '').split(/\s+/);
  const script = words.indexOf('dist/apps/collector/main.js');
  if (words[0] !== 'node' || script < 0) throw new Error(`apps/collector/project.json: serve runs "${options?.command}", not node … dist/apps/collector/main.js`);
  return { nodeArgs: words.slice(1, script), env: options?.env ?? {} };
}

/** Builds the collector the way production runs it: the esbuild bundle of `nx build collector`. */
export function buildCollector(root: string, log: (line: string) => void): string {
  log('building the collector (npx nx build collector) …');
  const result = spawnSync('npx', ['nx', 'build', 'collector', '--outputStyle=static'], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`nx build collector failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return join(root, 'dist/apps/collector/main.js');
}

/** Starts `node <main>` and waits until /health/ready answers 200. */
export async function startCollector(main: string, launch: CollectorLaunch): Promise<CollectorProcess> {
  const url = `http://127.0.0.1:${launch.port}`;
  const child: ChildProcess = spawn(process.execPath, [...(launch.nodeArgs ?? []), main], {
    cwd: launch.root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env['PATH'],
      QUESTDB_URL: launch.questDbUrl,
      COLLECTOR_PORT: String(launch.port),
      COLLECTOR_BIND: '127.0.0.1',
      COLLECTOR_SPOOL_DIR: launch.spoolDir,
      COLLECTOR_HOST: 'bench-collector',
      LOG_LEVEL: 'warn',
      ...launch.env,
    },
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let gone = false;
  void exited.then(() => (gone = true));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (gone) throw new Error(`the collector exited during start-up:\n${output}`);
    const ready = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the collector was not ready within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (child.pid === undefined) throw new Error('the collector has no pid');
  launch.log(`collector ready at ${url} (pid ${child.pid})`);
  return {
    url,
    pid: child.pid,
    async stop() {
      if (!gone) child.kill('SIGTERM');
      const [code] = await exited;
      if (code !== 0) launch.log(`collector exited with ${code}; last output:\n${output}`);
      return code;
    },
  };
}
