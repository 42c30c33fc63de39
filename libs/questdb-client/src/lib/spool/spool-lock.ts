import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isErrno } from './fs-util';
import { SpoolLockedError } from './spool-errors';

/** Directories this process holds: a second SpoolSink on one directory in one process is refused too. */
const heldHere = new Set<string>();

async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return isErrno(error, 'EPERM');
  }
  // A killed process nobody reaped yet (common under a container's pid 1) is a zombie: dead, but signalable.
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return !/^\d+ \(.*\) Z/s.test(stat);
}

/**
 * A pid file that keeps two processes from writing one spool. A lock left by a process that died
 * (kill -9) is taken over; so is one naming our own pid, which after a container restart is a
 * previous life's (pid 1 again) unless this process holds it.
 */
export class SpoolLock {
  private constructor(
    private readonly dir: string,
    private readonly path: string,
  ) {}

  static async acquire(dir: string): Promise<SpoolLock> {
    const key = resolve(dir);
    if (heldHere.has(key)) throw new SpoolLockedError(dir, process.pid);
    const path = join(dir, 'LOCK');
    for (let attempt = 0; ; attempt++) {
      try {
        await writeFile(path, `${process.pid}\n`, { flag: 'wx', flush: true });
        break;
      } catch (error) {
        if (!isErrno(error, 'EEXIST') || attempt > 0) throw error;
        const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && (await isAlive(pid))) throw new SpoolLockedError(dir, pid);
        await unlink(path).catch((e: unknown) => {
          if (!isErrno(e, 'ENOENT')) throw e;
        });
      }
    }
    heldHere.add(key);
    return new SpoolLock(key, path);
  }

  async release(): Promise<void> {
    heldHere.delete(this.dir);
    await unlink(this.path).catch((e: unknown) => {
      if (!isErrno(e, 'ENOENT')) throw e;
    });
  }
}
