import { getText } from './http-get';

/**
 * What answers on an HTTP port; the readiness probe and the "port already in use" diagnosis share it.
 * `ready`: QuestDB answered `select 1`. `questdb-not-ready`: a `Server: questDB` header but no
 * answer to the query yet. `other`: some other HTTP server. `nothing`: refused or silent.
 */
export type ProbeResult = 'ready' | 'questdb-not-ready' | 'other' | 'nothing';

/**
 * `select 1` through `/exec` proves more than an open port: the SQL engine is up and tables are
 * loaded. QuestDB answers 200 with `{"dataset":[[1]],…}` and a `Server: questDB/…` header.
 */
export async function probeQuestDb(httpUrl: string, timeoutMs = 2_000): Promise<ProbeResult> {
  try {
    const res = await getText(`${httpUrl}/exec?query=select%201`, { timeoutMs, maxRedirects: 0 });
    if (res.status === 200 && /"dataset"\s*:\s*\[\s*\[\s*1\s*\]\s*\]/.test(res.body)) return 'ready';
    return /questdb/i.test(String(res.headers['server'] ?? '')) ? 'questdb-not-ready' : 'other';
  } catch {
    return 'nothing';
  }
}

export interface ExecResult {
  query?: string;
  columns?: { name: string; type: string }[];
  dataset?: unknown[][];
  count?: number;
  ddl?: string;
  dml?: string;
  error?: string;
}

/**
 * Runs one SQL statement through `/exec`. Meant for tests and scripts (create a table, count
 * rows), not for application code, which has its own client library.
 */
export async function execSql(httpUrl: string, sql: string, timeoutMs = 30_000): Promise<ExecResult> {
  const res = await getText(`${httpUrl}/exec?query=${encodeURIComponent(sql)}`, { timeoutMs });
  let parsed: ExecResult;
  try {
    parsed = JSON.parse(res.body) as ExecResult;
  } catch {
    throw new Error(`QuestDB answered HTTP ${res.status} with non-JSON to '${sql}': ${res.body.slice(0, 200)}`);
  }
  if (res.status !== 200 || parsed.error) {
    throw new Error(`QuestDB rejected '${sql}' (HTTP ${res.status}): ${parsed.error ?? res.body.slice(0, 200)}`);
  }
  return parsed;
}
