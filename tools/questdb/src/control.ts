import { isPidAlive, isQuestDbPid, terminatePid } from './pid-control';
import { probeQuestDb, type ProbeResult } from './questdb-http';
import { readPid, readRunInfo, removeRunFiles, type RunInfo } from './runtime-state';

/**
 * `status` and `stop` for a server started by another process (the CLI's detached `start`),
 * found through the pid and info files in its data dir.
 */
export interface QuestDbStatus {
  state: 'running' | 'unhealthy' | 'not-running';
  pid?: number;
  info?: RunInfo;
  /** What the HTTP port of the recorded run answered. */
  http?: ProbeResult;
}

export async function questDbStatus(rootDir: string): Promise<QuestDbStatus> {
  const pid = readPid(rootDir);
  if (pid === undefined || !isQuestDbPid(pid)) return { state: 'not-running' };
  const info = readRunInfo(rootDir);
  const http = info ? await probeQuestDb(info.httpUrl) : undefined;
  return { state: http === 'ready' ? 'running' : 'unhealthy', pid, info, http };
}

export type StopOutcome =
  | { result: 'not-running'; stalePid?: number }
  | { result: 'terminated' | 'killed'; pid: number };

/** "Not running" is an outcome, not an error: stop is idempotent, as scripts expect. */
export async function stopQuestDb(rootDir: string, timeoutMs: number): Promise<StopOutcome> {
  const pid = readPid(rootDir);
  if (pid === undefined) return { result: 'not-running' };
  if (!isQuestDbPid(pid)) {
    // Dead, or the pid now belongs to something else: never signal it, just drop the stale file.
    removeRunFiles(rootDir, pid);
    return { result: 'not-running', stalePid: pid };
  }
  const result = await terminatePid(pid, timeoutMs);
  if (!isPidAlive(pid)) removeRunFiles(rootDir, pid);
  return { result, pid };
}
