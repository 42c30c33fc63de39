import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeCollector } from '../testing/fake-collector';
import { ReporterCloseTimeoutError, ReporterHttpError, ReporterUnavailableError, ReporterValidationError, type ReporterError } from './errors';
import { Reporter, type ReporterOptions } from './reporter';

const DAEMON = '/v1/metrics/daemon';
const row = (n: number) => ({ timestamp: `2026-11-30T10:00:00.${String(n).padStart(6, '0')}Z`, host: 'h', env: 'dev' as const, running: true, fetch_count: n });

describe('Reporter against a fake collector (unit: delivery logic)', () => {
  let fake: FakeCollector;
  const reporters: Reporter[] = [];
  const dirs: string[] = [];
  const errors: ReporterError[] = [];
  const open = (o: Partial<ReporterOptions> = {}) => {
    const r = new Reporter({ url: fake.url, flushIntervalMs: 50, retryBaseMs: 20, retryMaxMs: 200, closeTimeoutMs: 2_000, exitHandlers: false, onError: (e) => errors.push(e), ...o });
    reporters.push(r);
    return r;
  };
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'reporter-spill-'));
    dirs.push(d);
    return d;
  };

  beforeEach(async () => {
    fake = await FakeCollector.start();
    errors.length = 0;
  });
  afterEach(async () => {
    for (const r of reporters.splice(0)) await r.close().catch(() => undefined);
    await fake.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('batches per route by size, sends the rest on the interval, and converts timestamps to ISO-8601 UTC', async () => {
    const r = open({ batchSize: 3, flushIntervalMs: 200, token: 'sixteen-chars-token' });
    for (let i = 0; i < 7; i++) await r.daemon(row(i));
    await r.tradingEvent({ type: 'mark', symbol: 'BTC/USDT:USDT', venue: 'binance', price: 1, timestamp: new Date(Date.UTC(2026, 10, 30, 10)) });
    await r.fetchEvent({ host: 'h', env: 'dev', exchange: 'okx', symbol: 'X', data_type: 'oi', records: 1, bytes: 1, latency_ms: 1, data_timestamp: Date.UTC(2026, 10, 30, 9, 59) });
    await r.flush();
    const daemon = fake.requests.filter((q) => q.path === DAEMON);
    expect(daemon.map((q) => q.body.length)).toEqual([3, 3, 1]);
    expect(daemon.flatMap((q) => q.body).map((b) => b['fetch_count'])).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(daemon[0].headers['authorization']).toBe('Bearer sixteen-chars-token');
    expect(fake.accepted('/v1/events/trading')).toEqual([{ type: 'mark', symbol: 'BTC/USDT:USDT', venue: 'binance', price: 1, timestamp: '2026-11-30T10:00:00.000Z' }]);
    expect(fake.accepted('/v1/events/fetch')[0]).toMatchObject({ data_timestamp: '2026-11-30T09:59:00.000Z' });
    expect(r.counters).toEqual({ sent: 9, retried: 0, refused: 0, spilled: 0, replayed: 0, buffered: 0 });
  });

  it('honours Retry-After on a 503 (and on a 429) before sending the batch again', async () => {
    let calls = 0;
    fake.answer = (q) => {
      calls++;
      if (calls === 1) return { status: 503, headers: { 'retry-after': '2' }, body: { error: 'spool_full' } };
      if (calls === 2) return { status: 429, headers: { 'retry-after': '1' }, body: { error: 'slow down' } };
      return { status: 202, body: { accepted: q.body.length } };
    };
    const r = open();
    await r.daemon(row(1));
    await r.daemon(row(2));
    await r.flush();
    const [first, second, third] = fake.requests;
    // Backoff alone would wait at most retryMaxMs (200 ms); the server asked for 2 s, then 1 s.
    expect(second.at - first.at).toBeGreaterThanOrEqual(1_950);
    expect(third.at - second.at).toBeGreaterThanOrEqual(950);
    expect(third.body).toEqual(first.body);
    expect(r.counters).toMatchObject({ sent: 2, retried: 4, refused: 0 });
    expect(errors).toHaveLength(1); // one outage, reported once
    expect(errors[0]).toBeInstanceOf(ReporterUnavailableError);
    expect(errors[0].message).toMatch(/HTTP 503.*retrying in 2000 ms/);
  });

  it('retries network errors with growing, jittered delays until the collector answers', async () => {
    const url = fake.url;
    await fake.close();
    const r = new Reporter({ url, flushIntervalMs: 20, retryBaseMs: 20, retryMaxMs: 100, closeTimeoutMs: 500, exitHandlers: false, onError: (e) => errors.push(e) });
    reporters.push(r);
    await r.daemon(row(1));
    await new Promise((res) => setTimeout(res, 500));
    expect(r.counters.retried).toBeGreaterThanOrEqual(3);
    expect(r.counters.sent).toBe(0);
    expect(errors[0]).toBeInstanceOf(ReporterUnavailableError);
    expect(errors[0].message).toMatch(/ECONNREFUSED/);
  });

  it('a 400 drops only the rows it names (typed error with row and field) and sends the others again', async () => {
    // Like the real collector: all or nothing per request, issues name the row index and field.
    fake.answer = (q) => {
      const issues = q.body.flatMap((b, i) => (Number(b['fetch_count']) % 5 === 0 ? [{ row: i, path: 'fetch_count', message: 'bad (fake)' }] : []));
      return issues.length > 0 ? { status: 400, body: { error: 'validation_failed', issues } } : { status: 202, body: { accepted: q.body.length } };
    };
    const r = open({ batchSize: 10 });
    for (let i = 1; i <= 12; i++) await r.daemon(row(i));
    await r.flush();
    expect(fake.accepted(DAEMON).map((b) => b['fetch_count'])).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 11, 12]);
    expect(r.counters).toMatchObject({ sent: 10, refused: 2, retried: 0 });
    const refused = errors.filter((e): e is ReporterValidationError => e instanceof ReporterValidationError);
    expect(refused.map((e) => [e.route, e.field, e.row['fetch_count']])).toEqual([
      ['daemon', 'fetch_count', 5],
      ['daemon', 'fetch_count', 10],
    ]);
    expect(refused[0].message).toBe('daemon: row refused by the collector: fetch_count: bad (fake)');
  });

  it('a 404 refuses the batch with ReporterHttpError; later rows still go', async () => {
    fake.answer = (q) => (q.body[0]['fetch_count'] === 1 ? { status: 404, body: { error: 'not_found' } } : { status: 202 });
    const r = open();
    await r.daemon(row(1));
    await r.flush();
    await r.daemon(row(2));
    await r.flush();
    expect(errors[0]).toBeInstanceOf(ReporterHttpError);
    expect((errors[0] as ReporterHttpError).status).toBe(404);
    expect(r.counters).toMatchObject({ sent: 1, refused: 1 });
  });

  it('a 413 splits the batch until it fits', async () => {
    fake.answer = (q) => (q.body.length > 2 ? { status: 413, body: { error: 'payload_too_large' } } : { status: 202 });
    const r = open({ batchSize: 8 });
    for (let i = 0; i < 8; i++) await r.daemon(row(i));
    await r.flush();
    expect(fake.accepted(DAEMON).map((b) => b['fetch_count'])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(r.counters.sent).toBe(8);
  });

  it('with a full buffer the caller waits (back-pressure) until the collector takes rows', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((res) => (release = res));
    fake.answer = async () => {
      await held;
      return { status: 202 };
    };
    const r = open({ maxBufferedRows: 2, batchSize: 2 });
    await r.daemon(row(1));
    await r.daemon(row(2)); // a full batch: in flight, held by the fake
    let third = false;
    const p = r.daemon(row(3)).then(() => (third = true));
    await new Promise((res) => setTimeout(res, 300));
    expect(third).toBe(false);
    expect(r.counters.buffered).toBe(2);
    release();
    await p;
    await r.flush();
    expect(fake.accepted(DAEMON).map((b) => b['fetch_count'])).toEqual([1, 2, 3]);
  });

  it('with spillDir, rows beyond the buffer go to disk and are replayed, also by the next reporter after a restart', async () => {
    const dir = tempDir();
    fake.answer = () => ({ status: 503, headers: { 'retry-after': '60' } });
    const first = open({ maxBufferedRows: 4, batchSize: 4, spillDir: dir, closeTimeoutMs: 300 });
    for (let i = 0; i < 10; i++) await first.daemon(row(i));
    expect(first.counters.spilled).toBe(6); // 4 in memory, the rest on disk
    await first.close(); // cannot deliver: the 4 in memory are spilled too
    expect(first.counters.spilled).toBe(10);
    expect(readdirSync(dir).length).toBeGreaterThan(0);

    fake.answer = (q) => ({ status: 202, body: { accepted: q.body.length } });
    const second = open({ maxBufferedRows: 4, batchSize: 4, spillDir: dir });
    await second.flush();
    expect(fake.accepted(DAEMON).map((b) => b['fetch_count']).sort((a, b) => Number(a) - Number(b))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(second.counters).toMatchObject({ sent: 10, replayed: 10 });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('close() that cannot deliver within its timeout (no spillDir) rejects naming how many rows were not delivered', async () => {
    fake.answer = () => ({ status: 503, headers: { 'retry-after': '60' } });
    const r = open({ closeTimeoutMs: 300 });
    await r.daemon(row(1));
    await r.daemon(row(2));
    const error = await r.close().then(() => undefined, (e: Error) => e);
    expect(error).toBeInstanceOf(ReporterCloseTimeoutError);
    expect((error as ReporterCloseTimeoutError).undelivered).toBe(2);
    await expect(r.daemon(row(3))).rejects.toThrow('the reporter is closed');
  });

  it('refuses bad options with one message naming the option', () => {
    expect(() => new Reporter({ url: 'ftp://x', exitHandlers: false })).toThrow(/url: must be an http\(s\) URL/);
  });
});
