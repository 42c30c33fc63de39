/**
 * µs per row of row validation: zod interpreting its schema (what validateRows did before) against
 * the validator compiled once per table (ajv from zod's JSON Schema, plus timestamps and rules),
 * on valid rows, same rows for both, medians of several rounds. Prints a Markdown table.
 *
 *   npm run bench:validation [-- --rows 20000 --rounds 7]
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DEFAULT_VALIDATION_OPTIONS, compiledFor, fetchEventSchema, formatIsoMicros, tableDef, tradingEventSchema, type TableName } from '@tradewatch/models';
import type { z } from 'zod';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROWS = arg('rows', 20_000);
const ROUNDS = arg('rounds', 7);

const BASE = Date.now() - 60_000;
const ts = (i: number) => formatIsoMicros((BASE - i) * 1000);
const makers: Partial<Record<TableName, (i: number) => object>> = {
  pipeline_metrics: (i) => ({ timestamp: ts(i), exchange: 'okx', symbol: `SYM${i % 500}/USDT:USDT`, data_type: 'oi', host: `host-${i % 50}`, env: 'prod', records_count: i, bytes_written: i * 10, latency_ms: 12.5, gap_detected: false }),
  daemon_metrics: (i) => ({ timestamp: ts(i), host: `host-${i % 50}`, env: 'prod', fetch_count: i, error_count: 1, liquidation_count: 2, uptime_seconds: 100 + i, running: true, memory_rss_bytes: 1 << 20, cpu_percent: 3.5, parquet_bytes: 2048, last_error: null, last_error_at: null }),
  exchange_status: (i) => ({ timestamp: ts(i), exchange: 'binance', host: `host-${i % 50}`, env: 'prod', connected: true, latency_ms: 20, reconnect_count: 3, last_message_at: ts(i + 5) }),
  trading_metrics: (i) => ({ timestamp: ts(i), strategy: `s${i % 20}`, symbol: 'BTC/USDT:USDT', venue: 'okx', env: 'prod', pnl: -12.5, unrealized_pnl: 3.25, position_size: -0.5, orders_placed: 4, orders_filled: 3, fill_rate: 0.75, exposure: 30000.5, drawdown: 1.5 }),
};

function microsPerRow(rows: readonly unknown[], validate: (row: unknown) => unknown): number {
  const start = performance.now();
  for (const row of rows) if (!validate(row)) throw new Error(`a bench row was refused: ${JSON.stringify(row)}`);
  return ((performance.now() - start) * 1000) / rows.length;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const options = DEFAULT_VALIDATION_OPTIONS;
const lines = [
  '| table or events | zod µs/row | compiled µs/row (clock read per batch, as validateRows) | compiled, clock read per row | speed-up |',
  '|---|---:|---:|---:|---:|',
];
const events: [string, z.ZodType, (i: number) => object][] = [
  ['fetch events', fetchEventSchema(options), (i) => ({ host: `host-${i % 50}`, env: 'prod', exchange: 'okx', symbol: `SYM${i % 500}`, data_type: 'oi', records: i, bytes: 10 * i, latency_ms: 3, data_timestamp: ts(i) })],
  ['trading events', tradingEventSchema(options), (i) => ({ type: 'order_filled', timestamp: ts(i), strategy: `s${i % 20}`, symbol: 'BTC/USDT:USDT', venue: 'okx', env: 'prod', side: 'buy', quantity: 1, price: 100 + i })],
];
const cases: [string, z.ZodType, (row: unknown, nowMs: number) => unknown, (i: number) => object][] = [
  ...(Object.entries(makers) as [TableName, (i: number) => object][]).map(([table, make]) => {
    const compiled = tableDef(table).compiled(options);
    return [table, tableDef(table).schema(options), compiled, make] as [string, z.ZodType, (row: unknown, nowMs: number) => unknown, (i: number) => object];
  }),
  ...events.map(([name, schema, make]) => {
    const compiled = compiledFor(schema);
    if (!compiled) throw new Error(`${name}: no compiled validator`);
    return [name, schema, compiled.validate, make] as [string, z.ZodType, (row: unknown, nowMs: number) => unknown, (i: number) => object];
  }),
];
for (const [table, schema, compiled, make] of cases) {
  const rows = Array.from({ length: ROWS }, (_, i) => JSON.parse(JSON.stringify(make(i))) as unknown);
  const zod = (row: unknown) => schema.safeParse(row).success;
  // As validateRows calls it: the clock read once per batch.
  const compiledRow = (row: unknown) => compiled(row, options.now());
  const nowOnce = options.now();
  const compiledBatch = (row: unknown) => compiled(row, nowOnce);
  microsPerRow(rows, zod); // warm-up (JIT) of both
  microsPerRow(rows, compiledBatch);
  const z: number[] = [];
  const c: number[] = [];
  const cr: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    z.push(microsPerRow(rows, zod));
    c.push(microsPerRow(rows, compiledBatch));
    cr.push(microsPerRow(rows, compiledRow));
  }
  const [zm, cm, crm] = [median(z), median(c), median(cr)];
  lines.push(`| ${table} | ${zm.toFixed(2)} | ${cm.toFixed(2)} | ${crm.toFixed(2)} | ${(zm / cm).toFixed(1)}× |`);
}
console.log(`Row and event validation, ${ROWS} valid items per round, median of ${ROUNDS} rounds (Node ${process.version}, load ${loadavg()[0].toFixed(2)})\n`);
console.log(lines.join('\n'));
