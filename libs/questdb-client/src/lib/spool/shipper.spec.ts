import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row, TableName } from '@tradewatch/models';
import { IlpRejectedError, QuestDbUnavailableError } from '../errors';
import type { TableBatchSender } from './shipper';
import { SpoolSink } from './spool-sink';

/**
 * The shipping logic on a real spool directory with a FAKE sender standing in for QuestDB (the
 * real one is in spool-sink.int.spec.ts): what goes into each request, and what happens to a
 * refused or failed one.
 */
class FakeSender implements TableBatchSender {
  readonly requests: { table: TableName; markers: string[] }[] = [];
  /** Tables whose next request fails as if QuestDB were unreachable. */
  readonly failOnce = new Set<string>();

  async send(table: TableName, rows: readonly object[]): Promise<void> {
    const markers = rows.map((r) => (r as { host: string }).host);
    if (this.failOnce.delete(table)) throw new QuestDbUnavailableError('connection refused (fake)');
    if (markers.some((m) => m.startsWith('bad'))) throw new IlpRejectedError(table, 'cast error (fake)', rows, 400);
    this.requests.push({ table, markers });
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
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spool-ship-'));
    sender = new FakeSender();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const open = (options: { maxRequestRows?: number } = {}) =>
    SpoolSink.open({ dir, connection: { url: 'http://127.0.0.1:1' }, sender, backoff: { baseMs: 1, maxMs: 5 }, ...options });

  it('sends one table per request, each table in spool order', async () => {
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

  it('keeps requests under maxRequestRows without splitting an append', async () => {
    const sink = await open({ maxRequestRows: 5 });
    await Promise.all([sink.append('daemon_metrics', daemon('a', 3)), sink.append('daemon_metrics', daemon('b', 3)), sink.append('daemon_metrics', daemon('c', 7))]);
    await expect(sink.drain(5_000)).resolves.toBe(true);
    await sink.close();
    expect(sender.requests.map((r) => r.markers.join(''))).toEqual(['aaa', 'bbb', 'ccccccc']);
  });

  it('a refused request is retried append by append; only the refused one is dead-lettered, once, even when the round is retried', async () => {
    const sink = await open();
    sender.failOnce.add('exchange_status'); // after daemon_metrics was dealt with, the round fails and is retried
    await Promise.all([
      sink.append('daemon_metrics', daemon('ok1')),
      sink.append('daemon_metrics', daemon('bad', 2)),
      sink.append('daemon_metrics', daemon('ok2')),
      sink.append('exchange_status', exchange('e1')),
    ]);
    await expect(sink.drain(5_000)).resolves.toBe(true);
    expect(sink.stats()).toMatchObject({ deadLetters: 1, deadLetterRows: 2, shippedRows: 3, depthRows: 0 });
    await sink.close();
    expect(sender.requests).toEqual([
      { table: 'daemon_metrics', markers: ['ok1'] },
      { table: 'daemon_metrics', markers: ['ok2'] },
      { table: 'exchange_status', markers: ['e1'] },
    ]);
    const lines = (await readFile(join(dir, 'dead-letters.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([{ time: expect.any(String), table: 'daemon_metrics', error: 'cast error (fake)', rows: daemon('bad', 2) }]);
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

  it('refuses a second SpoolSink on the same directory', async () => {
    const sink = await open();
    await expect(open()).rejects.toMatchObject({ code: 'spool_locked' });
    await sink.close();
  });
});
