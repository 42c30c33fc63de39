import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TABLE_NAMES, nowMicros } from '@tradewatch/models';
import { MetricsClient } from '@tradewatch/questdb-client';
import { questDbUrl, uniqueName } from '@tradewatch/questdb-client/testing';

// `npm run export` end to end against the real QuestDB (streaming details: libs/ops csv-export).
const root = join(__dirname, '../../..');
const run = promisify(execFile);

async function exportCli(args: string[]) {
  try {
    const { stdout, stderr } = await run('npm', ['run', '-s', 'export', '--', ...args], { cwd: root, env: { ...process.env, QUESTDB_URL: questDbUrl() } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const host = uniqueName('export-cli');

beforeAll(async () => {
  const client = await MetricsClient.connect({ url: questDbUrl() });
  await client.bootstrap();
  await client.write('exchange_status', [{ timestamp: nowMicros() - 60_000_000, exchange: 'okx', host, env: 'dev', connected: true, latency_ms: 12.5 }]);
  await client.flush();
  const deadline = Date.now() + 10_000;
  while (!(await client.query(`SELECT count() AS n FROM exchange_status WHERE host = '${host}'`)).rows[0]?.['n']) {
    if (Date.now() > deadline) throw new Error('row did not arrive');
    await new Promise((r) => setTimeout(r, 100));
  }
  await client.close();
});

describe('npm run export', () => {
  it('writes the CSV and reports the rows on stderr', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'export-cli-')), 'exchange.csv');
    const { code, stderr } = await exportCli(['--table', 'exchange_status', '--from', 'now-10m', '--to', 'now', '--out', out, '--columns', 'timestamp,exchange,host,latency_ms']);
    expect(stderr).toMatch(/^exporting exchange_status from .* to .*exchange\.csv\n/);
    expect(stderr).toMatch(/wrote .*exchange\.csv: \d+ \/ \d+ rows \(100%\), .* rows\/s, .*\/s/);
    expect(code).toBe(0);
    const csv = await readFile(out, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('"timestamp","exchange","host","latency_ms"');
    expect(csv).toContain(`"okx","${host}",12.5\r\n`);
  });

  it('exits 2 with a clear message for bad arguments', async () => {
    const unknown = await exportCli(['--table', 'trades', '--from', 'now-1d', '--to', 'now', '--out', '/tmp/never.csv']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`export: --table: unknown table "trades"; valid tables: ${TABLE_NAMES.join(', ')}\n`);
    const reversed = await exportCli(['--table', 'trading_metrics', '--from', '2026-11-02', '--to', '2026-11-01', '--out', '/tmp/never.csv']);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toContain('--from (2026-11-02T00:00:00.000000Z) must be before --to (2026-11-01T00:00:00.000000Z)');
  });
});
