import type { Row, TableName } from '@tradewatch/models';
import { waitForRollups, type MetricsClient } from '@tradewatch/questdb-client';
import { z } from 'zod';
import { WalApplyError } from '../errors';
import { apiCallRows, daemonRows, heartbeatRows, exchangeRows, pipelineRows, tradingRows, type RowRange } from './demo-rows';
import type { DemoCadence, DemoUniverse } from './demo-universe';

export interface SeedOptions extends RowRange {
  universe: DemoUniverse;
  cadence: DemoCadence;
  /** Rows handed to the client per write (default 50,000). */
  chunkRows?: number;
  /** Called after each chunk with the table and its rows so far. */
  onProgress?: (table: TableName, rows: number) => void;
}

export type SeedReport = Partial<Record<TableName, number>>;

// Tables without a generator here get no demo rows.
const GENERATORS: { [T in TableName]?: (u: DemoUniverse, c: DemoCadence, r: RowRange) => Generator<Row<T>> } = {
  daemon_metrics: daemonRows,
  exchange_status: exchangeRows,
  pipeline_metrics: pipelineRows,
  trading_metrics: tradingRows,
  exchange_api_calls: apiCallRows,
  collector_heartbeat: heartbeatRows,
};

/**
 * Writes demo rows for the range through `MetricsClient` (ILP), table by table in time order,
 * then waits until QuestDB applied them (WAL) and refreshed the rollups, so that queries see everything.
 */
export async function seedDemoData(client: MetricsClient, options: SeedOptions): Promise<SeedReport> {
  const report = {} as SeedReport;
  const chunkRows = options.chunkRows ?? 50_000;
  for (const [table, generate] of Object.entries(GENERATORS) as [TableName, (u: DemoUniverse, c: DemoCadence, r: RowRange) => Generator<Row<TableName>>][]) {
    report[table] = await writeAll(client, table, generate(options.universe, options.cadence, options), chunkRows, options.onProgress);
  }
  await client.flush();
  await waitForWalApplied(client, Object.keys(GENERATORS));
  await waitForRollups(client.rest, undefined, { timeoutMs: 300_000 });
  return report;
}

async function writeAll<T extends TableName>(
  client: MetricsClient,
  table: T,
  rows: Iterable<Row<T>>,
  chunkRows: number,
  onProgress?: (table: TableName, rows: number) => void,
): Promise<number> {
  let chunk: Row<T>[] = [];
  let total = 0;
  for (const row of rows) {
    chunk.push(row);
    if (chunk.length >= chunkRows) {
      await client.write(table, chunk);
      total += chunk.length;
      chunk = [];
      onProgress?.(table, total);
    }
  }
  if (chunk.length) {
    await client.write(table, chunk);
    total += chunk.length;
    onProgress?.(table, total);
  }
  await client.flush();
  return total;
}

const walRow = z.object({ name: z.string(), suspended: z.boolean(), writerTxn: z.coerce.number(), sequencerTxn: z.coerce.number() });

/** Waits until QuestDB's WAL apply job caught up with every commit of the tables. */
export async function waitForWalApplied(client: MetricsClient, tables: readonly string[], timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query('SELECT name, suspended, writerTxn, sequencerTxn FROM wal_tables()', walRow);
    const mine = rows.filter((r) => tables.includes(r.name));
    const suspended = mine.find((r) => r.suspended);
    if (suspended) throw new WalApplyError(`QuestDB suspended WAL apply for ${suspended.name}`);
    if (mine.length === tables.length && mine.every((r) => r.writerTxn >= r.sequencerTxn)) return;
    if (Date.now() > deadline) throw new WalApplyError(`QuestDB did not apply the WAL of ${tables.join(', ')} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
