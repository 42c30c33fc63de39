import { createWriteStream } from 'node:fs';
import { access, rename, rm } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { z } from 'zod';
import { authHeader, QuestDbQueryError, RestClient, describeError } from '@tradewatch/questdb-client';
import { ExportFailedError, OpsConfigError } from '../errors';
import { exportQuery, type ExportSpec } from './export-args';
import { CsvCounter } from './csv-rows';
import type { ProgressSnapshot } from './progress';

export interface ExportResult {
  rows: number;
  bytes: number;
  elapsedMs: number;
  expectedRows: number;
}

export interface ExportOptions {
  /** Called every `progressEveryMs` while rows stream in. */
  onProgress?: (p: ProgressSnapshot) => void;
  progressEveryMs?: number;
  /** Used when `out` is `-`. */
  stdout?: Writable;
}

const countSchema = z.object({ n: z.number() });
const errorBodySchema = z.object({ error: z.string() });

/**
 * Streams `SELECT … WHERE timestamp in [from, to)` from QuestDB's `/exp` endpoint to a CSV file.
 * The file is written as `<out>.partial` and renamed when complete, so a failed export never
 * leaves a truncated file under the requested name.
 */
export async function exportCsv(req: ExportSpec, options: ExportOptions = {}): Promise<ExportResult> {
  const toStdout = req.out === '-';
  if (!toStdout && !req.force && (await exists(req.out))) {
    throw new OpsConfigError(`--out: ${req.out} already exists; choose another file or add --force`);
  }
  const query = exportQuery(req);
  const rest = new RestClient(req.connection);
  let expectedRows: number;
  try {
    const { rows } = await rest.query(`SELECT count() AS n FROM (${query})`, countSchema);
    expectedRows = rows[0]?.n ?? 0;
  } catch (error) {
    const why = error instanceof QuestDbQueryError ? error.questdbMessage : describeError(error);
    throw new ExportFailedError(`cannot export ${req.table}: ${why}`, { cause: error });
  }

  const started = performance.now();
  const url = `${req.connection.url}/exp?${new URLSearchParams({ query })}`;
  let res: Response;
  try {
    res = await fetch(url, { headers: authHeader(req.connection) });
  } catch (error) {
    throw new ExportFailedError(`QuestDB at ${req.connection.url} is unreachable: ${describeError(error)}`, { cause: error });
  }
  if (!res.ok || !res.body) {
    const text = await res.text();
    const parsed = errorBodySchema.safeParse(safeJson(text));
    throw new ExportFailedError(`QuestDB refused the export (HTTP ${res.status}): ${parsed.success ? parsed.data.error : text.slice(0, 200)}`);
  }

  const counter = new CsvCounter();
  const snapshot = (): ProgressSnapshot => ({ rows: counter.rows, bytes: counter.bytes, elapsedMs: performance.now() - started, expectedRows });
  const timer = options.onProgress ? setInterval(() => options.onProgress?.(snapshot()), options.progressEveryMs ?? 100) : undefined;
  const partial = `${req.out}.partial`;
  try {
    const sink = toStdout ? (options.stdout ?? process.stdout) : createWriteStream(partial);
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), counter, sink);
    if (!toStdout) await rename(partial, req.out);
  } catch (error) {
    if (!toStdout) await rm(partial, { force: true });
    throw new ExportFailedError(`export of ${req.table} failed after ${counter.rows} rows: ${describeError(error)}`, { cause: error });
  } finally {
    clearInterval(timer);
  }
  const done = snapshot();
  return { rows: done.rows, bytes: done.bytes, elapsedMs: done.elapsedMs, expectedRows };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
