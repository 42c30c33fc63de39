import { z } from 'zod';
import { parseIsoMicros, type EpochMicros } from '@tradewatch/models';
import type { RestClient } from '@tradewatch/questdb-client';

/** One partition as QuestDB's `table_partitions('t')` reports it (QuestDB 9.3). */
export interface Partition {
  /** e.g. `2026-08-24` for a DAY partition. */
  name: string;
  /** Start of the partition's time range (UTC), epoch µs. */
  start: EpochMicros;
  minTimestamp: string | null;
  maxTimestamp: string | null;
  numRows: number;
  diskSize: number;
  active: boolean;
}

const partitionRowSchema = z.object({
  name: z.string(),
  minTimestamp: z.string().nullable(),
  maxTimestamp: z.string().nullable(),
  numRows: z.number(),
  diskSize: z.number(),
  active: z.boolean(),
});

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Table and column names go into SQL text; only plain identifiers are accepted. */
export function assertTableIdentifier(name: string): void {
  if (!TABLE_NAME.test(name)) throw new Error(`not a plain identifier: ${JSON.stringify(name)}`);
}

/** The partitions of a table, oldest first. */
export async function listPartitions(rest: RestClient, table: string): Promise<Partition[]> {
  assertTableIdentifier(table);
  const { rows } = await rest.query(
    `SELECT name, minTimestamp, maxTimestamp, numRows, diskSize, active FROM table_partitions('${table}')`,
    partitionRowSchema,
  );
  return rows
    .map((row) => ({ ...row, start: partitionStart(row.name, row.minTimestamp) }))
    .sort((a, b) => a.start - b.start);
}

/** A DAY partition's name is its UTC date; any other layout falls back to its oldest row. */
function partitionStart(name: string, minTimestamp: string | null): EpochMicros {
  const fromName = parseIsoMicros(`${name}T00:00:00Z`);
  if (fromName !== undefined) return fromName;
  const fromMin = minTimestamp === null ? undefined : parseIsoMicros(minTimestamp);
  if (fromMin === undefined) throw new Error(`cannot tell when partition ${name} starts`);
  return fromMin;
}
