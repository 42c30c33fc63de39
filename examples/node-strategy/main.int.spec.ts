import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsClient } from '@tradewatch/questdb-client';
import { questDbUrl, uniqueName, waitForCount } from '@tradewatch/questdb-client/testing';
import { freePort, startCollector, type CollectorProcess } from '@tradewatch/reporter/testing';

const ROOT = join(__dirname, '../..');

describe('examples/node-strategy against a real collector and QuestDB', () => {
  let dir: string;
  let collector: CollectorProcess | undefined;
  let reader: MetricsClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'example-node-'));
    reader = await MetricsClient.connect({ url: questDbUrl() });
  });
  afterAll(async () => {
    await collector?.stop();
    await reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('its trading events and its served status land in QuestDB; SIGTERM delivers the rest and exits 0', async () => {
    const strategy = uniqueName('node-example');
    const statusPort = await freePort();
    const config = join(dir, 'collector.yaml');
    writeFileSync(config, `daemons:\n  intervalMs: 500\n  targets:\n    - { url: "http://127.0.0.1:${statusPort}/status", host: "${strategy}", env: dev }\n`);
    collector = await startCollector(await freePort(), { QUESTDB_URL: questDbUrl(), COLLECTOR_SPOOL_DIR: join(dir, 'spool'), COLLECTOR_CONFIG: config });

    const example = spawn(process.execPath, ['--import', 'tsx', 'examples/node-strategy/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.base.json', TRADEWATCH_URL: collector.url, STRATEGY_NAME: strategy, STATUS_PORT: String(statusPort) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    example.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = once(example, 'exit');
    try {
      expect(await waitForCount(reader, `SELECT count() > 0 FROM trading_metrics WHERE strategy = '${strategy}'`, 1, 60_000)).toBe(1);
      expect(await waitForCount(reader, `SELECT count() > 0 FROM daemon_metrics WHERE host = '${strategy}' AND running`, 1, 30_000)).toBe(1);
    } finally {
      example.kill('SIGTERM');
    }
    const [code] = await exited;
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`${strategy}: stopped; sent [1-9]\\d* events \\(0 retried, 0 refused\\)`));
  }, 180_000);
});
