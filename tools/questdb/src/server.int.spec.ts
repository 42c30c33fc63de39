/**
 * Runs the real QuestDB: uses (or downloads into) the jar cache, needs Java 17+.
 * Every server gets free ports and a temp dir, so this can run beside any other QuestDB.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { questDbStatus } from './control';
import { runtimeFiles } from './paths';
import { findFreePorts, isPortOpen } from './ports';
import { execSql } from './questdb-http';
import { jvmTmpDir, startQuestDb, type QuestDbHandle } from './server';
import { WORKER_IDLE_SETTINGS } from './worker-idle';

jest.setTimeout(180_000);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function freePortOptions(): Promise<{ httpPort: number; pgPort: number; ilpPort: number; minPort: number }> {
  const [httpPort, pgPort, ilpPort, minPort] = await findFreePorts(4);
  return { httpPort, pgPort, ilpPort, minPort };
}

/** WAL tables apply inserts asynchronously; wait until the expected row count is visible. */
async function waitForCount(httpUrl: string, table: string, expected: number): Promise<number> {
  let count = -1;
  for (let i = 0; i < 100; i++) {
    const res = await execSql(httpUrl, `select count() from ${table}`);
    count = Number(res.dataset?.[0]?.[0]);
    if (count === expected) return count;
    await sleep(100);
  }
  return count;
}

async function allPortsClosed(h: QuestDbHandle): Promise<boolean> {
  const open = await Promise.all([h.httpPort, h.pgPort, h.ilpPort, h.minPort].map((p) => isPortOpen(p, h.host)));
  return open.every((o) => !o);
}

describe('startQuestDb against the real server', () => {
  const dirs: string[] = [];
  const newDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'questdb-int-'));
    dirs.push(d);
    return d;
  };
  let handle: QuestDbHandle;
  let rootDir: string;

  beforeAll(async () => {
    rootDir = newDir();
    handle = await startQuestDb({ dataDir: rootDir, ...(await freePortOptions()) });
  });

  afterAll(async () => {
    await handle?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('answers SQL over HTTP on the address it reports', async () => {
    expect(handle.httpUrl).toBe(`http://127.0.0.1:${handle.httpPort}`);
    expect(handle.running).toBe(true);
    const res = await execSql(handle.httpUrl, 'select 1 as one');
    expect(res.dataset).toEqual([[1]]);
    expect(existsSync(runtimeFiles(rootDir).pidFile)).toBe(true);
    await expect(questDbStatus(rootDir)).resolves.toMatchObject({ state: 'running', pid: handle.pid });
  });

  it('runs with the settings we pass as QDB_* env vars (unknown keys would be ignored silently)', async () => {
    const res = await execSql(
      handle.httpUrl,
      "select property_path, value from (show parameters) where value_source = 'env'",
    );
    const settings = Object.fromEntries((res.dataset ?? []) as [string, string][]);
    expect(settings).toMatchObject({
      'http.net.bind.to': `127.0.0.1:${handle.httpPort}`,
      'pg.net.bind.to': `127.0.0.1:${handle.pgPort}`,
      'line.tcp.net.bind.to': `127.0.0.1:${handle.ilpPort}`,
      'http.min.net.bind.to': `127.0.0.1:${handle.minPort}`,
      'telemetry.enabled': 'false',
      'shared.network.worker.count': '2',
      'shared.query.worker.count': '1',
      'shared.write.worker.count': '1',
      'wal.apply.worker.count': '1',
      ...Object.fromEntries(Object.entries(WORKER_IDLE_SETTINGS).map(([k, v]) => [k, String(v)])),
    });
  });

  it('refuses a second server on the same data dir', async () => {
    await expect(startQuestDb({ dataDir: rootDir, ...(await freePortOptions()) })).rejects.toMatchObject({
      code: 'ALREADY_RUNNING',
      pid: handle.pid,
    });
  });

  it('refuses ports that are taken, saying which one', async () => {
    const ports = await freePortOptions();
    await expect(startQuestDb({ dataDir: newDir(), ...ports, httpPort: handle.httpPort })).rejects.toMatchObject({
      code: 'PORT_IN_USE',
      message: expect.stringContaining(`A QuestDB already answers on ${handle.httpUrl}`),
    });
    await expect(startQuestDb({ dataDir: newDir(), ...ports, pgPort: handle.pgPort })).rejects.toMatchObject({
      code: 'PORT_IN_USE',
      message: `PGWire port 127.0.0.1:${handle.pgPort} is already in use. Pick another one (--pg-port / QUESTDB_PG_PORT).`,
    });
  });

  it('keeps the data across stop and restart', async () => {
    await execSql(
      handle.httpUrl,
      'create table trades (ts timestamp, sym symbol, px double) timestamp(ts) partition by day wal',
    );
    await execSql(handle.httpUrl, "insert into trades values (now(), 'BTC', 1.5)");
    expect(await waitForCount(handle.httpUrl, 'trades', 1)).toBe(1);

    const firstPid = handle.pid;
    await handle.stop();
    expect(handle.running).toBe(false);
    expect(await allPortsClosed(handle)).toBe(true);
    expect(existsSync(runtimeFiles(rootDir).pidFile)).toBe(false);

    await handle.restart();
    expect(handle.running).toBe(true);
    expect(handle.pid).not.toBe(firstPid);
    expect(await waitForCount(handle.httpUrl, 'trades', 1)).toBe(1);
  });

  it('comes back after a kill -9 with committed rows intact', async () => {
    await execSql(handle.httpUrl, "insert into trades values (now(), 'ETH', 2.5)");
    expect(await waitForCount(handle.httpUrl, 'trades', 2)).toBe(2);

    const nativeLibs = readdirSync(jvmTmpDir(rootDir));
    expect(nativeLibs.some((f) => f.startsWith('libquestdb'))).toBe(true);
    await handle.kill();
    expect(handle.running).toBe(false);
    expect(await allPortsClosed(handle)).toBe(true);

    await handle.restart();
    expect(await waitForCount(handle.httpUrl, 'trades', 2)).toBe(2);
    // The native libraries the killed JVM could not delete were wiped by the restart.
    const now = readdirSync(jvmTmpDir(rootDir));
    expect(now.filter((f) => nativeLibs.includes(f))).toEqual([]);
  });

  it('explains a server that dies during start-up with the tail of its log', async () => {
    const dir = newDir();
    await expect(
      startQuestDb({ dataDir: dir, ...(await freePortOptions()), javaOpts: ['-Xmx1zz'] }),
    ).rejects.toMatchObject({
      code: 'EXITED_EARLY',
      message: expect.stringMatching(/QuestDB exited during start-up \(exit code 1\)[\s\S]*Invalid maximum heap size/),
    });
    expect(existsSync(runtimeFiles(dir).pidFile)).toBe(false);
  });
});
