import { cpus } from 'node:os';
import { Pool } from 'undici';
import { MetricsClient } from '@tradewatch/questdb-client';
import type { BodyFactory } from './bench-rows';
import { Clock, FreshnessProbes, type FreshnessResult } from './freshness';
import { machineCpuPercent, ProcessMonitor, sampleMachineCpu, type MachineCpuSample, type ProcessUsage } from './proc-stats';
import { percentile } from './stats';

/** Where a load goes: the collector's JSON or ILP endpoint, or QuestDB itself (the ceiling). */
export interface IngestTarget {
  url: string;
  path: string;
  contentType: string;
  /** The answer that means "acknowledged": 202 for the collector's JSON routes, 204 for ILP. */
  okStatus: number;
  bodies: BodyFactory;
}

export interface IngestOptions {
  target: IngestTarget;
  questDbUrl: string;
  questDbPid: number;
  /** The collector's pid when it is the target (its CPU and memory are measured). */
  collectorPid?: number;
  clients: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Total rows/s to offer, spread over the clients; as fast as acknowledged when absent. */
  paceRowsPerSecond?: number;
  /**
   * CPU each process uses when idle (percent of one core, `measureIdleCpu`): subtracted before
   * dividing by rows, so that a slower run is not charged more of the processes' background work.
   */
  idleCpuPercent?: { questdb: number; collector?: number };
  /** Freshness probes through the collector at this URL, one every `probeIntervalMs`. */
  probes?: { collectorUrl: string; intervalMs: number };
  log: (line: string) => void;
}

export interface IngestResult {
  clients: number;
  rowsPerRequest: number;
  seconds: number;
  /** Rows acknowledged in the measured window. */
  ackedRows: number;
  rowsPerSecond: number;
  /** Request body bytes per acknowledged row in the measured window (what the route had to read per row). */
  bodyBytesPerRow: number;
  /** Rows/s of each 5 s part of the measured window. */
  windowRowsPerSecond: number[];
  ackP50Ms: number;
  ackP99Ms: number;
  requests: number;
  /** Answers other than the acknowledgement (status → count), and transport errors. */
  failures: Record<string, number>;
  /** One answer body per failed status, to say why. */
  failureSamples: Record<string, string>;
  /** From the start of the measured window until QuestDB held every acknowledged row; µs per row above the idle level. */
  collector?: ProcessUsage & { microsPerRow: number };
  questdb: ProcessUsage & { microsPerRow: number };
  loadGeneratorCpuPercent: number;
  /** Busy CPU of the whole machine during the measured window (every process), percent of one core. */
  machineCpuPercent: number;
  /** Load rows acknowledged over the whole run (warm-up included) … */
  totalAckedRows: number;
  /** … and how many of them QuestDB holds afterwards. */
  storedRows: number;
  /** Seconds from the end of the load until QuestDB held them all (the spool's backlog plus WAL apply). */
  catchUpSeconds: number;
  freshness?: FreshnessResult;
}

const WINDOW_MS = 5_000;
const RESPONSE_BODY_LIMIT = 200;

/**
 * A sustained load: `clients` loops, each posting a body and waiting for its acknowledgement
 * (keep-alive connections from one undici pool), optionally paced to a total rate, for warm-up
 * plus duration. CPU of the collector and of QuestDB is measured from the start of the measured
 * window until QuestDB holds every acknowledged row, so work left over after the load (the
 * spool's backlog, WAL apply, rollup refresh) counts against the rows it was for.
 */
export async function benchIngest(o: IngestOptions): Promise<IngestResult> {
  const clock = new Clock();
  const { bodies } = o.target;
  const rowSteps = Math.ceil(bodies.rowsPerBody / 1_000) + 1;
  const pool = new Pool(o.target.url, { connections: o.clients, pipelining: 1, keepAliveTimeout: 60_000 });
  const headers = { 'content-type': o.target.contentType };

  const started = performance.now();
  const measureFrom = started + o.warmupSeconds * 1000;
  const measureTo = measureFrom + o.durationSeconds * 1000;
  const latencies: number[] = [];
  const windows = new Array<number>(Math.ceil(o.durationSeconds / (WINDOW_MS / 1000))).fill(0);
  const failures: Record<string, number> = {};
  const failureSamples: Record<string, string> = {};
  let ackedRows = 0;
  let ackedBytes = 0;
  let requests = 0;
  let totalAcked = 0;
  let collectorMon: ProcessMonitor | undefined;
  let questDbMon: ProcessMonitor | undefined;
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  let cpuInWindow: NodeJS.CpuUsage | undefined;
  let machineAtStart: MachineCpuSample | undefined;
  let machineBusy = Number.NaN;
  const startMonitors = setTimeout(() => {
    if (o.collectorPid !== undefined) collectorMon = new ProcessMonitor(o.collectorPid);
    questDbMon = new ProcessMonitor(o.questDbPid);
    cpuAtStart = process.cpuUsage();
    machineAtStart = sampleMachineCpu();
  }, o.warmupSeconds * 1000);
  // Pacing: one shared schedule of send times, `rowsPerBody / pace` seconds apart.
  const interval = o.paceRowsPerSecond ? (bodies.rowsPerBody / o.paceRowsPerSecond) * 1000 : 0;
  let nextSlot = started;

  async function client(): Promise<void> {
    // This client's bodies: each is sent and answered before the next is written over it.
    const write = bodies.writer();
    while (performance.now() < measureTo) {
      if (interval > 0) {
        const slot = nextSlot;
        nextSlot = Math.max(nextSlot + interval, performance.now() - interval);
        const wait = slot - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (performance.now() >= measureTo) break;
      }
      const body = write(clock.next(rowSteps));
      const t0 = performance.now();
      let status: string;
      try {
        const res = await pool.request({ path: o.target.path, method: 'POST', headers, body });
        const text = await res.body.text();
        status = res.statusCode === o.target.okStatus ? 'ok' : String(res.statusCode);
        if (status !== 'ok') failureSamples[status] ??= text.slice(0, RESPONSE_BODY_LIMIT);
        if (res.statusCode === 503) {
          // Back-pressure (spool full): do as a client should and wait the Retry-After.
          const after = Number(res.headers['retry-after'] ?? 1);
          await new Promise((r) => setTimeout(r, Math.min(after, 5) * 1000));
        }
      } catch (error) {
        status = 'transport error';
        failureSamples[status] ??= (error as Error).message;
      }
      const t1 = performance.now();
      if (status === 'ok') totalAcked += bodies.rowsPerBody;
      if (t0 < measureFrom || t1 > measureTo) continue;
      requests++;
      if (status !== 'ok') {
        failures[status] = (failures[status] ?? 0) + 1;
        continue;
      }
      latencies.push(t1 - t0);
      ackedRows += bodies.rowsPerBody;
      ackedBytes += body.length;
      windows[Math.min(windows.length - 1, Math.floor((t1 - measureFrom) / WINDOW_MS))] += bodies.rowsPerBody;
    }
  }

  const probes = o.probes && new FreshnessProbes(o.probes.collectorUrl, o.questDbUrl, clock);
  const probeTimer = probes
    ? setInterval(() => {
        const now = performance.now();
        if (now >= measureFrom && now < measureTo) probes.send();
      }, o.probes?.intervalMs)
    : undefined;
  const progress = setInterval(() => o.log(`  ${Math.round((performance.now() - started) / 1000)} s, ${ackedRows.toLocaleString('en')} rows acknowledged in the measured window`), 10_000);
  try {
    await Promise.all(Array.from({ length: o.clients }, client));
  } finally {
    clearTimeout(startMonitors);
    clearInterval(probeTimer);
    clearInterval(progress);
    cpuInWindow = cpuAtStart && process.cpuUsage(cpuAtStart);
    if (machineAtStart) machineBusy = machineCpuPercent(machineAtStart, sampleMachineCpu(), cpus().length);
  }
  const loadEnded = performance.now();
  await pool.close();
  const storedRows = await waitForStored(o.questDbUrl, bodies.storedRowsSql, totalAcked, o.log);
  const catchUpSeconds = (performance.now() - loadEnded) / 1000;
  const freshness = await probes?.finish();
  const none: ProcessUsage = { cpuPercent: Number.NaN, cpuSeconds: Number.NaN, peakRssBytes: Number.NaN, endRssBytes: Number.NaN };
  const perRow = (u: ProcessUsage, idlePercent = 0) => {
    const wallSeconds = u.cpuPercent > 0 ? u.cpuSeconds / (u.cpuPercent / 100) : 0;
    const busySeconds = Math.max(0, u.cpuSeconds - (idlePercent / 100) * wallSeconds);
    return { ...u, microsPerRow: ackedRows > 0 ? (busySeconds * 1e6) / ackedRows : Number.NaN };
  };
  const collectorUsage = collectorMon?.stop();
  return {
    clients: o.clients,
    rowsPerRequest: bodies.rowsPerBody,
    seconds: o.durationSeconds,
    ackedRows,
    rowsPerSecond: ackedRows / o.durationSeconds,
    bodyBytesPerRow: ackedRows > 0 ? ackedBytes / ackedRows : Number.NaN,
    windowRowsPerSecond: windows.map((n) => n / (WINDOW_MS / 1000)).slice(0, Math.floor(o.durationSeconds / (WINDOW_MS / 1000))),
    ackP50Ms: percentile(latencies, 50),
    ackP99Ms: percentile(latencies, 99),
    requests,
    failures,
    failureSamples,
    ...(collectorUsage && { collector: perRow(collectorUsage, o.idleCpuPercent?.collector) }),
    questdb: perRow(questDbMon?.stop() ?? none, o.idleCpuPercent?.questdb),
    loadGeneratorCpuPercent: cpuInWindow ? ((cpuInWindow.user + cpuInWindow.system) / 1e6 / o.durationSeconds) * 100 : Number.NaN,
    machineCpuPercent: machineBusy,
    totalAckedRows: totalAcked,
    storedRows,
    catchUpSeconds,
    ...(freshness && { freshness }),
  };
}

/** Waits (up to 2 minutes) until QuestDB holds every acknowledged load row (counted by `countSql`); returns what it holds. */
async function waitForStored(questDbUrl: string, countSql: string, expected: number, log: (line: string) => void): Promise<number> {
  const client = await MetricsClient.connect({ url: questDbUrl });
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { rows } = await client.query<{ n: number }>(countSql);
      const n = Number(rows[0]?.n ?? 0);
      if (n >= expected || Date.now() > deadline) {
        if (n < expected) log(`only ${n} of ${expected} acknowledged rows in QuestDB after 2 minutes`);
        return n;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await client.close();
  }
}

/** CPU of each process over `ms` with no load, percent of one core. */
export async function measureIdleCpu(pids: readonly number[], ms: number): Promise<number[]> {
  const monitors = pids.map((pid) => new ProcessMonitor(pid));
  await new Promise((r) => setTimeout(r, ms));
  return monitors.map((m) => m.stop().cpuPercent);
}
