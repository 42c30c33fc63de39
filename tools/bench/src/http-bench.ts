import { Pool } from 'undici';
import { formatIsoMicros, type EpochMicros } from '@tradewatch/models';
import { MetricsClient } from '@tradewatch/questdb-client';
import { BENCH_HOST, PipelineBodies } from './bench-rows';
import { cpus } from 'node:os';
import { machineCpuPercent, ProcessMonitor, sampleMachineCpu, type MachineCpuSample } from './proc-stats';
import { median, percentile } from './stats';

export interface HttpBenchOptions {
  collectorUrl: string;
  questDbUrl: string;
  collectorPid: number;
  questDbPid: number;
  clients: number;
  rowsPerRequest: number;
  /** Measured seconds, after `warmupSeconds` that are not counted. */
  durationSeconds: number;
  warmupSeconds: number;
  /** One freshness probe row every this many ms. */
  probeIntervalMs: number;
  log: (line: string) => void;
}

export interface HttpBenchResult {
  clients: number;
  rowsPerRequest: number;
  seconds: number;
  ackedRows: number;
  rowsPerSecond: number;
  /** Rows/s of each 10 s part of the measured window. */
  windowRowsPerSecond: number[];
  ackP50Ms: number;
  ackP99Ms: number;
  requests: number;
  /** Answers other than 202 (status → count), and transport errors. */
  failures: Record<string, number>;
  collector: { cpuPercent: number; peakRssBytes: number; endRssBytes: number };
  questdb: { cpuPercent: number; peakRssBytes: number };
  loadGeneratorCpuPercent: number;
  /** Busy CPU of the whole machine (every process, other users' included), percent of one core. */
  machineCpuPercent: number;
  /** Load rows acknowledged over the whole run (warm-up included) … */
  totalAckedRows: number;
  /** … and how many of them QuestDB holds afterwards. */
  storedRows: number;
  /** Seconds from the end of the load until QuestDB held them all (the spool's backlog, if any). */
  catchUpSeconds: number;
  freshness: FreshnessResult;
}

export interface FreshnessResult {
  probes: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Acknowledged probes not visible within the give-up time. */
  missing: number;
}

const PROBE_HOST = 'freshness-probe';
const WINDOW_MS = 10_000;
const POLL_MS = 50;
const GIVE_UP_MS = 30_000;

/** Unique, increasing row timestamps near the wall clock (the collector refuses future ones). */
class Clock {
  private last = 0;
  next(step: number): EpochMicros {
    this.last = Math.max(Date.now() * 1000 - 1_000_000, this.last + step);
    return this.last;
  }
}

/**
 * Sustained ingest: `clients` loops, each posting a batch and waiting for its acknowledgement
 * (keep-alive connections from one undici pool), for warm-up plus duration. Meanwhile freshness
 * probes: one row with a unique timestamp every `probeIntervalMs`; from its acknowledgement, one
 * poller asks QuestDB which probes it can see, every 50 ms.
 */
export async function benchHttpIngest(o: HttpBenchOptions): Promise<HttpBenchResult> {
  const clock = new Clock();
  const bodies = new PipelineBodies(o.rowsPerRequest);
  const rowSteps = Math.ceil(o.rowsPerRequest / 1_000) + 1;
  const pool = new Pool(o.collectorUrl, { connections: o.clients + 1, pipelining: 1, keepAliveTimeout: 60_000 });
  const path = '/v1/metrics/pipeline';
  const headers = { 'content-type': 'application/json' };

  const started = performance.now();
  const measureFrom = started + o.warmupSeconds * 1000;
  const measureTo = measureFrom + o.durationSeconds * 1000;
  const latencies: number[] = [];
  const windows = new Array<number>(Math.ceil(o.durationSeconds / (WINDOW_MS / 1000))).fill(0);
  const failures: Record<string, number> = {};
  let ackedRows = 0;
  let requests = 0;
  let totalAcked = 0;
  let collectorMon: ProcessMonitor | undefined;
  let questDbMon: ProcessMonitor | undefined;
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  let machineAtStart: MachineCpuSample | undefined;
  const startMonitors = setTimeout(() => {
    collectorMon = new ProcessMonitor(o.collectorPid);
    questDbMon = new ProcessMonitor(o.questDbPid);
    cpuAtStart = process.cpuUsage();
    machineAtStart = sampleMachineCpu();
  }, o.warmupSeconds * 1000);

  async function client(): Promise<void> {
    while (performance.now() < measureTo) {
      const body = bodies.body(clock.next(rowSteps));
      const t0 = performance.now();
      let status: string;
      try {
        const res = await pool.request({ path, method: 'POST', headers, body });
        await res.body.text();
        status = String(res.statusCode);
        if (res.statusCode === 503) {
          // Back-pressure (spool full): do as a client should and wait the Retry-After.
          const after = Number(res.headers['retry-after'] ?? 1);
          await new Promise((r) => setTimeout(r, Math.min(after, 5) * 1000));
        }
      } catch (error) {
        status = `error: ${(error as Error).message}`;
      }
      const t1 = performance.now();
      if (status === '202') totalAcked += o.rowsPerRequest;
      if (t0 < measureFrom || t1 > measureTo) continue;
      requests++;
      if (status !== '202') {
        failures[status] = (failures[status] ?? 0) + 1;
        continue;
      }
      latencies.push(t1 - t0);
      ackedRows += o.rowsPerRequest;
      windows[Math.min(windows.length - 1, Math.floor((t1 - measureFrom) / WINDOW_MS))] += o.rowsPerRequest;
    }
  }

  const probes = new FreshnessProbes(o.collectorUrl, o.questDbUrl, clock);
  const probeTimer = setInterval(() => {
    const now = performance.now();
    if (now >= measureFrom && now < measureTo) probes.send();
  }, o.probeIntervalMs);
  const progress = setInterval(() => o.log(`http ingest: ${Math.round((performance.now() - started) / 1000)} s, ${ackedRows.toLocaleString('en')} rows acknowledged in the measured window`), 10_000);
  try {
    await Promise.all(Array.from({ length: o.clients }, client));
  } finally {
    clearTimeout(startMonitors);
    clearInterval(probeTimer);
    clearInterval(progress);
  }
  const loadEnded = performance.now();
  const seconds = o.durationSeconds;
  const collector = collectorMon?.stop() ?? { cpuPercent: Number.NaN, peakRssBytes: Number.NaN, endRssBytes: Number.NaN };
  const questdb = questDbMon?.stop() ?? { cpuPercent: Number.NaN, peakRssBytes: Number.NaN };
  const cpu = process.cpuUsage(cpuAtStart);
  const machine = machineAtStart ? machineCpuPercent(machineAtStart, sampleMachineCpu(), cpus().length) : Number.NaN;
  const freshness = await probes.finish();
  await pool.close();

  const storedRows = await waitForStored(o.questDbUrl, totalAcked, o.log);
  const catchUpSeconds = (performance.now() - loadEnded) / 1000;
  return {
    clients: o.clients,
    rowsPerRequest: o.rowsPerRequest,
    seconds,
    ackedRows,
    rowsPerSecond: ackedRows / seconds,
    windowRowsPerSecond: windows.map((n) => n / (WINDOW_MS / 1000)).slice(0, Math.floor(o.durationSeconds / (WINDOW_MS / 1000))),
    ackP50Ms: percentile(latencies, 50),
    ackP99Ms: percentile(latencies, 99),
    requests,
    failures,
    collector,
    questdb,
    loadGeneratorCpuPercent: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
    machineCpuPercent: machine,
    totalAckedRows: totalAcked,
    storedRows,
    catchUpSeconds,
    freshness,
  };
}

/** Waits (up to 2 minutes) until QuestDB holds every acknowledged load row; returns what it holds. */
async function waitForStored(questDbUrl: string, expected: number, log: (line: string) => void): Promise<number> {
  const client = await MetricsClient.connect({ url: questDbUrl });
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { rows } = await client.query<{ n: number }>(`SELECT count() n FROM pipeline_metrics WHERE host = '${BENCH_HOST}'`);
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

/** Probe rows and the one poller that looks for them in QuestDB. */
class FreshnessProbes {
  private readonly waiting = new Map<string, number>();
  private readonly seen: number[] = [];
  private missing = 0;
  private readonly pool: Pool;
  private readonly poller: NodeJS.Timeout;
  private polling = false;
  private readonly client: Promise<MetricsClient>;

  constructor(collectorUrl: string, questDbUrl: string, private readonly clock: Clock) {
    this.pool = new Pool(collectorUrl, { connections: 1 });
    this.client = MetricsClient.connect({ url: questDbUrl });
    this.poller = setInterval(() => void this.poll(), POLL_MS);
  }

  send(): void {
    const iso = formatIsoMicros(this.clock.next(1));
    const row = { timestamp: iso, exchange: 'binance', symbol: 'PROBE/USDT:USDT', data_type: 'oi', host: PROBE_HOST, env: 'prod', gap_detected: false };
    void this.pool
      .request({ path: '/v1/metrics/pipeline', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(row) })
      .then(async (res) => {
        await res.body.text();
        // Only acknowledged probes count; a refused one has no freshness to measure.
        if (res.statusCode === 202) this.waiting.set(iso, performance.now());
      })
      .catch(() => undefined);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.waiting.size === 0) return;
    this.polling = true;
    try {
      const oldest = [...this.waiting.keys()].sort()[0];
      const client = await this.client;
      const { rows } = await client.query<{ ts: string }>(`SELECT timestamp ts FROM pipeline_metrics WHERE host = '${PROBE_HOST}' AND timestamp >= '${oldest}'`);
      const now = performance.now();
      for (const { ts } of rows) {
        const ackedAt = this.waiting.get(ts);
        if (ackedAt === undefined) continue;
        this.seen.push(now - ackedAt);
        this.waiting.delete(ts);
      }
      for (const [ts, ackedAt] of this.waiting) {
        if (now - ackedAt > GIVE_UP_MS) {
          this.missing++;
          this.waiting.delete(ts);
        }
      }
    } catch {
      // A failed poll (QuestDB busy) is retried at the next tick; a probe that never shows is counted as missing.
    } finally {
      this.polling = false;
    }
  }

  /** Waits for the outstanding probes (at most the give-up time), then summarises. */
  async finish(): Promise<FreshnessResult> {
    const deadline = performance.now() + GIVE_UP_MS + 1_000;
    while (this.waiting.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, POLL_MS));
    clearInterval(this.poller);
    this.missing += this.waiting.size;
    await this.pool.close();
    await (await this.client).close();
    return {
      probes: this.seen.length + this.missing,
      p50Ms: median(this.seen),
      p99Ms: percentile(this.seen, 99),
      maxMs: this.seen.length ? Math.max(...this.seen) : Number.NaN,
      missing: this.missing,
    };
  }
}
