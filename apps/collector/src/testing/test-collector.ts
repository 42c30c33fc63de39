/** Shared set-up of the collector's HTTP integration tests: the real service on a free loopback port. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { questDbUrl } from '@tradewatch/questdb-client/testing';
import { loadConfig } from '../app/config';
import { startCollector, type RunningCollector } from '../app/server';

export interface TestCollector {
  running: RunningCollector;
  /** POSTs JSON (or a string or bytes as they are) with the token. */
  post(path: string, body: unknown): Promise<Response>;
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** Polls until `accept` likes the rows (WAL tables apply commits asynchronously). */
  waitFor(sql: string, accept: (rows: Record<string, unknown>[]) => boolean, timeoutMs?: number): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

/** Starts the collector against the test QuestDB with `configLines` as its YAML config file. */
export async function startTestCollector(configLines: string[], token: string): Promise<TestCollector> {
  const dir = mkdtempSync(join(tmpdir(), 'collector-test-'));
  const file = join(dir, 'collector.yaml');
  writeFileSync(file, [...configLines, ''].join('\n'));
  const config = loadConfig({
    QUESTDB_URL: questDbUrl(),
    COLLECTOR_PORT: '0',
    COLLECTOR_TOKENS: token,
    COLLECTOR_CONFIG: file,
    COLLECTOR_SPOOL_DIR: join(dir, 'spool'),
  });
  const running = await startCollector(config, pino({ level: 'silent' }));
  const query = async (sql: string) => (await running.client.query<Record<string, unknown>>(sql)).rows;
  return {
    running,
    post: (path, body) =>
      fetch(`${running.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
      }),
    query,
    async waitFor(sql, accept, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let rows: Record<string, unknown>[] = [];
      while (Date.now() < deadline) {
        rows = await query(sql);
        if (accept(rows)) return rows;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out after ${timeoutMs} ms: ${sql}: ${JSON.stringify(rows).slice(0, 1000)}`);
    },
    async stop() {
      await running.stop();
    },
  };
}
