import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsClient } from '@tradewatch/questdb-client';
import { questDbUrl, uniqueName, waitForCount } from '@tradewatch/questdb-client/testing';
import { FakeOkx, freePort, startCollector, type CollectorProcess } from '@tradewatch/reporter/testing';

const ROOT = join(__dirname, '../..');

describe('examples/node-ccxt-daemon: real ccxt against a fake OKX, a real collector and QuestDB', () => {
  let dir: string;
  let collector: CollectorProcess | undefined;
  let fake: FakeOkx;
  let reader: MetricsClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'example-ccxt-'));
    reader = await MetricsClient.connect({ url: questDbUrl() });
    fake = await FakeOkx.start();
  });
  afterAll(async () => {
    await collector?.stop();
    await fake.close();
    await reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('its calls and fetches land in QuestDB; SIGTERM delivers the rest and exits 0', async () => {
    const host = uniqueName('ccxt-example');
    const config = join(dir, 'collector.yaml');
    writeFileSync(config, 'pipeline:\n  intervalMs: 500\napiCalls:\n  intervalMs: 500\n');
    collector = await startCollector(await freePort(), { QUESTDB_URL: questDbUrl(), COLLECTOR_SPOOL_DIR: join(dir, 'spool'), COLLECTOR_CONFIG: config });

    const example = spawn(process.execPath, ['--import', 'tsx', 'examples/node-ccxt-daemon/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.base.json', TRADEWATCH_URL: collector.url, DAEMON_HOST: host, EXCHANGE_REST_URL: fake.url, INTERVAL_MS: '500' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    example.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = once(example, 'exit');
    try {
      for (const method of ['fetchOpenInterest', 'fetchFundingRate', 'fetchTrades']) {
        expect(await waitForCount(reader, `SELECT count() > 0 FROM exchange_api_calls WHERE host = '${host}' AND method = '${method}' AND outcome = 'ok'`, 1, 60_000)).toBe(1);
      }
      expect(await waitForCount(reader, `SELECT count_distinct(data_type) FROM pipeline_metrics WHERE host = '${host}'`, 3, 30_000)).toBe(3);
    } finally {
      example.kill('SIGTERM');
    }
    const [code] = await exited;
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`${host}: stopped; [1-9]\\d* calls, [1-9]\\d* fetch events reported \\(0 dropped\\); sent [1-9]\\d*`));
  }, 180_000);
});
