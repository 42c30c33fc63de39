import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { MetricsClient } from '@tradewatch/questdb-client';
import { questDbUrl, uniqueName, waitForCount } from '@tradewatch/questdb-client/testing';
import { NOT_SILENCE_ROW, freePort, startCollector, type CollectorProcess } from '../testing/collector-process';
import { ReporterValidationError, type ReporterError } from './errors';
import { Reporter } from './reporter';
import { serveStatus, type StatusServer } from './serve-status';
import type { StatusInput } from './types';

const ROOT = join(__dirname, '../../../..');
const hourAgo = () => Math.floor(Date.now() / 1000) * 1000 - 3_600_000;

/** QuestDB's rendering of epoch ms: ISO with microseconds. */
const qdbTime = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

describe('Reporter and serveStatus against a real collector process and a real QuestDB', () => {
  let collector: CollectorProcess;
  let reader: MetricsClient;
  let status: StatusServer;
  let dir: string;
  const statusHost = uniqueName('served');
  const served: StatusInput[] = [];
  let polls = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reporter-int-'));
    status = await serveStatus(() => {
      polls++;
      const s: StatusInput = {
        running: true,
        uptime_seconds: 100 + polls,
        fetch_count: 1_000 + polls,
        error_count: 2,
        liquidation_count: 7,
        memory_rss_bytes: 300_000_000,
        cpu_percent: 12.5,
        parquet_bytes: 5_000_000,
        last_error: 'ccxt.NetworkError: timed out',
        last_error_at: new Date(hourAgo()), // a Date: serveStatus sends ISO-8601
        exchanges: [{ exchange: 'okx', connected: true, latency_ms: 42.5, reconnect_count: 1, last_message_at: hourAgo() }],
      };
      served.push(s);
      return s;
    });
    const config = join(dir, 'collector.yaml');
    writeFileSync(
      config,
      [
        'daemons:',
        '  intervalMs: 500',
        '  targets:',
        `    - { url: "${status.url}", host: "${statusHost}", env: dev }`,
        'pipeline:',
        '  intervalMs: 1000',
      ].join('\n'),
    );
    collector = await startCollector(await freePort(), { QUESTDB_URL: questDbUrl(), COLLECTOR_SPOOL_DIR: join(dir, 'spool'), COLLECTOR_CONFIG: config });
    reader = await MetricsClient.connect({ url: questDbUrl() });
  }, 120_000);

  afterAll(async () => {
    await collector?.stop();
    await status?.close();
    await reader?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rows reach QuestDB exactly as handed over; fetch events are aggregated into pipeline_metrics', async () => {
    const host = uniqueName('exact');
    const base = hourAgo();
    const reporter = new Reporter({ url: collector.url, batchSize: 100, flushIntervalMs: 200 });
    const sent = Array.from({ length: 250 }, (_, i) => ({
      timestamp: i % 2 === 0 ? new Date(base + i) : base + i, // Date and epoch ms both accepted
      host,
      env: 'dev' as const,
      running: i % 3 !== 0,
      fetch_count: i * 10,
      memory_rss_bytes: 1_000_000 + i,
      cpu_percent: i / 10,
      last_error: i % 5 === 0 ? `error ${i}` : null,
    }));
    for (const row of sent) await reporter.daemon(row);
    for (let i = 0; i < 4; i++) {
      await reporter.fetchEvent({ host, env: 'dev', exchange: 'bybit', symbol: 'ETH/USDT:USDT', data_type: 'funding', records: 3, bytes: 300, latency_ms: 50, data_timestamp: new Date() });
    }
    await reporter.close();
    expect(reporter.counters).toMatchObject({ sent: 254, refused: 0, buffered: 0 });

    expect(await waitForCount(reader, `SELECT count() FROM daemon_metrics WHERE host = '${host}' AND ${NOT_SILENCE_ROW}`, 250, 20_000)).toBe(250);
    const { rows } = await reader.query<Record<string, unknown>>(
      `SELECT timestamp, running, fetch_count, memory_rss_bytes, cpu_percent, last_error FROM daemon_metrics WHERE host = '${host}' AND ${NOT_SILENCE_ROW} ORDER BY timestamp`,
    );
    expect(rows).toEqual(
      sent.map((r, i) => ({ timestamp: qdbTime(base + i), running: r.running, fetch_count: r.fetch_count, memory_rss_bytes: r.memory_rss_bytes, cpu_percent: r.cpu_percent, last_error: r.last_error })),
    );
    // The collector writes its pipeline row at the end of its 1 s interval.
    expect(await waitForCount(reader, `SELECT sum(records_count) FROM pipeline_metrics WHERE host = '${host}' AND symbol = 'ETH/USDT:USDT'`, 12, 20_000)).toBe(12);
  });

  it('a refused row surfaces as ReporterValidationError naming the row and field; the rest of its batch and later rows arrive', async () => {
    const host = uniqueName('refused');
    const base = hourAgo();
    const errors: ReporterError[] = [];
    const reporter = new Reporter({ url: collector.url, batchSize: 10, flushIntervalMs: 200, onError: (e) => errors.push(e) });
    for (let i = 0; i < 10; i++) {
      await reporter.daemon({ timestamp: base + i, host, env: 'dev', running: true, fetch_count: i, cpu_percent: i === 4 ? 99_999 : 1 });
    }
    await reporter.flush();
    for (let i = 10; i < 15; i++) await reporter.daemon({ timestamp: base + i, host, env: 'dev', running: true, fetch_count: i });
    await reporter.close();

    expect(errors).toHaveLength(1);
    const error = errors[0] as ReporterValidationError;
    expect(error).toBeInstanceOf(ReporterValidationError);
    expect(error.code).toBe('validation_failed');
    expect(error.field).toBe('cpu_percent');
    expect(error.row).toMatchObject({ host, fetch_count: 4, cpu_percent: 99_999 });
    expect(error.message).toBe('daemon: row refused by the collector: cpu_percent: must be <= 6400');
    expect(reporter.counters).toMatchObject({ sent: 14, refused: 1 });
    expect(await waitForCount(reader, `SELECT count() FROM daemon_metrics WHERE host = '${host}' AND ${NOT_SILENCE_ROW}`, 14, 20_000)).toBe(14);
    const { rows } = await reader.query<{ fetch_count: number }>(`SELECT fetch_count FROM daemon_metrics WHERE host = '${host}' AND ${NOT_SILENCE_ROW} ORDER BY timestamp`);
    expect(rows.map((r) => r.fetch_count)).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it.each(['close', 'natural', 'sigterm'])('a child process that reports and then exits (%s) delivers every row', async (mode) => {
    const host = uniqueName(`exit-${mode}`);
    const child = spawn(process.execPath, ['--import', 'tsx', 'libs/reporter/src/testing/report-and-exit.fixture.ts', collector.url, host, '40', mode], {
      cwd: ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.base.json' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    if (mode === 'sigterm') {
      await once(createInterface({ input: child.stdout as NodeJS.ReadableStream }), 'line');
      child.kill('SIGTERM');
    }
    const [code] = await exited;
    expect(code).toBe(0);
    // Delivered before the child exited: acknowledged means durable in the collector's spool.
    expect(await waitForCount(reader, `SELECT count() FROM daemon_metrics WHERE host = '${host}' AND ${NOT_SILENCE_ROW}`, 40, 20_000)).toBe(40);
  }, 60_000);

  it('with spillDir, rows of a process that exits at once are spilled by its exit handler and delivered by the next start', async () => {
    const host = uniqueName('exit-spill');
    const spillDir = join(dir, 'spill');
    const child = spawn(process.execPath, ['--import', 'tsx', 'libs/reporter/src/testing/report-and-exit.fixture.ts', collector.url, host, '25', 'exit', spillDir], {
      cwd: ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.base.json' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(readdirSync(spillDir).filter((f) => f.endsWith('.jsonl'))).toHaveLength(1);

    const next = new Reporter({ url: collector.url, spillDir, exitHandlers: false });
    await next.close();
    expect(next.counters).toMatchObject({ sent: 25, replayed: 25, refused: 0 });
    expect(readdirSync(spillDir)).toEqual([]);
    expect(await waitForCount(reader, `SELECT count() FROM daemon_metrics WHERE host = '${host}' AND ${NOT_SILENCE_ROW}`, 25, 20_000)).toBe(25);
  }, 60_000);

  it('serveStatus polled by the real DaemonCollector gives the daemon_metrics and exchange_status rows it served', async () => {
    expect(await waitForCount(reader, `SELECT count() > 2 FROM daemon_metrics WHERE host = '${statusHost}'`, 1, 20_000)).toBe(1);
    const { rows } = await reader.query<Record<string, unknown>>(
      `SELECT * FROM daemon_metrics WHERE host = '${statusHost}' ORDER BY timestamp DESC LIMIT 1`,
    );
    const row = rows[0];
    const source = served.find((s) => s.fetch_count === row['fetch_count']) as StatusInput;
    expect(source).toBeDefined();
    expect(row).toMatchObject({
      host: statusHost,
      env: 'dev',
      running: true,
      uptime_seconds: source.uptime_seconds,
      error_count: 2,
      liquidation_count: 7,
      memory_rss_bytes: 300_000_000,
      cpu_percent: 12.5,
      parquet_bytes: 5_000_000,
      last_error: 'ccxt.NetworkError: timed out',
      last_error_at: qdbTime((source.last_error_at as Date).getTime()),
    });
    const ex = await reader.query<Record<string, unknown>>(
      `SELECT * FROM exchange_status WHERE host = '${statusHost}' AND timestamp = '${String(row['timestamp'])}'`,
    );
    expect(ex.rows).toEqual([
      expect.objectContaining({
        exchange: 'okx',
        env: 'dev',
        connected: true,
        latency_ms: 42.5,
        reconnect_count: 1,
        last_message_at: qdbTime(source.exchanges?.[0]?.last_message_at as number),
      }),
    ]);
  });
});
