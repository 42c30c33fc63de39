import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../../..');

/** A free TCP port on 127.0.0.1 (for a collector that must come back on the same address). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface CollectorProcess {
  proc: ChildProcess;
  url: string;
  /** Sends `signal` and waits for the exit; resolves with the exit code (null when killed by the signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * The real collector app (apps/collector/src/main.ts) as one node process with tsx's loader, on
 * `port`; resolves once `/health/live` answers.
 */
export async function startCollector(port: number, env: Record<string, string>): Promise<CollectorProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'apps/collector/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.base.json', COLLECTOR_PORT: String(port), COLLECTOR_DEMO: '', COLLECTOR_CONFIG: '', COLLECTOR_TOKENS: '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = once(proc, 'exit');
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`collector exited with ${proc.exitCode ?? proc.signalCode} before listening`);
    const live = await fetch(`${url}/health/live`).then((r) => r.ok, () => false);
    if (live) break;
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error('collector did not start within 90 s');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    proc,
    url,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const [code] = await exited;
      return code as number | null;
    },
  };
}

/**
 * SQL condition excluding the rows the collector writes itself for a source that went quiet
 * (`running=false`, `last_error` 'silent: …'): a reporter's host is a source too, so once a test
 * stops reporting, such a row may follow its own.
 */
export const NOT_SILENCE_ROW = "(last_error IS NULL OR last_error NOT LIKE 'silent:%')";
