/**
 * Helpers for the ops integration tests (real QuestDB, CLIs run as child processes).
 * Import from `@tradewatch/ops/testing`; never from production code.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createTableSql, formatIsoMicros, tableDef, type EpochMicros } from '@tradewatch/models';
import type { RestClient } from '@tradewatch/questdb-client';
import { uniqueName } from '@tradewatch/questdb-client/testing';

/** The workspace root (this file is libs/ops/src/testing/index.ts). */
export const WORKSPACE_ROOT = resolve(__dirname, '../../../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript entry point (path from the workspace root) under tsx; never throws on exit status. */
export async function runTsCli(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(join(WORKSPACE_ROOT, 'node_modules/.bin/tsx'), ['--tsconfig', 'tsconfig.base.json', script, ...args], {
      cwd: WORKSPACE_ROOT,
      env: { PATH: process.env['PATH'], ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Polls `check` until it is true; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function rowCount(rest: RestClient, table: string): Promise<number> {
  const { rows } = await rest.query(`SELECT count() AS n FROM ${table}`);
  return Number(rows[0]?.['n']);
}

/**
 * A daemon_metrics-shaped table of the test's own (registry DDL, unique name), holding one row at
 * each of `timestamps`. Native TTL is off so that only the code under test removes rows; `wal:
 * false` makes a table without WAL.
 */
export async function scratchTable(rest: RestClient, prefix: string, timestamps: EpochMicros[], options: { wal?: boolean } = {}): Promise<string> {
  const name = uniqueName(prefix).replace(/[^A-Za-z0-9]/g, '_');
  let ddl = createTableSql({ ...tableDef('daemon_metrics'), name });
  if (options.wal === false) ddl = ddl.replace(/ WAL\nDEDUP UPSERT KEYS\(.*\)$/, ' BYPASS WAL');
  await rest.execute(ddl);
  // QuestDB enforces TTL from the newest row as soon as a commit rolls partitions.
  await rest.execute(`ALTER TABLE ${name} SET TTL 0 DAYS`);
  if (timestamps.length > 0) {
    const values = timestamps.map((t, i) => `('${formatIsoMicros(t)}', 'host-${i}', 'dev')`).join(', ');
    await rest.execute(`INSERT INTO ${name} (timestamp, host, env) VALUES ${values}`);
    await waitFor(`${timestamps.length} rows in ${name}`, async () => (await rowCount(rest, name)) === timestamps.length);
  }
  return name;
}
