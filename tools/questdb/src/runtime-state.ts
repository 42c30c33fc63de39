import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { runtimeFiles } from './paths';

/** What `start` records about a running server, so `status` and `stop` find it from the data dir alone. */
export interface RunInfo {
  pid: number;
  version: string;
  httpUrl: string;
  bind: string;
  httpPort: number;
  pgPort: number;
  ilpPort: number;
  minPort: number;
  logFile: string;
  startedAt: string;
}

/** The pid in `questdb.pid`, or undefined when there is no (readable) pid file. */
export function readPid(rootDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(runtimeFiles(rootDir).pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function readRunInfo(rootDir: string): RunInfo | undefined {
  try {
    return JSON.parse(readFileSync(runtimeFiles(rootDir).infoFile, 'utf8')) as RunInfo;
  } catch {
    return undefined;
  }
}

export function writeRunFiles(rootDir: string, info: RunInfo): void {
  const files = runtimeFiles(rootDir);
  writeFileSync(files.pidFile, `${info.pid}\n`);
  writeFileSync(files.infoFile, `${JSON.stringify(info, null, 2)}\n`);
}

/**
 * Removes the pid and info files, but only while they still name `pid` (when given): a newer
 * server started on the same dir must not lose its pid file to the exit of an older one.
 */
export function removeRunFiles(rootDir: string, pid?: number): void {
  if (pid !== undefined && readPid(rootDir) !== pid) return;
  const files = runtimeFiles(rootDir);
  rmSync(files.pidFile, { force: true });
  rmSync(files.infoFile, { force: true });
}
