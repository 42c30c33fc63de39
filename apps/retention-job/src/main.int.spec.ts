import { spawn } from 'node:child_process';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TABLE_NAMES } from '@tradewatch/models';
import { MetricsClient } from '@tradewatch/questdb-client';
import { runTsCli, WORKSPACE_ROOT as root } from '@tradewatch/ops/testing';
import { questDbUrl } from '@tradewatch/questdb-client/testing';

// The CLI end to end against the real QuestDB (the drop logic itself is tested in libs/ops).
const retentionJob = (args: string[], env: NodeJS.ProcessEnv = {}) => runTsCli('apps/retention-job/src/main.ts', args, { QUESTDB_URL: questDbUrl(), ...env });

beforeAll(async () => {
  const client = await MetricsClient.connect({ url: questDbUrl() });
  await client.bootstrap();
  await client.close();
});

describe('retention-job CLI', () => {
  it('--dry-run logs one line per registry table and writes the status file', async () => {
    const statusFile = join(await mkdtemp(join(tmpdir(), 'retention-cli-')), 'status.json');
    const { code, stdout } = await retentionJob(['--dry-run', '--status-file', statusFile]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { table: string; msg: string });
    expect(lines.map((l) => l.table)).toEqual([...TABLE_NAMES]);
    for (const line of lines) expect(line.msg).toMatch(/^\w+: (nothing older than|would drop \d+ partition)/);
    expect(JSON.parse(await readFile(statusFile, 'utf8'))).toMatchObject({ ok: true });
    expect((await retentionJob(['--check-status', statusFile])).code).toBe(0);
  });

  it('exits 1 and records the failure when QuestDB is unreachable', async () => {
    const statusFile = join(await mkdtemp(join(tmpdir(), 'retention-cli-')), 'status.json');
    const { code, stdout } = await retentionJob(['--status-file', statusFile], { QUESTDB_URL: 'http://127.0.0.1:9' });
    expect(code).toBe(1);
    expect(stdout).toContain('retention run failed');
    const check = await retentionJob(['--check-status', statusFile]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/failed: .*unreachable/);
  });

  it('logs a plain failure as one human line on request (LOG_FORMAT=pretty): no JSON, no stack', async () => {
    const { code, stdout } = await retentionJob([], { QUESTDB_URL: 'http://127.0.0.1:9', LOG_FORMAT: 'pretty' });
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\] ERROR: retention run failed: QuestDB at http:\/\/127\.0\.0\.1:9 is unreachable/);
    expect(stdout).not.toMatch(/\bat \S+ \(|"level"/);
  });

  it('names itself once in an error and exits 2 on an unknown option or LOG_FORMAT', async () => {
    const unknown = await retentionJob(['--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("retention-job: Unknown option '--bogus' (see retention-job --help)\n");
    const format = await retentionJob(['--dry-run'], { LOG_FORMAT: 'xml' });
    expect(format.code).toBe(2);
    expect(format.stderr).toBe('retention-job: LOG_FORMAT: "xml" is not one of json, pretty\n');
  });

  it('documents its exit codes in --help', async () => {
    const { code, stdout } = await retentionJob(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Exit status: 0 ');
    expect(stdout).toContain('2 misconfigured');
  });

  it('exits 2 on a bad flag value', async () => {
    const { code, stderr } = await retentionJob(['--every', 'weekly']);
    expect(code).toBe(2);
    expect(stderr).toContain('--every: "weekly" is not a duration');
  });
});

describe('retention-job --every', () => {
  it('runs on schedule, records each run, and stops cleanly on SIGTERM', async () => {
    const statusFile = join(await mkdtemp(join(tmpdir(), 'retention-every-')), 'status.json');
    const child = spawn(join(root, 'node_modules/.bin/tsx'), ['--tsconfig', 'tsconfig.base.json', 'apps/retention-job/src/main.ts', '--every', '1s', '--dry-run', '--status-file', statusFile], {
      cwd: root,
      env: { PATH: process.env['PATH'], QUESTDB_URL: questDbUrl() },
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    // Two runs at least: the status file is rewritten with a later finishedAt.
    const finishedAt = async () => JSON.parse(await readFile(statusFile, 'utf8')).finishedAt as string;
    const deadline = Date.now() + 20_000;
    while (!(await stat(statusFile).catch(() => undefined))) {
      if (Date.now() > deadline) throw new Error(`no first run: ${stdout}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const first = await finishedAt();
    while ((await finishedAt()) === first) {
      if (Date.now() > deadline) throw new Error(`no second run: ${stdout}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(JSON.parse(await readFile(statusFile, 'utf8'))).toMatchObject({ ok: true, nextRunBy: expect.any(String) });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('"msg":"running every 1s"');
    expect(stdout).toContain('"msg":"stopped"');
  });
});
