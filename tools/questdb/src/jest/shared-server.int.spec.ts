/** The jest glue, called the way jest calls globalSetup/globalTeardown, against a real QuestDB. */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePorts, isPortOpen } from '../ports';
import { probeQuestDb } from '../questdb-http';
import { readRunInfo } from '../runtime-state';
import { startQuestDb } from '../server';
import globalSetup from './global-setup';
import globalTeardown from './global-teardown';
import { EXPORTED_ENV } from './shared-server';

jest.setTimeout(120_000);

/** This project, as jest passes it: it has integration tests, so setup starts a QuestDB. */
const project = { rootDir: join(__dirname, '../..') };

describe('jest global setup/teardown', () => {
  const saved = Object.fromEntries(EXPORTED_ENV.map((k) => [k, process.env[k]]));
  beforeEach(() => {
    for (const k of EXPORTED_ENV) delete process.env[k];
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  });

  it('starts a QuestDB in a temp dir, shares it between setups, and removes it after the last teardown', async () => {
    await globalSetup({}, project);
    const url = process.env['QUESTDB_URL'];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(process.env['QUESTDB_PG_PORT'])).toBeGreaterThan(0);
    expect(Number(process.env['QUESTDB_ILP_PORT'])).toBeGreaterThan(0);
    await expect(probeQuestDb(url as string)).resolves.toBe('ready');

    // Two projects naming the same setup module (jest `projects`) must share one server.
    await globalSetup({}, project);
    expect(process.env['QUESTDB_URL']).toBe(url);
    await globalTeardown({}, project);
    await expect(probeQuestDb(url as string)).resolves.toBe('ready');

    const port = Number(new URL(url as string).port);
    await globalTeardown({}, project);
    expect(await isPortOpen(port)).toBe(false);
    expect(process.env['QUESTDB_URL']).toBeUndefined();
    expect(process.env['QUESTDB_PG_PORT']).toBeUndefined();
  });

  it('deletes its temp dir on teardown', async () => {
    await globalSetup({}, project);
    const port = Number(new URL(process.env['QUESTDB_URL'] as string).port);
    // The temp dir is the root dir of the server that answers on that port.
    const dir = findRootDirOf(port) as string;
    expect(existsSync(dir)).toBe(true);
    await globalTeardown({}, project);
    expect(existsSync(dir)).toBe(false);
  });

  it('uses a QUESTDB_URL that answers and never stops it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-external-'));
    const [httpPort, pgPort, ilpPort, minPort] = await findFreePorts(4);
    const external = await startQuestDb({ dataDir: dir, httpPort, pgPort, ilpPort, minPort });
    try {
      process.env['QUESTDB_URL'] = `${external.httpUrl}/`;
      await globalSetup({}, project);
      expect(process.env['QUESTDB_URL']).toBe(`${external.httpUrl}/`);
      await globalTeardown({}, project);
      await expect(probeQuestDb(external.httpUrl)).resolves.toBe('ready');
    } finally {
      await external.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails clearly when QUESTDB_URL does not answer', async () => {
    const [port] = await findFreePorts(1);
    process.env['QUESTDB_URL'] = `http://127.0.0.1:${port}`;
    await expect(globalSetup({}, project)).rejects.toMatchObject({
      code: 'NOT_REACHABLE',
      message: expect.stringContaining(`QUESTDB_URL=http://127.0.0.1:${port} does not answer 'select 1' (nothing)`),
    });
  });

  it('starts nothing for a project without integration tests', async () => {
    const unitOnly = mkdtempSync(join(tmpdir(), 'unit-only-'));
    try {
      await globalSetup({}, { rootDir: unitOnly });
      expect(process.env['QUESTDB_URL']).toBeUndefined();
      await globalTeardown({}, { rootDir: unitOnly });
    } finally {
      rmSync(unitOnly, { recursive: true, force: true });
    }
  });
});

/** Looks through the temp dirs the glue creates for the one whose run info names this port. */
function findRootDirOf(port: number): string | undefined {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith('tradewatch-questdb-')) continue;
    const dir = join(tmpdir(), name);
    if (readRunInfo(dir)?.httpPort === port) return dir;
  }
  return undefined;
}
