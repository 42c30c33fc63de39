import { readFileSync } from 'node:fs';

/** CPU time and memory of one process, from Linux /proc. */
export interface ProcSample {
  /** user + system CPU seconds since the process started. */
  cpuSeconds: number;
  rssBytes: number;
  atMs: number;
  /** The main thread's scheduling, where the kernel reports it (schedstat). */
  mainThread?: ThreadSchedule;
}

/** Nanoseconds a thread spent on a CPU and runnable but waiting for one, since it started. */
export interface ThreadSchedule {
  runNs: number;
  waitNs: number;
}

/** `/proc/<pid>/task/<tid>/schedstat`: "<ns on a CPU> <ns waiting on a run queue> <time slices>". */
export function parseSchedstat(text: string): ThreadSchedule {
  const [runNs, waitNs] = text.trim().split(/\s+/).map(Number);
  if (!Number.isFinite(runNs) || !Number.isFinite(waitNs)) throw new Error(`unexpected schedstat: ${text.slice(0, 80)}`);
  return { runNs, waitNs };
}

/** The main thread's schedule (its tid is the pid), or undefined on a kernel without schedstats (no such file). */
function mainThreadSchedule(pid: number): ThreadSchedule | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseSchedstat(text);
}

/** Clock ticks per second of /proc/<pid>/stat; 100 on every Linux this runs on (USER_HZ). */
const CLOCK_TICKS = 100;

/**
 * utime + stime (fields 14 and 15) of a /proc/<pid>/stat line, in seconds. The command name
 * (field 2) is in parentheses and may hold spaces, so fields are counted after its closing one.
 */
export function parseStatCpuSeconds(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): utime is field 14, stime field 15.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unexpected /proc stat line: ${stat.slice(0, 120)}`);
  return (utime + stime) / CLOCK_TICKS;
}

/** VmRSS of a /proc/<pid>/status text, in bytes. */
export function parseStatusRssBytes(status: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!m) throw new Error('no VmRSS line in /proc status (has the process exited?)');
  return Number(m[1]) * 1024;
}

export function sampleProcess(pid: number): ProcSample {
  return {
    cpuSeconds: parseStatCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8')),
    rssBytes: parseStatusRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8')),
    atMs: performance.now(),
    mainThread: mainThreadSchedule(pid),
  };
}

/**
 * Shares of the time between two samples that the main thread ran on a CPU and that it was ready
 * to run but waited for a CPU, in percent. Near 100 % together: that one thread bounds the process.
 */
export function mainThreadPercent(from: ProcSample, to: ProcSample): { running: number; waiting: number } | undefined {
  const a = from.mainThread;
  const b = to.mainThread;
  const wallNs = (to.atMs - from.atMs) * 1e6;
  if (!a || !b || wallNs <= 0) return undefined;
  return { running: ((b.runNs - a.runNs) / wallNs) * 100, waiting: ((b.waitNs - a.waitNs) / wallNs) * 100 };
}

/** Average CPU use between two samples, in percent of one core (200 % = both cores of a 2-core machine). */
export function cpuPercent(from: ProcSample, to: ProcSample): number {
  const wallSeconds = (to.atMs - from.atMs) / 1000;
  return wallSeconds > 0 ? ((to.cpuSeconds - from.cpuSeconds) / wallSeconds) * 100 : Number.NaN;
}

export interface ProcessUsage {
  /** Average over the sampled time, percent of one core. */
  cpuPercent: number;
  /** CPU seconds used over the sampled time. */
  cpuSeconds: number;
  peakRssBytes: number;
  endRssBytes: number;
  /** The main thread over the sampled time (see `mainThreadPercent`). */
  mainThread?: { running: number; waiting: number };
}

/** Samples a process every `intervalMs` and keeps the peak RSS, until stopped. */
export class ProcessMonitor {
  private readonly first: ProcSample;
  private last: ProcSample;
  private peakRss: number;
  private readonly timer: NodeJS.Timeout;

  constructor(readonly pid: number, intervalMs = 500) {
    this.first = this.last = sampleProcess(pid);
    this.peakRss = this.first.rssBytes;
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    try {
      this.last = sampleProcess(this.pid);
      this.peakRss = Math.max(this.peakRss, this.last.rssBytes);
    } catch {
      // The process ended: keep the last sample; the caller finds out from the process itself.
    }
  }

  stop(): ProcessUsage {
    clearInterval(this.timer);
    this.sample();
    return {
      cpuPercent: cpuPercent(this.first, this.last),
      cpuSeconds: this.last.cpuSeconds - this.first.cpuSeconds,
      peakRssBytes: this.peakRss,
      endRssBytes: this.last.rssBytes,
      mainThread: mainThreadPercent(this.first, this.last),
    };
  }
}

/** Busy and total jiffies of the whole machine (the `cpu` line of /proc/stat). */
export interface MachineCpuSample {
  busy: number;
  total: number;
}

/** `cpu  user nice system idle iowait irq softirq steal …`: idle and iowait are not busy. */
export function parseMachineCpu(procStat: string): MachineCpuSample {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('no aggregate cpu line in /proc/stat');
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3] - fields[4], total };
}

export const sampleMachineCpu = () => parseMachineCpu(readFileSync('/proc/stat', 'utf8'));

/** Busy share of the whole machine between two samples, in percent of one core (like `cpuPercent`). */
export function machineCpuPercent(from: MachineCpuSample, to: MachineCpuSample, cores: number): number {
  const total = to.total - from.total;
  return total > 0 ? ((to.busy - from.busy) / total) * 100 * cores : Number.NaN;
}
