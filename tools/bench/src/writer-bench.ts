import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sender } from '@questdb/nodejs-client';
import { formatIsoMicros, type PipelineMetricsRow } from '@tradewatch/models';
import { MetricsClient, SpoolSink } from '@tradewatch/questdb-client';
import { waitForWalApplied } from '@tradewatch/grafana';
import { pipelineRows } from './bench-rows';
import { median } from './stats';

/** Rows per ILP request for every variant (the BatchingWriter's and the spool's cap is 10,000). */
export const REQUEST_ROWS = 10_000;
/** Rows per call of write/ingest/append: a typical collector batch. */
const CALL_ROWS = 1_000;
/** Appends in flight at once for the spool, as from concurrent HTTP requests (fsyncs are grouped). */
const SPOOL_WINDOW = 4;
const TABLE = 'pipeline_metrics';

export interface WriterVariant {
  name: string;
  description: string;
  /** Writes all rows; resolves once QuestDB acknowledged every one of them. */
  run(): Promise<void>;
}

export interface WriterResult {
  name: string;
  description: string;
  rowsPerSecond: number[];
  /** Ratio to the bare sender in the same round. */
  ratios: number[];
}

const chunks = <T>(xs: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));

/** The reference: the client's own Sender, rows added by hand, a flush every REQUEST_ROWS rows. */
async function bareSender(url: string, rows: readonly PipelineMetricsRow[]): Promise<void> {
  const u = new URL(url);
  const sender = await Sender.fromConfig(`http::addr=${u.hostname}:${u.port};auto_flush=off;protocol_version=2;`);
  try {
    let n = 0;
    for (const r of rows) {
      sender.table(TABLE).symbol('exchange', r.exchange).symbol('symbol', r.symbol).symbol('data_type', r.data_type).symbol('host', r.host).symbol('env', r.env);
      if (r.records_count != null) sender.intColumn('records_count', r.records_count);
      if (r.bytes_written != null) sender.intColumn('bytes_written', r.bytes_written);
      if (r.latency_ms != null) sender.floatColumn('latency_ms', r.latency_ms);
      sender.booleanColumn('gap_detected', r.gap_detected);
      if (r.gap_duration_seconds != null) sender.floatColumn('gap_duration_seconds', r.gap_duration_seconds);
      await sender.at(r.timestamp, 'us');
      if (++n % REQUEST_ROWS === 0) await sender.flush();
    }
    await sender.flush();
  } finally {
    await sender.close();
  }
}

async function metricsClientWrite(url: string, rows: readonly PipelineMetricsRow[]): Promise<void> {
  const client = await MetricsClient.connect({ url, batchRows: REQUEST_ROWS, flushIntervalMs: 60_000 });
  try {
    for (const chunk of chunks(rows, CALL_ROWS)) await client.write(TABLE, chunk);
    await client.flush();
  } finally {
    await client.close();
  }
}

async function metricsClientIngest(url: string, inputs: readonly unknown[][]): Promise<void> {
  const client = await MetricsClient.connect({ url, batchRows: REQUEST_ROWS, flushIntervalMs: 60_000 });
  try {
    for (const input of inputs) await client.ingest(TABLE, input);
    await client.flush();
  } finally {
    await client.close();
  }
}

async function spoolSink(url: string, rows: readonly PipelineMetricsRow[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tradewatch-bench-spool-'));
  try {
    const sink = await SpoolSink.open({ dir, connection: { url }, maxRequestRows: REQUEST_ROWS });
    try {
      const inFlight = new Set<Promise<void>>();
      for (const chunk of chunks(rows, CALL_ROWS)) {
        const p: Promise<void> = sink.append(TABLE, chunk).finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= SPOOL_WINDOW) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      if (!(await sink.drain(300_000))) throw new Error('the spool did not ship everything within 300 s');
    } finally {
      await sink.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Bare sender against MetricsClient (write, and ingest with validation) and the durable spool,
 * the same rows for each, the variants interleaved in every round so that machine noise hits
 * them alike. Before each run the table is emptied and QuestDB has applied its WAL, so no run
 * pays for the previous one's background work.
 */
export async function benchWriters(url: string, options: { rows: number; rounds: number; log: (line: string) => void }): Promise<WriterResult[]> {
  const rows = pipelineRows(options.rows, Date.now() * 1000 - 3_600_000_000);
  // What MetricsClient.ingest gets from an HTTP body: parsed JSON with ISO timestamps.
  const inputs = chunks(rows, CALL_ROWS).map((chunk) => JSON.parse(JSON.stringify(chunk.map((r) => ({ ...r, timestamp: formatIsoMicros(r.timestamp) })))) as unknown[]);

  const variants: WriterVariant[] = [
    { name: 'bare', description: '`@questdb/nodejs-client` Sender (ILP/HTTP, protocol 2), rows added by hand', run: () => bareSender(url, rows) },
    { name: 'write', description: '`MetricsClient.write` (BatchingWriter, registry-driven `batchEncoder`, one fetch per request)', run: () => metricsClientWrite(url, rows) },
    { name: 'ingest', description: '`MetricsClient.ingest` (zod validation of ISO-timestamped JSON, then write)', run: () => metricsClientIngest(url, inputs) },
    { name: 'spool', description: '`SpoolSink` (append fsync\'d to the spool, shipped by its shipper; timed until QuestDB has all)', run: () => spoolSink(url, rows) },
  ];
  const admin = await MetricsClient.connect({ url });
  const results = variants.map((v): WriterResult => ({ name: v.name, description: v.description, rowsPerSecond: [], ratios: [] }));
  try {
    await admin.bootstrap();
    // Round 0 warms up the JIT and QuestDB and is not counted.
    for (let round = 0; round <= options.rounds; round++) {
      // Rotate the order so that no variant always runs right after the same one.
      const order = variants.map((_, i) => (i + round) % variants.length);
      const perRound = new Map<string, number>();
      for (const i of order) {
        await admin.query(`TRUNCATE TABLE ${TABLE}`);
        await waitForWalApplied(admin, [TABLE]);
        const started = performance.now();
        await variants[i].run();
        const seconds = (performance.now() - started) / 1000;
        perRound.set(variants[i].name, rows.length / seconds);
        await waitForWalApplied(admin, [TABLE]);
        const { rows: applied } = await admin.query<{ n: number }>(`SELECT count() n FROM ${TABLE}`);
        if (Number(applied[0]?.n) !== rows.length) throw new Error(`${variants[i].name}: QuestDB holds ${applied[0]?.n} rows, expected ${rows.length}`);
        options.log(`writer ${round === 0 ? 'warm-up' : `round ${round}/${options.rounds}`}: ${variants[i].name} ${Math.round(rows.length / seconds).toLocaleString('en')} rows/s`);
      }
      if (round === 0) continue;
      const bare = perRound.get('bare') ?? Number.NaN;
      for (const r of results) {
        const rate = perRound.get(r.name) ?? Number.NaN;
        r.rowsPerSecond.push(rate);
        r.ratios.push(rate / bare);
      }
    }
  } finally {
    await admin.close();
  }
  return results;
}

export const summarizeWriter = (r: WriterResult) => ({ rowsPerSecond: median(r.rowsPerSecond), ratio: median(r.ratios) });
