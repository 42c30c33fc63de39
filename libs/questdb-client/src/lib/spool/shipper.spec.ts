import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row, TableName } from '@tradewatch/models';
import { IlpRejectedError, QuestDbUnavailableError } from '../errors';
import { batchEncoder, linePrefixEncoder } from '../ilp-text-encoder';
import { Checkpoint } from './checkpoint';
import { encodeLegacyJsonRecord } from './legacy-record.fixture';
import { SegmentLog } from './segment-log';
import type { TableBatchSender } from './shipper';
import type { SpoolEvent } from './spool-events';
import { SpoolSink } from './spool-sink';

/**
 * The shipping logic on a real spool directory with a FAKE sender standing in for QuestDB (the
 * real one is in spool-sink.int.spec.ts): what goes into each request, and what happens to a
 * refused or failed one. Like QuestDB, the fake refuses a whole request that holds a bad line
 * (a host starting with "bad") and names the first such line, unless told not to.
 */
class FakeSender implements TableBatchSender {
  readonly requests: { table: TableName; markers: string[] }[] = [];
  /** The bodies of the requests that went through. */
  readonly bodies: string[] = [];
  readonly refused: { table: TableName; rows: number }[] = [];
  /** Tables whose next request fails as if QuestDB were unreachable. */
  readonly failOnce = new Set<string>();
  /** While set, every request fails as if QuestDB were down; `attempts` counts them all. */
  down = false;
  attempts = 0;
  namesTheLine = true;
  /** Holds each request this long before reading its body, as a socket still writing it would. */
  holdMs = 0;

  async sendIlp(table: TableName, parts: Buffer | readonly Buffer[], rows: number): Promise<void> {
    if (this.holdMs > 0) await new Promise((resolve) => setTimeout(resolve, this.holdMs));
    const body = Buffer.isBuffer(parts) ? parts : Buffer.concat(parts);
    const lines = body.toString('utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(rows);
    const markers = lines.map((l) => /host=([^,\s]+)/.exec(l)?.[1] ?? '?');
    this.attempts++;
    if (this.down || this.failOnce.delete(table)) throw new QuestDbUnavailableError('connection refused (fake)');
    const bad = markers.findIndex((m) => m.startsWith('bad'));
    if (bad >= 0) {
      this.refused.push({ table, rows });
      throw new IlpRejectedError(table, `cast error in ${markers[bad]} (fake)`, rows, 400, this.namesTheLine ? bad + 1 : undefined);
    }
    this.requests.push({ table, markers });
    this.bodies.push(body.toString('utf8'));
  }

  async close(): Promise<void> {
    // nothing to release
  }
}

const daemon = (host: string, n = 1): Row<'daemon_metrics'>[] => Array.from({ length: n }, (_, i) => ({ timestamp: i, host, env: 'dev', running: true }));
const exchange = (host: string): Row<'exchange_status'>[] => [{ timestamp: 0, exchange: 'okx', host, env: 'dev', connected: true }];

describe('spool shipping with a fake sender', () => {
  let dir: string;
  let sender: FakeSender;
  let events: SpoolEvent[];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spool-ship-'));
    sender = new FakeSender();
    events = [];
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const open = (options: { maxRequestRows?: number; maxRequestBytes?: number; readBytes?: number; lingerMs?: number; lingerQuietMs?: number; keepUpMs?: number; keepUpMaxWaitMs?: number } = {}) =>
    SpoolSink.open({ dir, connection: { url: 'http://127.0.0.1:1' }, sender, backoff: { baseMs: 1, maxMs: 5 }, onEvent: (e) => events.push(e), ...options });
  const deadLetters = async () => (await readFile(join(dir, 'dead-letters.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as unknown);

  describe('keepUp: callers held back while shipping falls behind', () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    /** When `wait` settles, in ms from now, and how many requests QuestDB (the fake) had accepted by then. */
    const settled = async (wait: Promise<void>) => {
      const t0 = Date.now();
      await wait;
      return { ms: Date.now() - t0, accepted: sender.requests.length };
    };
    /** A sink holding one row that has waited `ageMs` unshipped (the fake QuestDB slow or down, as the test set it). */
    const behindBy = async (ageMs: number, options: Parameters<typeof open>[0]) => {
      const sink = await open({ lingerMs: 0, ...options });
      await sink.append('daemon_metrics', daemon('d1'));
      await sleep(ageMs);
      return sink;
    };

    it('holds nobody while the oldest unshipped row is younger than keepUpMs, or nothing waits', async () => {
      sender.holdMs = 300;
      const sink = await open({ keepUpMs: 200, lingerMs: 0 });
      expect(sink.keepUp()).toBeUndefined();
      await sink.append('daemon_metrics', daemon('d1'));
      expect(sink.keepUp()).toBeUndefined();
      await expect(sink.drain(5_000)).resolves.toBe(true);
      expect(sink.keepUp()).toBeUndefined();
      await sink.close();
    });

    it('holds a caller once the oldest unshipped row is older than keepUpMs, until QuestDB took it', async () => {
      sender.holdMs = 600;
      const sink = await behindBy(300, { keepUpMs: 200, keepUpMaxWaitMs: 5_000 });
      const wait = sink.keepUp();
      expect(wait).toBeInstanceOf(Promise);
      const { ms, accepted } = await settled(wait as Promise<void>);
      expect(accepted).toBe(1);
      expect(ms).toBeGreaterThan(100);
      expect(ms).toBeLessThan(2_000);
      expect(sink.keepUp()).toBeUndefined();
      await sink.close();
    });

    it('holds a caller keepUpMaxWaitMs at most', async () => {
      sender.holdMs = 1_500;
      const sink = await behindBy(200, { keepUpMs: 100, keepUpMaxWaitMs: 300 });
      const { ms, accepted } = await settled(sink.keepUp() as Promise<void>);
      expect(accepted).toBe(0);
      expect(ms).toBeGreaterThanOrEqual(250);
      expect(ms).toBeLessThan(1_000);
      await sink.close();
    });

    it('holds nobody while QuestDB fails: holding the rows through an outage is what the spool is for', async () => {
      sender.down = true;
      const sink = await behindBy(250, { keepUpMs: 100, keepUpMaxWaitMs: 60_000 });
      expect(sender.attempts).toBeGreaterThan(0);
      expect(sink.keepUp()).toBeUndefined();
      await sink.close();
    });

    it('lets held callers go when the spool closes', async () => {
      sender.holdMs = 1_500;
      const sink = await behindBy(250, { keepUpMs: 100, keepUpMaxWaitMs: 60_000 });
      const wait = sink.keepUp();
      expect(wait).toBeInstanceOf(Promise);
      const closing = sink.close();
      const { ms } = await settled(wait as Promise<void>);
      expect(ms).toBeLessThan(500);
      await closing;
    });
  });

  it('coalesces the appends of each table into one request, each table in spool order', async () => {
    const sink = await open();
    await Promise.all([
      sink.append('daemon_metrics', daemon('d1')),
      sink.append('exchange_status', exchange('e1')),
      sink.append('daemon_metrics', daemon('d2')),
      sink.append('exchange_status', exchange('e2')),
    ]);
    await expect(sink.drain(5_000)).resolves.toBe(true);
    await sink.close();
    expect(sender.requests).toEqual([
      { table: 'daemon_metrics', markers: ['d1', 'd2'] },
      { table: 'exchange_status', markers: ['e1', 'e2'] },
    ]);
  });

  it('ships the same lines for rows appended with their line prefixes as without them', async () => {
    const sink = await open();
    const rows: Row<'exchange_status'>[] = ['p q', 'r,s', 'ü=v'].map((host, i) => ({ timestamp: i, exchange: 'okx', host, env: 'dev', connected: i !== 1, latency_ms: i / 8 }));
    const prefixOf = linePrefixEncoder('exchange_status');
    await sink.append('exchange_status', rows, [prefixOf(rows[0]), undefined, prefixOf(rows[2])]);
    await sink.append('exchange_status', rows);
    await expect(sink.drain(5_000)).resolves.toBe(true);
    await sink.close();
    const once = batchEncoder('exchange_status')(rows).toString('utf8');
    expect(sender.bodies.join('')).toBe(once + once);
  });

  it('copies the line prefixes it is given instead of encoding the symbols again (seen with the prefix of another row)', async () => {
    const sink = await open();
    const [row] = exchange('mine');
    await sink.append('exchange_status', [row], [linePrefixEncoder('exchange_status')({ ...row, host: 'other' })]);
    await expect(sink.drain(5_000)).resolves.toBe(true);
    await sink.close();
    expect(sender.requests).toEqual([{ table: 'exchange_status', markers: ['other'] }]);
  });

  it('reuses a read buffer only after its round is committed: with rounds read ahead while a request is held, every row arrives once and intact', async () => {
    // Rounds of about two appends, a backlog of 24.
    const sink = await open({ readBytes: 400 });
    sender.down = true;
    const hosts = Array.from({ length: 24 }, (_, i) => `h${i}`);
    for (const host of hosts) await sink.append('daemon_metrics', daemon(host, 3));
    sender.down = false;
    sender.holdMs = 10;
    await expect(sink.drain(10_000)).resolves.toBe(true);
    await sink.close();
    expect(sender.requests.length).toBeGreaterThan(8);
    expect(sender.requests.flatMap((r) => r.markers)).toEqual(hosts.flatMap((h) => [h, h, h]));
  });

  it('encodes appends into the buffers of earlier ones only once those are written: concurrent appends of many sizes all arrive intact', async () => {
    const sink = await open();
    // Records of 70-170 KB (about 45 bytes a row): large enough for their buffers to be reused.
    const sizes = Array.from({ length: 24 }, (_, i) => 1_600 + ((i * 7) % 11) * 200);
    for (let round = 0; round < 3; round++) await Promise.all(sizes.map((n, i) => sink.append('daemon_metrics', daemon(`r${round}a${i}`, n))));
    await expect(sink.drain(10_000)).resolves.toBe(true);
    await sink.close();
    const shipped = sender.requests.flatMap((r) => r.markers);
    const expected = [0, 1, 2].flatMap((round) => sizes.flatMap((n, i) => Array<string>(n).fill(`r${round}a${i}`)));
    expect(shipped.length).toBe(expected.length);
    expect(shipped).toEqual(expected);
  });

  it('keeps requests under maxRequestRows and maxRequestBytes without splitting an append', async () => {
    const sink = await open({ maxRequestRows: 5 });
    await Promise.all([sink.append('daemon_metrics', daemon('a', 3)), sink.append('daemon_metrics', daemon('b', 3)), sink.append('daemon_metrics', daemon('c', 7))]);
    await expect(sink.drain(5_000)).resolves.toBe(true);
    await sink.close();
    expect(sender.requests.map((r) => r.markers.join(''))).toEqual(['aaa', 'bbb', 'ccccccc']);

    sender.requests.length = 0;
    // One line is about 45 bytes: 100 bytes per request hold two appends of one row, not three.
    const small = await open({ maxRequestBytes: 100 });
    await Promise.all(['x', 'y', 'z'].map((h) => small.append('daemon_metrics', daemon(h))));
    await expect(small.drain(5_000)).resolves.toBe(true);
    await small.close();
    expect(sender.requests.map((r) => r.markers.join(''))).toEqual(['xy', 'z']);
  });

  it('a refused request is split until the refused rows are alone: each is dead-lettered with its line and reason, the rest shipped in order, nothing twice when the round is retried', async () => {
    const sink = await open();
    sender.failOnce.add('exchange_status'); // after daemon_metrics was dealt with, the round fails and is retried
    await Promise.all([
      sink.append('daemon_metrics', daemon('ok1', 2)),
      sink.append('daemon_metrics', [...daemon('ok2'), ...daemon('bad1'), ...daemon('ok3')]),
      sink.append('daemon_metrics', daemon('bad2')),
      sink.append('daemon_metrics', daemon('ok4')),
      sink.append('exchange_status', exchange('e1')),
    ]);
    await expect(sink.drain(5_000)).resolves.toBe(true);
    expect(sink.stats()).toMatchObject({ deadLetters: 2, deadLetterRows: 2, depthRows: 0 });
    await sink.close();
    const shipped = sender.requests.flatMap((r) => r.markers);
    expect(shipped).toEqual(['ok1', 'ok1', 'ok2', 'ok3', 'ok4', 'e1']);
    expect(await deadLetters()).toEqual([
      { time: expect.any(String), table: 'daemon_metrics', error: 'cast error in bad1 (fake)', ilp: 'daemon_metrics,host=bad1,env=dev running=t 0t\n' },
      { time: expect.any(String), table: 'daemon_metrics', error: 'cast error in bad2 (fake)', ilp: 'daemon_metrics,host=bad2,env=dev running=t 0t\n' },
    ]);
    expect(events.filter((e) => e.type === 'dead_letter')).toEqual([
      expect.objectContaining({ level: 'error', table: 'daemon_metrics', rows: 1, row: 'daemon_metrics,host=bad1,env=dev running=t 0t', message: expect.stringContaining('cast error in bad1') }),
      expect.objectContaining({ rows: 1, row: 'daemon_metrics,host=bad2,env=dev running=t 0t' }),
    ]);
    expect(events.filter((e) => e.type === 'ship_refused')).toEqual([expect.objectContaining({ table: 'daemon_metrics', rows: 7 })]);
  });

  it.each([
    ['names the refused line', true, 4],
    ['does not say which line it refused (bisection)', false, 2 * Math.ceil(Math.log2(2_000)) + 1],
  ])('one bad row among 2,000 in one request, when QuestDB %s: exactly that row is dead-lettered, in few requests', async (_, namesTheLine, maxRefused) => {
    sender.namesTheLine = namesTheLine;
    const sink = await open();
    const hosts = Array.from({ length: 2_000 }, (_, i) => (i === 1_234 ? 'bad-poison' : `h${i}`));
    await Promise.all(hosts.map((h) => sink.append('daemon_metrics', daemon(h))));
    await expect(sink.drain(10_000)).resolves.toBe(true);
    expect(sink.stats()).toMatchObject({ deadLetterRows: 1, shippedRows: 1_999, depthRows: 0 });
    await sink.close();
    expect(sender.requests.flatMap((r) => r.markers)).toEqual(hosts.filter((h) => h !== 'bad-poison'));
    expect(await deadLetters()).toEqual([expect.objectContaining({ ilp: 'daemon_metrics,host=bad-poison,env=dev running=t 0t\n' })]);
    expect(sender.refused.length).toBeLessThanOrEqual(maxRefused);
  });

  it('ships a spool written by the older version (rows as JSON) as ILP, and what is appended after it', async () => {
    const { log } = await SegmentLog.open(dir, 0);
    await log.append(encodeLegacyJsonRecord('daemon_metrics', daemon('old1', 2), Date.now()));
    await log.append(encodeLegacyJsonRecord('exchange_status', exchange('old2'), Date.now()));
    await log.close();
    const sink = await open();
    await sink.append('daemon_metrics', daemon('new'));
    await expect(sink.drain(5_000)).resolves.toBe(true);
    expect(sink.stats()).toMatchObject({ shippedRows: 4, depthRows: 0, deadLetterRows: 0 });
    await sink.close();
    const shipped = (table: string) => sender.requests.filter((r) => r.table === table).flatMap((r) => r.markers);
    expect(shipped('daemon_metrics')).toEqual(['old1', 'old1', 'new']);
    expect(shipped('exchange_status')).toEqual(['old2']);
  });

  it('appendIlp: pre-encoded lines are shipped as they are', async () => {
    const sink = await open();
    await sink.appendIlp('daemon_metrics', 2, 'daemon_metrics,host=p1,env=dev running=t 5t\ndaemon_metrics,host=p2,env=dev running=f 6t\n');
    await expect(sink.drain(5_000)).resolves.toBe(true);
    await sink.close();
    expect(sender.requests).toEqual([{ table: 'daemon_metrics', markers: ['p1', 'p2'] }]);
  });

  it('refuses at append, at once, a row the encoder cannot write (a non-finite double), naming the column; nothing is spooled', async () => {
    const sink = await open();
    expect(() => sink.append('exchange_status', [{ ...exchange('x')[0], latency_ms: Number.POSITIVE_INFINITY }])).toThrow(
      expect.objectContaining({ code: 'row_not_encodable', message: expect.stringContaining('exchange_status.latency_ms: Infinity is not a finite number') }),
    );
    expect(sink.stats()).toMatchObject({ depthRows: 0, depthBytes: 0 });
    await sink.close();
  });

  it('persists the committed position: nothing is sent twice after a clean reopen', async () => {
    const sink = await open();
    await sink.append('daemon_metrics', daemon('once'));
    await expect(sink.drain(5_000)).resolves.toBe(true);
    await sink.close();
    const again = await open();
    await again.append('daemon_metrics', daemon('twice-not'));
    await expect(again.drain(5_000)).resolves.toBe(true);
    await again.close();
    expect(sender.requests.map((r) => r.markers[0])).toEqual(['once', 'twice-not']);
  });

  it('ships the next round while the last round’s checkpoint is written; close waits for the write', async () => {
    // A slow disk for the checkpoint only: what was sent when the first write ended.
    const write = Checkpoint.prototype.write;
    const sentWhenWritten: number[] = [];
    const spy = jest.spyOn(Checkpoint.prototype, 'write').mockImplementation(async function (this: Checkpoint, committed: number) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await write.call(this, committed);
      sentWhenWritten.push(sender.requests.length);
    });
    try {
      // One append per round (at most 2 rows a request, a round reads about one record).
      const sink = await open({ maxRequestRows: 2, readBytes: 100, lingerMs: 0 });
      await Promise.all(['r1', 'r2', 'r3'].map((h) => sink.append('daemon_metrics', daemon(h, 2))));
      await expect(sink.drain(5_000)).resolves.toBe(true);
      await sink.close();
      expect(sender.requests.map((r) => r.markers[0])).toEqual(['r1', 'r2', 'r3']);
      // The second request went out before the first round's checkpoint was on disk.
      expect(sentWhenWritten[0]).toBeGreaterThanOrEqual(2);
      // The last position is on disk after close: a reopen sends nothing again.
      spy.mockRestore();
      const again = await open();
      await again.append('daemon_metrics', daemon('after'));
      await expect(again.drain(5_000)).resolves.toBe(true);
      await again.close();
      expect(sender.requests.map((r) => r.markers[0])).toEqual(['r1', 'r2', 'r3', 'after']);
    } finally {
      spy.mockRestore();
    }
  });

  it('a checkpoint that cannot be written is reported like a failed request, and shipping goes on once it can', async () => {
    const write = Checkpoint.prototype.write;
    let failures = 1;
    const spy = jest.spyOn(Checkpoint.prototype, 'write').mockImplementation(function (this: Checkpoint, committed: number) {
      if (failures-- > 0) return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device (fake)'), { code: 'ENOSPC' }));
      return write.call(this, committed);
    });
    try {
      const sink = await open({ maxRequestRows: 2, readBytes: 100, lingerMs: 0 });
      await sink.append('daemon_metrics', daemon('c1', 2));
      await sink.append('daemon_metrics', daemon('c2', 2));
      await expect(sink.drain(5_000)).resolves.toBe(true);
      await sink.close();
      expect(events.find((e) => e.type === 'ship_failed')?.message).toContain('ENOSPC');
      // Every row arrived; the round whose commit failed went again (harmless under the dedup keys).
      expect(new Set(sender.requests.map((r) => r.markers[0]))).toEqual(new Set(['c1', 'c2']));
      spy.mockRestore();
      const again = await open();
      await expect(again.drain(5_000)).resolves.toBe(true);
      const sent = sender.requests.length;
      await again.close();
      expect(sender.requests.length).toBe(sent);
    } finally {
      spy.mockRestore();
    }
  });

  it('a checkpoint that cannot be written at close is reported, not dropped', async () => {
    const sink = await open({ lingerMs: 0 });
    const spy = jest.spyOn(Checkpoint.prototype, 'write').mockRejectedValue(Object.assign(new Error('EIO: i/o error (fake)'), { code: 'EIO' }));
    try {
      await sink.append('daemon_metrics', daemon('last'));
      await expect(sink.drain(5_000)).resolves.toBe(true);
      await sink.close();
      expect(events.filter((e) => e.type === 'ship_failed').map((e) => e.message)).toEqual([expect.stringContaining('checkpoint failed at close: EIO')]);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses a second SpoolSink on the same directory', async () => {
    const sink = await open();
    await expect(open()).rejects.toMatchObject({ code: 'spool_locked' });
    await sink.close();
  });

  it('while QuestDB is down, appends do not cut the backoff short (no retry per append); a drain tries at once', async () => {
    const sink = await SpoolSink.open({ dir, connection: { url: 'http://127.0.0.1:1' }, sender, backoff: { baseMs: 400, maxMs: 400 }, lingerMs: 0, onEvent: (e) => events.push(e) });
    sender.down = true;
    const started = performance.now();
    for (let i = 0; i < 40; i++) {
      await sink.append('daemon_metrics', daemon(`h${i}`));
      await new Promise((r) => setTimeout(r, 25));
    }
    const seconds = (performance.now() - started) / 1000;
    // One attempt, then one per backoff (400 ms, jitter makes it shorter): far fewer than 40 appends.
    expect(sender.attempts).toBeLessThanOrEqual(Math.ceil(seconds / 0.2) + 2);
    const before = sender.attempts;
    sender.down = false;
    await expect(sink.drain(300)).resolves.toBe(true);
    expect(sender.attempts).toBeGreaterThan(before);
    await sink.close();
    expect(sender.requests.flatMap((r) => r.markers)).toHaveLength(40);
  });

  describe('lingering between rounds (few large transactions for QuestDB)', () => {
    const until = async (done: () => boolean, ms = 5_000) => {
      const deadline = performance.now() + ms;
      while (!done()) {
        if (performance.now() > deadline) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 5));
      }
    };

    it('the first row after a quiet spell goes at once; what follows within the linger goes in one request after it', async () => {
      // Never quiet for long enough to end the linger early.
      const sink = await open({ lingerMs: 2_000, lingerQuietMs: 60_000 });
      const started = performance.now();
      await sink.append('daemon_metrics', daemon('first'));
      await until(() => sender.requests.length === 1);
      const firstAfter = performance.now() - started;
      // One append (and fsync) at a time: without lingering each would be its own round.
      for (const h of ['a', 'b', 'c', 'd']) await sink.append('daemon_metrics', daemon(h));
      await new Promise((r) => setTimeout(r, 300));
      expect(sender.requests).toHaveLength(1);
      await until(() => sender.requests.length === 2);
      const secondAfter = performance.now() - started;
      await sink.close();
      expect(sender.requests.map((r) => r.markers.join(''))).toEqual(['first', 'abcd']);
      expect(firstAfter).toBeLessThan(1_500);
      expect(secondAfter).toBeGreaterThanOrEqual(1_900);
    });

    it('ends a linger once no rows have come for lingerQuietMs: the last rows of a burst are not held back', async () => {
      const sink = await open({ lingerMs: 5_000, lingerQuietMs: 100 });
      await sink.append('daemon_metrics', daemon('first'));
      await until(() => sender.requests.length === 1);
      const started = performance.now();
      let shippedAfter: number;
      try {
        for (const h of ['a', 'b', 'c', 'd']) await sink.append('daemon_metrics', daemon(h));
        // Without the quiet rule they would wait out the 5 s linger.
        await until(() => sender.requests.flatMap((r) => r.markers).length === 5, 2_500);
        shippedAfter = performance.now() - started;
      } finally {
        await sink.close();
      }
      expect(sender.requests.flatMap((r) => r.markers)).toEqual(['first', 'a', 'b', 'c', 'd']);
      expect(shippedAfter).toBeGreaterThanOrEqual(100);
      expect(shippedAfter).toBeLessThan(2_500);
    });

    it('keeps lingering while rows keep coming: appends every 10 ms go in a few requests, not one each', async () => {
      const sink = await open({ lingerMs: 400, lingerQuietMs: 200 });
      const hosts = Array.from({ length: 30 }, (_, i) => `h${i}`);
      for (const host of hosts) {
        await sink.append('daemon_metrics', daemon(host));
        await new Promise((r) => setTimeout(r, 10));
      }
      await until(() => sender.requests.flatMap((r) => r.markers).length === hosts.length);
      await sink.close();
      expect(sender.requests.flatMap((r) => r.markers)).toEqual(hosts);
      // The first goes at once, then a request at most every 400 ms over the appends' 300+ ms, then the tail.
      expect(sender.requests.length).toBeLessThanOrEqual(4);
    });

    it('does not linger while a full request waits, nor when drained', async () => {
      const sink = await open({ lingerMs: 5_000, lingerQuietMs: 60_000, maxRequestRows: 10 });
      await sink.append('daemon_metrics', daemon('first'));
      await until(() => sender.requests.length === 1);
      const started = performance.now();
      await sink.append('daemon_metrics', daemon('full', 10));
      await until(() => sender.requests.length === 2);
      const fullAfter = performance.now() - started;
      await sink.append('daemon_metrics', daemon('x'));
      await expect(sink.drain(2_500)).resolves.toBe(true);
      const drainedAfter = performance.now() - started;
      await sink.close();
      expect(sender.requests.map((r) => r.markers.join(''))).toEqual(['first', 'full'.repeat(10), 'x']);
      expect(fullAfter).toBeLessThan(2_500);
      expect(drainedAfter).toBeLessThan(4_000);
    });
  });
});
