/**
 * Helpers for tests that run against a real QuestDB (started by the jest global setup in
 * tools/questdb, which exports QUESTDB_URL).
 */
import type { MetricsClient } from '../lib/metrics-client';

export function questDbUrl(): string {
  const url = process.env['QUESTDB_URL'];
  if (!url) throw new Error('QUESTDB_URL is not set: run integration tests through jest with the tools/questdb global setup');
  return url;
}

/** Polls until `SELECT count() …` returns `expected` (WAL tables apply commits asynchronously). */
export async function waitForCount(client: MetricsClient, sql: string, expected: number, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = -1;
  while (Date.now() < deadline) {
    const { rows } = await client.query<Record<string, unknown>>(sql);
    count = Number(Object.values(rows[0] ?? {})[0] ?? 0);
    if (count === expected) return count;
    await new Promise((r) => setTimeout(r, 100));
  }
  return count;
}

/** Polls `sql` until `accept` likes its rows (WAL tables apply commits asynchronously); throws with the last rows on timeout. */
export async function waitForRows(client: MetricsClient, sql: string, accept: (rows: Record<string, unknown>[]) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + timeoutMs;
  let rows: Record<string, unknown>[] = [];
  while (Date.now() < deadline) {
    rows = (await client.query<Record<string, unknown>>(sql)).rows;
    if (accept(rows)) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms: ${sql}: ${JSON.stringify(rows).slice(0, 1000)}`);
}

/** A name unique to this test run, so tests sharing one QuestDB never see each other's rows. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}
export { TcpProxy } from './tcp-proxy';
