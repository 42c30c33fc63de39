import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { formatIsoMicros } from '@tradewatch/models';
import { MetricsClient } from '@tradewatch/questdb-client';
import { TcpProxy, questDbUrl, uniqueName } from '@tradewatch/questdb-client/testing';

const ROOT = join(__dirname, '../../..');
const ROWS_PER_BATCH = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Whole seconds an hour ago: inside the TTL and the validation window; one microsecond per row.
const base = Math.floor(Date.now() / 1000) * 1_000_000 - 3_600_000_000;

/** Batch `b` of a test: its rows carry the batch number in memory_rss_bytes (a gauge, so any order is valid). */
const batch = (host: string, b: number, rows = ROWS_PER_BATCH) =>
  Array.from({ length: rows }, (_, j) => ({ timestamp: formatIsoMicros(base + b * rows + j), host, env: 'dev', running: true, memory_rss_bytes: b }));

interface CollectorProcess {
  proc: ChildProcess;
  url: string;
  logs: Record<string, unknown>[];
}

/**
 * The collector as one node process with tsx's loader (not the tsx CLI, which runs a second
 * process and, on a busy machine, SIGKILLs a child that is slow to confirm a SIGTERM).
 */
async function startCollector(env: Record<string, string>): Promise<CollectorProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'apps/collector/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.base.json', COLLECTOR_PORT: '0', COLLECTOR_DEMO: '', COLLECTOR_CONFIG: '', COLLECTOR_TOKENS: '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const logs: Record<string, unknown>[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`collector exited with ${code} before listening`)));
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry['msg'] === 'collector listening') resolve(String(entry['url']));
    });
  });
  return { proc, url, logs };
}

async function killHard(c: CollectorProcess): Promise<void> {
  const exited = once(c.proc, 'exit');
  c.proc.kill('SIGKILL');
  const [, signal] = await exited;
  expect(signal).toBe('SIGKILL');
}

async function stopGracefully(c: CollectorProcess): Promise<number | null> {
  const exited = once(c.proc, 'exit');
  c.proc.kill('SIGTERM');
  const [code] = await exited;
  return code as number | null;
}

const post = (url: string, rows: unknown[]) =>
  fetch(`${url}/v1/metrics/daemon`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rows) });

describe('collector durability (real collector processes, real QuestDB)', () => {
  let reader: MetricsClient;
  const dirs: string[] = [];
  const running: CollectorProcess[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'collector-durability-'));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    reader = await MetricsClient.connect({ url: questDbUrl() });
  });
  afterEach(() => {
    for (const c of running.splice(0)) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  });
  afterAll(async () => {
    await reader.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** Polls until every batch in `acked` is in QuestDB; returns rows per batch present. */
  async function batchesInQuestDb(host: string, acked: Set<number>, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await reader.query<{ b: number; n: number; d: number }>(
        `SELECT memory_rss_bytes b, count() n, count_distinct(timestamp) d FROM daemon_metrics WHERE host = '${host}' ORDER BY b`,
      );
      const present = new Map(rows.map((r) => [r.b, r]));
      if ([...acked].every((b) => present.get(b)?.n === ROWS_PER_BATCH) || Date.now() > deadline) return present;
      await sleep(200);
    }
  }

  it('killed with SIGKILL in the middle of ingest and restarted: every acknowledged row is in QuestDB exactly once', async () => {
    const host = uniqueName('kill9');
    const spool = join(tempDir(), 'spool');
    const env = { QUESTDB_URL: questDbUrl(), COLLECTOR_SPOOL_DIR: spool };
    const first = await startCollector(env);
    running.push(first);

    // Four producers post batches as fast as the collector acknowledges them.
    const acked = new Set<number>();
    let next = 0;
    let producing = true;
    const producer = async () => {
      while (producing) {
        const b = next++;
        try {
          const res = await post(first.url, batch(host, b));
          if (res.status === 202) acked.add(b);
          else throw new Error(`unexpected ${res.status}: ${await res.text()}`);
        } catch (error) {
          if (producing) throw error;
          // The kill cut this request: it was never acknowledged.
        }
      }
    };
    const producers = Promise.all([producer(), producer(), producer(), producer()]);
    while (acked.size < 150 && first.proc.exitCode === null) await sleep(10);
    producing = false;
    await killHard(first);
    await producers;
    const ackedAtKill = new Set(acked);

    const second = await startCollector(env);
    running.push(second);
    expect(second.logs.find((l) => l['spool'] === 'recovered')).toBeDefined();
    const present = await batchesInQuestDb(host, ackedAtKill);
    for (const b of ackedAtKill) expect(present.get(b)).toEqual({ b, n: ROWS_PER_BATCH, d: ROWS_PER_BATCH });
    // A batch still in flight at the kill is there whole or not at all.
    for (const r of present.values()) expect(r).toEqual({ b: r.b, n: ROWS_PER_BATCH, d: ROWS_PER_BATCH });
    expect(await stopGracefully(second)).toBe(0);
  }, 120_000);

  it('spool limit reached while QuestDB is away: 503 with Retry-After; once QuestDB is back nothing acknowledged is lost', async () => {
    const host = uniqueName('full');
    const dir = tempDir();
    const config = join(dir, 'collector.yaml');
    // Heartbeats travel through the spool too: none during this test, so the spool holds only the batches.
    writeFileSync(config, 'spool:\n  maxBytes: 1048576\nheartbeat:\n  intervalMs: 3600000\n');
    const proxy = await TcpProxy.start(questDbUrl());
    try {
      const c = await startCollector({ QUESTDB_URL: proxy.url, COLLECTOR_SPOOL_DIR: join(dir, 'spool'), COLLECTOR_CONFIG: config });
      running.push(c);
      await proxy.cut();

      const acked = new Set<number>();
      let refused: Response | undefined;
      for (let b = 0; b < 1_000 && !refused; b++) {
        const res = await post(c.url, batch(host, b));
        if (res.status === 202) acked.add(b);
        else refused = res;
      }
      expect(refused?.status).toBe(503);
      expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused?.json()).toEqual({ error: 'spool_full', message: expect.stringMatching(/spool is full/) });
      expect(acked.size).toBeGreaterThan(100);

      const ready = await fetch(`${c.url}/health/ready`);
      expect(ready.status).toBe(503);
      const health = (await ready.json()) as { checks: Record<string, string>; spool: Record<string, unknown> };
      expect(health.checks['sink']).toMatch(/^spool full: \d+ of 1048576 bytes/);
      expect(health.spool).toMatchObject({ full: true, depthRows: acked.size * ROWS_PER_BATCH, maxBytes: 1_048_576, deadLetters: 0 });
      expect(health.spool['oldestAgeSeconds']).toBeGreaterThan(0);

      const families = parsePrometheusTextFormat(await (await fetch(`${c.url}/metrics`)).text());
      const gauge = (name: string) => Number(families.find((f) => f.name === name)?.metrics[0]?.value);
      expect(gauge('tradewatch_collector_spool_rows')).toBe(acked.size * ROWS_PER_BATCH);
      expect(gauge('tradewatch_collector_spool_limit_bytes')).toBe(1_048_576);
      expect(gauge('tradewatch_collector_spool_oldest_age_seconds')).toBeGreaterThan(0);
      expect(gauge('tradewatch_collector_spool_dead_letter_batches')).toBe(0);

      await proxy.restore();
      const present = await batchesInQuestDb(host, acked);
      for (const b of acked) expect(present.get(b)).toEqual({ b, n: ROWS_PER_BATCH, d: ROWS_PER_BATCH });
      expect(present.size).toBe(acked.size);

      // Ingest resumes.
      expect((await post(c.url, batch(host, 5_000))).status).toBe(202);
      expect(await stopGracefully(c)).toBe(0);
      const after = await batchesInQuestDb(host, new Set([...acked, 5_000]), 10_000);
      expect(after.get(5_000)).toEqual({ b: 5_000, n: ROWS_PER_BATCH, d: ROWS_PER_BATCH });
    } finally {
      await proxy.close();
    }
  }, 120_000);
});
