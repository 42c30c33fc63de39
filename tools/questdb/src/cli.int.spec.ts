/** The CLI as `npm run questdb:*` runs it: through tsx, in separate processes, server detached. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runtimeFiles } from './paths';
import { findFreePorts, isPortOpen } from './ports';
import { readPid } from './runtime-state';

jest.setTimeout(120_000);

const repoRoot = resolve(__dirname, '../../..');
const cli = join(__dirname, 'cli.ts');
const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');

describe('cli', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let httpPort: number;

  const run = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(tsx, [cli, ...args], { cwd: repoRoot, env, encoding: 'utf8', timeout: 90_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'questdb-cli-'));
    const [http, pg, ilp, min] = await findFreePorts(4);
    httpPort = http;
    env = {
      ...process.env,
      QUESTDB_DATA_DIR: dataDir,
      QUESTDB_HTTP_PORT: String(http),
      QUESTDB_PG_PORT: String(pg),
      QUESTDB_ILP_PORT: String(ilp),
      QUESTDB_MIN_PORT: String(min),
    };
  });

  afterAll(() => {
    run('stop');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts in the background, reports status, and stops', () => {
    expect(run('status')).toMatchObject({ status: 3, stdout: expect.stringContaining('QuestDB is not running') });

    const started = run('start');
    expect(started.stderr).toBe('');
    expect(started.status).toBe(0);
    expect(started.stdout).toContain(`is up at http://127.0.0.1:${httpPort} (pid `);
    const pid = readPid(dataDir);
    expect(pid).toBeGreaterThan(0);
    expect(existsSync(runtimeFiles(dataDir).logFile)).toBe(true);

    // The server outlived the CLI process that started it.
    expect(run('status')).toMatchObject({
      status: 0,
      stdout: expect.stringContaining(`QuestDB is running: pid ${pid}, http://127.0.0.1:${httpPort}`),
    });
    expect(run('start')).toMatchObject({
      status: 0,
      stdout: `QuestDB is already running at http://127.0.0.1:${httpPort} (pid ${pid})\n`,
    });

    expect(run('stop')).toMatchObject({ status: 0, stdout: `QuestDB (pid ${pid}) stopped\n` });
    expect(existsSync(runtimeFiles(dataDir).pidFile)).toBe(false);
    expect(run('stop')).toMatchObject({ status: 0, stdout: expect.stringContaining('QuestDB is not running') });
  });

  it('closes the port on stop', async () => {
    expect(await isPortOpen(httpPort)).toBe(false);
  });

  it('rejects unknown flags with exit code 2', () => {
    expect(run('start', '--htp-port', '1')).toMatchObject({
      status: 2,
      stderr: "questdb: Unknown option '--htp-port'. Run with --help for the list.\n",
    });
    expect(run('--help')).toMatchObject({ status: 0, stdout: expect.stringContaining('Usage:') });
  });
});
