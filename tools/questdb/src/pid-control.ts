import { readFileSync } from 'node:fs';

/** Signal 0 checks existence; EPERM means it exists but belongs to someone else. */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Guards against pid reuse: a stale pid file may name a process that is now something else, and
 * `stop` must never signal that. Checked through /proc on Linux; elsewhere "alive" has to do.
 */
export function isQuestDbPid(pid: number): boolean {
  if (!isPidAlive(pid)) return false;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return process.platform !== 'linux';
  }
  return cmdline.includes('io.questdb.ServerMain');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** For processes that are not our children (CLI `stop`): poll until the pid is gone. */
export async function waitForPidExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isPidAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/**
 * SIGTERM lets QuestDB run its shutdown hook (close writers, release the table locks); SIGKILL
 * only if it has not gone after `timeoutMs`. Resolves with how it ended.
 */
export async function terminatePid(pid: number, timeoutMs: number): Promise<'terminated' | 'killed'> {
  signal(pid, 'SIGTERM');
  if (await waitForPidExit(pid, timeoutMs)) return 'terminated';
  signal(pid, 'SIGKILL');
  await waitForPidExit(pid, 10_000);
  return 'killed';
}
