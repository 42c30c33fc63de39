import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTableSql, formatIsoMicros, tableDef } from '@tradewatch/models';
import { RestClient } from '@tradewatch/questdb-client';
import { questDbUrl, uniqueName } from '@tradewatch/questdb-client/testing';
import { ExportFailedError, OpsConfigError } from '../errors';
import { rowCount, waitFor } from '../../testing';
import { exportCsv } from './csv-export';
import type { ProgressSnapshot } from './progress';

const rest = new RestClient({ url: questDbUrl() });
const connection = { url: questDbUrl() };
const START = Date.parse('2026-10-01T00:00:00Z');
const ROWS = 5_000;
let table: string;
let dir: string;

beforeAll(async () => {
  // QuestDB's CSV ends records with CRLF (RFC 4180). A daemon_metrics-shaped table of its own: one row a minute from START, with a last_error
  // holding a quote and a newline so the CSV quoting is exercised.
  table = uniqueName('export').replace(/[^A-Za-z0-9]/g, '_');
  await rest.execute(createTableSql({ ...tableDef('daemon_metrics'), name: table }));
  await rest.execute(`ALTER TABLE ${table} SET TTL 0 DAYS`);
  await rest.execute(
    `INSERT INTO ${table} (timestamp, host, env, fetch_count, last_error) ` +
      `SELECT dateadd('m', x::int - 1, '${formatIsoMicros(START * 1000)}'), 'host-a', 'prod', x, ` +
      `CASE WHEN x % 1000 = 0 THEN 'said "no"\ntwice' ELSE NULL END FROM long_sequence(${ROWS})`,
  );
  await waitFor(`${ROWS} rows`, async () => (await rowCount(rest, table)) === ROWS);
  dir = await mkdtemp(join(tmpdir(), 'export-'));
});

describe('exportCsv against a real QuestDB', () => {
  it('streams exactly the rows in [from, to) to the file and reports progress', async () => {
    const out = join(dir, 'range.csv');
    const from = (START + 60 * 60_000) * 1000; // minute 60
    const to = (START + 3_060 * 60_000) * 1000; // minute 3060, exclusive
    const progress: ProgressSnapshot[] = [];
    const result = await exportCsv(
      { connection, table, columns: ['timestamp', 'host', 'fetch_count', 'last_error'], from, to, out },
      { onProgress: (p) => progress.push(p), progressEveryMs: 1 },
    );
    expect(result).toMatchObject({ rows: 3_000, expectedRows: 3_000 });

    const text = await readFile(out, 'utf8');
    expect(result.bytes).toBe(Buffer.byteLength(text));
    expect(text.startsWith('"timestamp","host","fetch_count","last_error"\r\n')).toBe(true);
    expect(text).toContain(`"${formatIsoMicros(from)}","host-a",61,\r\n`);
    // QuestDB doubles quotes and writes a newline inside a value as the two characters \n.
    expect(text).toContain('"host-a",1000,"said ""no""\\ntwice"\r\n');
    expect(text).not.toContain(formatIsoMicros(to));
    expect(text.trimEnd().endsWith(',3060,')).toBe(true);
    expect(await readdir(dir)).not.toContain('range.csv.partial');
    expect(progress.every((p) => p.expectedRows === 3_000 && p.rows <= 3_000)).toBe(true);
  });

  it('writes a header only for an empty range', async () => {
    const out = join(dir, 'empty.csv');
    const from = Date.parse('2020-01-01T00:00:00Z') * 1000;
    const result = await exportCsv({ connection, table, columns: ['timestamp', 'host'], from, to: from + 1_000_000, out });
    expect(result).toMatchObject({ rows: 0, expectedRows: 0 });
    expect(await readFile(out, 'utf8')).toBe('"timestamp","host"\r\n');
  });

  it('refuses to overwrite a file unless forced', async () => {
    const out = join(dir, 'exists.csv');
    await writeFile(out, 'keep me');
    const spec = { connection, table, columns: ['timestamp'], from: START * 1000, to: (START + 120_000) * 1000, out };
    await expect(exportCsv(spec)).rejects.toThrow(OpsConfigError);
    expect(await readFile(out, 'utf8')).toBe('keep me');
    await expect(exportCsv({ ...spec, force: true })).resolves.toMatchObject({ rows: 2 });
  });

  it('fails with QuestDB\'s reason and leaves no file when the table is missing', async () => {
    const out = join(dir, 'missing.csv');
    const spec = { connection, table: 'no_such_table_y', columns: ['timestamp'], from: START * 1000, to: (START + 1) * 1000, out };
    await expect(exportCsv(spec)).rejects.toThrow(ExportFailedError);
    await expect(exportCsv(spec)).rejects.toThrow('cannot export no_such_table_y: table does not exist [table=no_such_table_y]');
    expect((await readdir(dir)).filter((f) => f.startsWith('missing'))).toEqual([]);
  });
});
