import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTableSql, TABLE_NAMES, tableDef, type Row } from '@tradewatch/models';
// Fault tests need a QuestDB of their own to stop and restart.
import { findFreePorts, startQuestDb, type QuestDbHandle } from '@tradewatch/questdb-launcher';
import { TcpProxy, uniqueName, waitForCount } from '../../testing';
import { MetricsClient } from '../metrics-client';
import type { DeadLetter } from './dead-letters';
import { SpoolFullError } from './spool-errors';
import type { SpoolEvent } from './spool-events';
import { SpoolSink, type SpoolSinkOptions } from './spool-sink';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Whole seconds an hour ago: inside the tables' TTL, and unique per row when offset by the row number.
const base = Math.floor(Date.now() / 1000) * 1_000_000 - 3_600_000_000;
const daemonRows = (host: string, from: number, count: number): Row<'daemon_metrics'>[] =>
  Array.from({ length: count }, (_, i) => ({ timestamp: base + from + i, host, env: 'dev', running: true, fetch_count: from + i }));

/**
 * These tests stop, restart and alter their QuestDB, so they start one of their own instead of
 * sharing the run's (QUESTDB_URL).
 */
describe('SpoolSink against a real QuestDB that fails', () => {
  let qdb: QuestDbHandle;
  let client: MetricsClient;
  let work: string;
  /** A loopback address where nothing listens: QuestDB "down" without touching the real one. */
  let nowhere: string;
  const events: SpoolEvent[] = [];
  const open = (dir: string, options: Partial<SpoolSinkOptions> = {}) =>
    SpoolSink.open({ dir, connection: { url: qdb.httpUrl }, backoff: { baseMs: 50, maxMs: 1_000 }, onEvent: (e) => events.push(e), ...options });
  const count = async (where: string) => {
    const { rows } = await client.query<{ n: number; d: number }>(`SELECT count() n, count_distinct(timestamp) d FROM daemon_metrics WHERE ${where}`);
    return rows[0];
  };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'spool-int-'));
    const [httpPort, pgPort, ilpPort, minPort, unused] = await findFreePorts(5);
    nowhere = `http://127.0.0.1:${unused}`;
    qdb = await startQuestDb({ dataDir: join(work, 'questdb'), httpPort, pgPort, ilpPort, minPort, stderr: process.stderr });
    client = await MetricsClient.connect({ url: qdb.httpUrl });
    // The registry's tables, except that daemon_metrics.last_error is a LONG here: QuestDB refuses
    // every row that carries a last_error text, which is the dead-letter test's permanent
    // rejection. The other tests leave last_error out.
    for (const table of TABLE_NAMES) {
      const sql = createTableSql(tableDef(table));
      await client.query(table === 'daemon_metrics' ? sql.replace(/last_error VARCHAR/, 'last_error LONG') : sql);
    }
  }, 120_000);
  afterAll(async () => {
    await client?.close();
    await qdb?.stop();
    await rm(work, { recursive: true, force: true });
  }, 60_000);
  beforeEach(() => {
    events.length = 0;
  });

  it('QuestDB stopped for 30 s during a steady ingest: exactly N rows arrive, none twice, none missing', async () => {
    const host = uniqueName('outage');
    const sink = await open(join(work, 'outage'));
    let appended = 0;
    let ingesting = true;
    // Steady ingest: 20 rows every 10 ms until told to stop.
    const ingest = (async () => {
      while (ingesting) {
        await sink.append('daemon_metrics', daemonRows(host, appended, 20));
        appended += 20;
        await sleep(10);
      }
    })();
    await sleep(2_000);
    await qdb.stop();
    const stoppedAt = appended;
    await sleep(30_000);
    const during = sink.stats();
    // The spool took everything while QuestDB was away, and says so.
    expect(appended).toBeGreaterThan(stoppedAt + 1_000);
    expect(during.depthRows).toBeGreaterThan(1_000);
    expect(during.oldestAgeSeconds).toBeGreaterThan(25);
    expect(during.shippingError?.error).toBeTruthy();
    await qdb.restart();
    await sleep(2_000);
    ingesting = false;
    await ingest;

    await expect(sink.drain(30_000)).resolves.toBe(true);
    expect(sink.stats()).toMatchObject({ depthRows: 0, depthBytes: 0, oldestAgeSeconds: 0, deadLetters: 0, shippedRows: appended });
    await sink.close();
    await waitForCount(client, `SELECT count() FROM daemon_metrics WHERE host = '${host}'`, appended, 20_000);
    expect(await count(`host = '${host}'`)).toEqual({ n: appended, d: appended });
    const { rows: range } = await client.query<{ lo: number; hi: number }>(`SELECT min(fetch_count) lo, max(fetch_count) hi FROM daemon_metrics WHERE host = '${host}'`);
    expect(range).toEqual([{ lo: 0, hi: appended - 1 }]);
    expect(events.some((e) => e.type === 'ship_failed')).toBe(true);
    expect(events.some((e) => e.type === 'ship_resumed')).toBe(true);
  }, 120_000);

  it('at the size limit append refuses with SpoolFullError; when QuestDB is back every acknowledged row arrives', async () => {
    const host = uniqueName('full');
    // QuestDB "away" behind a proxy this time: the 30 s test above already stops the real one.
    const proxy = await TcpProxy.start(qdb.httpUrl);
    try {
      const sink = await open(join(work, 'full'), { maxBytes: 64 * 1024, connection: { url: proxy.url } });
      await proxy.cut();
      let acknowledged = 0;
      let refusal: unknown;
      for (let i = 0; i < 1_000 && !refusal; i++) {
        try {
          await sink.append('daemon_metrics', daemonRows(host, acknowledged, 50));
          acknowledged += 50;
        } catch (error) {
          refusal = error;
        }
      }
      expect(refusal).toBeInstanceOf(SpoolFullError);
      const full = refusal as SpoolFullError;
      expect(full.code).toBe('spool_full');
      expect(full.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(full.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect(full.message).toMatch(/spool is full/);
      expect(acknowledged).toBeGreaterThan(0);
      expect(sink.stats()).toMatchObject({ full: true, depthRows: acknowledged, maxBytes: 64 * 1024 });
      // Refused stays refused while nothing ships: nothing is taken that cannot be kept.
      expect(() => sink.append('daemon_metrics', daemonRows(host, acknowledged, 50))).toThrow(SpoolFullError);

      await proxy.restore();
      await expect(sink.drain(30_000)).resolves.toBe(true);
      expect(sink.stats().full).toBe(false);
      // Ingest resumes.
      await sink.append('daemon_metrics', daemonRows(host, acknowledged, 50));
      acknowledged += 50;
      await expect(sink.drain(10_000)).resolves.toBe(true);
      await sink.close();
      await waitForCount(client, `SELECT count() FROM daemon_metrics WHERE host = '${host}'`, acknowledged);
      expect(await count(`host = '${host}'`)).toEqual({ n: acknowledged, d: acknowledged });
    } finally {
      await proxy.close();
    }
  });

  it('replays what it had not shipped when opened again (QuestDB was down at close)', async () => {
    const host = uniqueName('replay');
    const dir = join(work, 'replay');
    const unreachable = await SpoolSink.open({ dir, connection: { url: nowhere }, backoff: { baseMs: 50, maxMs: 200 } });
    await unreachable.append('daemon_metrics', daemonRows(host, 0, 300));
    await unreachable.append('daemon_metrics', daemonRows(host, 300, 200));
    expect(unreachable.stats()).toMatchObject({ depthRows: 500, shippedRows: 0 });
    await unreachable.close();

    const sink = await open(dir);
    expect(events.find((e) => e.type === 'recovered')).toMatchObject({ report: { rows: 500, records: 2 } });
    await expect(sink.drain(10_000)).resolves.toBe(true);
    await sink.close();
    await waitForCount(client, `SELECT count() FROM daemon_metrics WHERE host = '${host}'`, 500);
    expect(await count(`host = '${host}'`)).toEqual({ n: 500, d: 500 });
  });

  it.each([
    ['while shipping to QuestDB', true],
    ['with QuestDB unreachable, so all of it is in the spool', false],
  ])('a writer process killed with SIGKILL %s: every acknowledged batch is in QuestDB exactly once after a restart', async (_, reachable) => {
    const host = uniqueName('kill9');
    const dir = join(work, `kill9-${String(reachable)}`);
    const root = resolve(__dirname, '../../../../..');
    // One node process with tsx's loader (the tsx CLI would run the script in a second process).
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'spool-writer.fixture.ts'), dir, reachable ? qdb.httpUrl : nowhere, host, '25'], {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked = new Set<number>();
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) acked.add(Number(line.split(' ')[1]));
    });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
    while (acked.size < 200 && child.exitCode === null) await sleep(20);
    expect(child.exitCode).toBeNull(); // still writing when killed
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const sink = await open(dir);
    await expect(sink.drain(20_000)).resolves.toBe(true);
    await sink.close();
    const expectedMin = acked.size * 25;
    await waitForCount(client, `SELECT count() FROM daemon_metrics WHERE host = '${host}'`, expectedMin);
    const { rows } = await client.query<{ b: number; n: number; d: number }>(
      `SELECT fetch_count b, count() n, count_distinct(timestamp) d FROM daemon_metrics WHERE host = '${host}' ORDER BY b`,
    );
    const present = new Map(rows.map((r) => [r.b, r]));
    for (const b of acked) expect(present.get(b)).toEqual({ b, n: 25, d: 25 });
    // Batches appended but not yet acknowledged at the kill are there whole or not at all.
    for (const r of rows) expect(r).toEqual({ b: r.b, n: 25, d: 25 });
  }, 60_000);

  it('rows QuestDB refuses for good go to the dead-letter file one by one; the rows around and after them still arrive', async () => {
    const host = uniqueName('dead');
    const dir = join(work, 'dead');
    const sink = await open(dir);
    const bad = daemonRows(host, 100, 3).map((r) => ({ ...r, last_error: 'timeout talking to binance' }));
    // Appended together, so the shipper puts all of them in one request and has to pick the bad ones out.
    await Promise.all([
      sink.append('daemon_metrics', daemonRows(host, 0, 100)),
      sink.append('daemon_metrics', bad),
      sink.append('daemon_metrics', daemonRows(host, 200, 100)),
      sink.append('exchange_status', [{ timestamp: base, exchange: 'okx', host, env: 'dev', connected: true, latency_ms: 12.5 }]),
    ]);
    await expect(sink.drain(10_000)).resolves.toBe(true);
    await sink.append('daemon_metrics', daemonRows(host, 300, 50));
    await expect(sink.drain(10_000)).resolves.toBe(true);
    expect(sink.stats()).toMatchObject({ deadLetters: 3, deadLetterRows: 3, shippedRows: 251, depthRows: 0 });
    await sink.close();

    await waitForCount(client, `SELECT count() FROM daemon_metrics WHERE host = '${host}'`, 250);
    expect(await count(`host = '${host}'`)).toEqual({ n: 250, d: 250 });
    expect(await waitForCount(client, `SELECT count() FROM exchange_status WHERE host = '${host}'`, 1)).toBe(1);

    const letters = (await readFile(join(dir, 'dead-letters.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as DeadLetter);
    expect(letters).toEqual(
      bad.map((r) => ({
        time: expect.any(String),
        table: 'daemon_metrics',
        error: expect.stringMatching(/last_error.*cast error|cast error.*last_error/s),
        ilp: expect.stringMatching(new RegExp(`^daemon_metrics,host=${host},env=dev .*last_error="timeout talking to binance".* ${r.timestamp}t\n$`)),
      })),
    );
    const logged = events.filter((e) => e.type === 'dead_letter');
    expect(logged).toHaveLength(3);
    expect(logged[0]).toEqual(expect.objectContaining({ level: 'error', table: 'daemon_metrics', rows: 1, message: expect.stringContaining('daemon_metrics') }));

    // The counter survives a restart.
    const again = await open(dir);
    expect(again.stats().deadLetters).toBe(3);
    await again.close();
  });

  it('one poisoned row among thousands of good rows from many hosts in one request: exactly it is dead-lettered, every other row is stored', async () => {
    const run = uniqueName('poison');
    const dir = join(work, 'poison');
    const hosts = Array.from({ length: 40 }, (_, h) => `${run}-h${h}`);
    const perHost = 150;
    const good = (h: string, i: number): Row<'pipeline_metrics'> => ({
      timestamp: base + i,
      exchange: 'binance',
      symbol: 'BTC/USDT:USDT',
      data_type: 'oi',
      host: h,
      env: 'dev',
      records_count: i,
      latency_ms: 1.5,
      gap_detected: false,
    });
    // Below validation: a LONG QuestDB cannot hold, appended as ILP straight to the spool.
    const poison = `pipeline_metrics,exchange=binance,symbol=BTC/USDT:USDT,data_type=oi,host=${hosts[7]},env=dev records_count=99999999999999999999i,gap_detected=f ${base + 1_000_000}t\n`;
    // Spooled while QuestDB is unreachable, so that all of it is shipped together on the next start.
    const offline = await SpoolSink.open({ dir, connection: { url: nowhere }, backoff: { baseMs: 50, maxMs: 200 } });
    for (let i = 0; i < perHost; i++) {
      await offline.append('pipeline_metrics', hosts.map((h) => good(h, i)));
      if (i === perHost / 2) await offline.appendIlp('pipeline_metrics', 1, poison);
    }
    const total = hosts.length * perHost;
    expect(offline.stats()).toMatchObject({ depthRows: total + 1, shippedRows: 0 });
    await offline.close();

    const sink = await open(dir);
    await expect(sink.drain(60_000)).resolves.toBe(true);
    expect(sink.stats()).toMatchObject({ deadLetters: 1, deadLetterRows: 1, shippedRows: total, depthRows: 0 });
    await sink.close();
    // QuestDB refused the one request that held everything; isolating the row took a handful of requests.
    expect(events.filter((e) => e.type === 'ship_refused')).toEqual([expect.objectContaining({ table: 'pipeline_metrics', rows: total + 1 })]);
    expect(events.filter((e) => e.type === 'shipped').length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(total)));

    const letters = (await readFile(join(dir, 'dead-letters.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as DeadLetter);
    expect(letters).toEqual([{ time: expect.any(String), table: 'pipeline_metrics', error: expect.stringContaining('records_count'), ilp: poison }]);
    expect(events.filter((e) => e.type === 'dead_letter')).toEqual([
      expect.objectContaining({ rows: 1, row: poison.trimEnd(), message: expect.stringContaining('99999999999999999999i') }),
    ]);

    const where = `host IN (${hosts.map((h) => `'${h}'`).join(',')})`;
    await waitForCount(client, `SELECT count() FROM pipeline_metrics WHERE ${where}`, total, 30_000);
    const { rows } = await client.query<{ host: string; n: number; lo: number; hi: number }>(
      `SELECT host, count() n, min(records_count) lo, max(records_count) hi FROM pipeline_metrics WHERE ${where} ORDER BY host`,
    );
    expect(rows).toEqual([...hosts].sort().map((host) => ({ host, n: perHost, lo: 0, hi: perHost - 1 })));
  }, 120_000);
});
