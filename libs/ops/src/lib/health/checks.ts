import { z } from 'zod';
import { formatIsoMicros, nowMicros, parseIsoMicros } from '@tradewatch/models';
import { QuestDbQueryError, describeError, type RestClient } from '@tradewatch/questdb-client';
import { formatDuration } from '../cli/duration';
import { assertTableIdentifier } from '../retention/partitions';

export type CheckStatus = 'ok' | 'fail' | 'skipped';

/** Milliseconds to a tenth, enough for a report. */
const ms = (value: number) => Math.round(value * 10) / 10;

export interface CheckResult {
  /** e.g. `questdb`, `collector`, `grafana`, `freshness:daemon_metrics`. */
  name: string;
  status: CheckStatus;
  detail: string;
  latencyMs?: number;
}

export async function checkQuestDb(rest: RestClient, url: string, timeoutMs: number): Promise<CheckResult> {
  const ping = await rest.ping(timeoutMs);
  return ping.ok
    ? { name: 'questdb', status: 'ok', detail: `${url} answered in ${Math.round(ping.latencyMs)} ms`, latencyMs: ms(ping.latencyMs) }
    : { name: 'questdb', status: 'fail', detail: ping.error.split('\n')[0] }; // the echoed SQL is noise here
}

/** The collector's readiness: `GET <url>/health/ready` must answer 2xx. */
export async function checkCollector(baseUrl: string, timeoutMs: number): Promise<CheckResult> {
  const url = `${baseUrl}/health/ready`;
  const res = await httpGet(url, timeoutMs);
  if (!res.ok) return { name: 'collector', status: 'fail', detail: res.error };
  if (res.status >= 200 && res.status < 300) {
    return { name: 'collector', status: 'ok', detail: `${url} ready (HTTP ${res.status}, ${Math.round(res.latencyMs)} ms)`, latencyMs: ms(res.latencyMs) };
  }
  return { name: 'collector', status: 'fail', detail: `${url} not ready: HTTP ${res.status} ${oneLine(res.body)}`, latencyMs: ms(res.latencyMs) };
}

const grafanaHealthSchema = z.object({ database: z.string(), version: z.string().optional() });

/** Grafana's `GET /api/health`: HTTP 200 with `"database": "ok"`. */
export async function checkGrafana(baseUrl: string, timeoutMs: number): Promise<CheckResult> {
  const url = `${baseUrl}/api/health`;
  const res = await httpGet(url, timeoutMs);
  if (!res.ok) return { name: 'grafana', status: 'fail', detail: res.error };
  let health: z.infer<typeof grafanaHealthSchema> | undefined;
  try {
    health = grafanaHealthSchema.parse(JSON.parse(res.body));
  } catch {
    health = undefined;
  }
  if (res.status === 200 && health?.database === 'ok') {
    const version = health.version ? ` (Grafana ${health.version})` : '';
    return { name: 'grafana', status: 'ok', detail: `${url} healthy${version}`, latencyMs: ms(res.latencyMs) };
  }
  const why = health ? `database "${health.database}"` : `unexpected answer ${oneLine(res.body)}`;
  return { name: 'grafana', status: 'fail', detail: `${url}: HTTP ${res.status}, ${why}`, latencyMs: ms(res.latencyMs) };
}

const newestSchema = z.object({ newest: z.string().nullable() });

/** The newest row of `table` must be younger than `maxAgeMs`. */
export async function checkFreshness(rest: RestClient, table: string, maxAgeMs: number, timeoutMs: number, now: () => number = nowMicros): Promise<CheckResult> {
  assertTableIdentifier(table);
  const name = `freshness:${table}`;
  const limit = formatDuration(maxAgeMs);
  let newest: string | null;
  try {
    const { rows } = await rest.query(`SELECT max(timestamp) AS newest FROM ${table}`, newestSchema, { timeoutMs });
    newest = rows[0]?.newest ?? null;
  } catch (error) {
    const reason = error instanceof QuestDbQueryError ? error.questdbMessage : describeError(error);
    return { name, status: 'fail', detail: `cannot read ${table}: ${reason}` };
  }
  if (newest === null) return { name, status: 'fail', detail: `${table} has no rows (limit ${limit})` };
  const newestMicros = parseIsoMicros(newest);
  if (newestMicros === undefined) return { name, status: 'fail', detail: `${table}: QuestDB returned an unreadable timestamp ${newest}` };
  const ageMs = Math.max(0, (now() - newestMicros) / 1000);
  const detail = `newest row ${formatDuration(ageMs)} old at ${formatIsoMicros(newestMicros)} (limit ${limit})`;
  return { name, status: ageMs <= maxAgeMs ? 'ok' : 'fail', detail: ageMs <= maxAgeMs ? detail : `stale: ${detail}` };
}

type HttpAnswer = { ok: true; status: number; body: string; latencyMs: number } | { ok: false; error: string };

async function httpGet(url: string, timeoutMs: number): Promise<HttpAnswer> {
  const started = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    const body = await res.text();
    return { ok: true, status: res.status, body, latencyMs: performance.now() - started };
  } catch (error) {
    // Duck-typed: fetch's errors may come from another realm (e.g. under jest), so no instanceof.
    const e = error as { name?: string; message?: string; cause?: { message?: string; code?: string } };
    if (e?.name === 'TimeoutError') return { ok: false, error: `${url} did not answer within ${formatDuration(timeoutMs)}` };
    const cause = e?.cause?.message ?? e?.cause?.code;
    return { ok: false, error: `${url} unreachable: ${e?.message ?? String(error)}${cause ? ` (${cause})` : ''}` };
  }
}

function oneLine(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
}
