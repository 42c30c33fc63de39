import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { chromium, type BrowserContext } from 'playwright-core';
import { questDbUrl, uniqueName } from '@tradewatch/questdb-client/testing';
import { ExchangeSimulator, type SourceView } from '@tradewatch/collectors';
import { loadConfig } from './config';
import { startCollector, type RunningCollector } from './server';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(__dirname, '../../../../dist/test-artifacts');

/**
 * The status page in a real browser (Debian's chromium, driven by playwright-core): a real
 * collector against the real QuestDB, one exchange feed disconnected, one daemon silent, one
 * daemon with a hostile name. The screenshot is kept in dist/test-artifacts/.
 */
describe('status page in headless Chromium (real collector, real QuestDB)', () => {
  const marker = uniqueName('page');
  const silent = `${marker}-silent`;
  const hostile = `<script>alert("pwned")</script><img src=x onerror=alert(1)>${marker}`;
  let okx: ExchangeSimulator;
  let binance: ExchangeSimulator;
  let running: RunningCollector;
  let browser: BrowserContext;
  let profile: string;
  let reporter: NodeJS.Timeout;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    okx = await ExchangeSimulator.start('okx', { tickMs: 200 });
    binance = await ExchangeSimulator.start('binance', { tickMs: 200 });
    const dir = mkdtempSync(join(tmpdir(), 'collector-page-'));
    const file = join(dir, 'collector.yaml');
    writeFileSync(
      file,
      JSON.stringify({
        host: `${marker}-collector`,
        exchanges: { rowIntervalMs: 500, pingIntervalMs: 200, pingTimeoutMs: 1_000, backoff: { baseMs: 100, maxMs: 400 }, probes: [{ exchange: 'okx', url: okx.url }, { exchange: 'binance', url: binance.url }] },
        inventory: { checkIntervalMs: 200, tolerance: 2, cadencesMs: { daemon: 1_000, exchange: 1_000 } },
      }),
    );
    running = await startCollector(
      loadConfig({ QUESTDB_URL: questDbUrl(), COLLECTOR_PORT: '0', COLLECTOR_CONFIG: file, COLLECTOR_SPOOL_DIR: join(dir, 'spool') }),
      pino({ level: 'silent' }),
    );
    const post = (host: string, extra: object = {}) =>
      fetch(`${running.url}/v1/metrics/daemon`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ timestamp: new Date().toISOString(), host, env: 'prod', running: true, uptime_seconds: 4000, memory_rss_bytes: 150 * 1_048_576, ...extra }),
      });
    expect((await post(silent)).status).toBe(202);
    // The hostile-named daemon keeps reporting, so it stays "ok".
    expect((await post(hostile, { last_error: hostile })).status).toBe(202);
    reporter = setInterval(() => void post(hostile, { last_error: hostile }), 300);
    profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 900 },
    });
  });

  afterAll(async () => {
    clearInterval(reporter);
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await running?.stop();
    await Promise.all([okx?.close(), binance?.close()]);
  });

  it('shows a disconnected exchange and a silent daemon as down, problems first, names escaped', async () => {
    await okx.down();
    const deadline = Date.now() + 20_000;
    let list: SourceView[] = [];
    const stateOf = (pred: (s: SourceView) => boolean) => list.find(pred)?.state;
    while (Date.now() < deadline) {
      list = ((await (await fetch(`${running.url}/v1/sources`)).json()) as { sources: SourceView[] }).sources;
      if (stateOf((s) => s.key['exchange'] === 'okx') === 'down' && stateOf((s) => s.key['host'] === silent) === 'silent' && stateOf((s) => s.key['exchange'] === 'binance') === 'ok') break;
      await new Promise((r) => setTimeout(r, 200));
    }

    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const response = await page.goto(`${running.url}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toMatch(/^\d+$/);

    const problems = page.locator('h2:text-is("Problems") + table tbody tr');
    const problemRows = await problems.evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-kind')}:${r.getAttribute('data-state')}:${r.querySelector('.name')?.textContent}`));
    expect(problemRows).toEqual(expect.arrayContaining([`daemon:silent:${silent}`, 'exchange:down:okx · ' + `${marker}-collector`]));
    expect(problemRows.some((r) => r.includes('binance') || r.includes('pwned'))).toBe(false);
    // The first table on the page lists problems; their rows come before any healthy one.
    const firstTable = await page.locator('table:not(.infra)').first().locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')));
    expect(firstTable.every((s) => s !== 'ok')).toBe(true);

    const okx_ = page.locator('tr[data-kind="exchange"][data-state="down"]').filter({ hasText: 'okx' }).first();
    await expect(okx_.locator('.problem').textContent()).resolves.toMatch(/^disconnected since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    const silentRow = page.locator(`tr[data-kind="daemon"][data-state="silent"]`).filter({ hasText: silent }).first();
    expect(await silentRow.locator('.problem').textContent()).toMatch(/^silent: no report for \d+s \(expected every 1s\)$/);
    expect(await silentRow.textContent()).toMatch(/\d+s ago/);

    // The hostile name is text: no script ran, no element was injected.
    const hostileRow = page.locator('tr[data-kind="daemon"][data-state="ok"]').filter({ hasText: marker }).first();
    expect(await hostileRow.locator('.name').textContent()).toBe(hostile);
    expect(await page.evaluate('document.scripts.length')).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);

    await expect(page.locator('#questdb').textContent()).resolves.toContain('reachable');
    await expect(page.locator('#spool').textContent()).resolves.toMatch(/rows .* waiting/);

    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, 'status-page.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
  });
});
