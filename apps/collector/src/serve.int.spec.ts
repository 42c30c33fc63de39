import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stripVTControlCharacters } from 'node:util';
import { questDbUrl } from '@tradewatch/questdb-client/testing';

const ROOT = join(__dirname, '../../..');
const NX = join(ROOT, 'node_modules/nx/dist/bin/nx.js');
// The first `serve` builds the app (several minutes on a loaded 2-core machine); later ones hit the cache.
const BUILD_TIMEOUT_MS = 600_000;

interface Target { executor: string; options?: Record<string, unknown>; continuous?: boolean }
const projects = readdirSync(join(ROOT, 'apps')).map((app) => ({ app, targets: (JSON.parse(readFileSync(join(ROOT, 'apps', app, 'project.json'), 'utf8')) as { targets: Record<string, Target> }).targets }));

/** The process's full command line, from /proc. */
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
/** Child pids of a process (one level), from /proc. */
function children(pid: number): number[] {
  const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout;
  return out.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
}
function descendants(pid: number): number[] {
  return children(pid).flatMap((c) => [c, ...descendants(c)]);
}

describe('`nx run <app>:serve` is the production command: the built app, no watch, no inspector', () => {
  it.each(projects.filter((p) => p.targets['serve']).map((p) => [p.app, p.targets] as const))('%s: serve runs node dist/apps/<app>/main.js; serve-dev is the watch mode', (app, targets) => {
    const serve = targets['serve'];
    expect(serve.executor).toBe('nx:run-commands');
    // The collector, which shares its machine with QuestDB, runs with one GC thread (docs/configuration.md).
    expect(serve.options?.['command']).toBe(app === 'collector' ? `node --single-threaded-gc dist/apps/${app}/main.js` : `node dist/apps/${app}/main.js`);
    expect(JSON.stringify(serve)).not.toMatch(/inspect|watch/);
    expect(serve.continuous).toBeUndefined(); // a continuous task's exit code is not reported
    expect(targets['serve-dev']).toMatchObject({ executor: '@nx/js:node', options: { watch: true, inspect: false } });
  });

  describe('collector (real nx, real QuestDB)', () => {
    let proc: ChildProcess | undefined;
    afterEach(() => {
      if (!proc || proc.exitCode !== null) return;
      // The app runs under nx's shell: killing nx alone would leave it running when a test failed.
      for (const pid of descendants(proc.pid ?? 0)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error; // ESRCH: already gone
        }
      }
      proc.kill('SIGKILL');
    });
    const env = (extra: Record<string, string>) => ({ ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', COLLECTOR_DEMO: '', COLLECTOR_CONFIG: '', COLLECTOR_TOKENS: '', LOG_LEVEL: 'info', ...extra });

    it(
      'runs the built app without --inspect or watch, and drains and exits on SIGTERM',
      async () => {
        const child = spawn(process.execPath, [NX, 'run', 'collector:serve', '--output-style=stream'], {
          cwd: ROOT,
          env: env({ QUESTDB_URL: questDbUrl(), COLLECTOR_PORT: '0', COLLECTOR_SPOOL_DIR: mkdtempSync(join(tmpdir(), 'collector-serve-')) }),
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        proc = child;
        const messages: string[] = [];
        const listening = new Promise<number>((resolve, reject) => {
          child.once('exit', (code) => reject(new Error(`nx exited with ${code} before the collector listened: ${messages.join(' | ')}`)));
          createInterface({ input: child.stdout }).on('line', (line) => {
            const json = /\{.*\}$/.exec(line)?.[0];
            if (!json) return;
            const entry = JSON.parse(json) as { msg: string; pid: number };
            messages.push(entry.msg);
            if (entry.msg === 'collector listening') resolve(entry.pid);
          });
        });
        const appPid = await listening;
        const args = cmdline(appPid);
        expect(args.slice(-2)).toEqual(['--single-threaded-gc', 'dist/apps/collector/main.js']);
        // glibc keeps a fixed mmap threshold, so that large freed buffers go back to the system (docs/configuration.md).
        expect(readFileSync(`/proc/${appPid}/environ`, 'utf8').split('\0')).toContain('MALLOC_MMAP_THRESHOLD_=131072');
        expect(args.join(' ')).not.toMatch(/--inspect|--watch/);
        // No process under nx runs a watcher or an inspector either.
        for (const pid of descendants(child.pid ?? 0)) expect(cmdline(pid).join(' ')).not.toMatch(/--inspect|--watch/);

        child.kill('SIGTERM');
        const [code] = await once(child, 'exit');
        expect(messages).toEqual(expect.arrayContaining(['shutting down: stopping collectors and draining', 'stopped']));
        expect(code).not.toBeNull();
        expect(() => process.kill(appPid, 0)).toThrow(); // the app is gone too
      },
      BUILD_TIMEOUT_MS,
    );

    it(
      'a bad config: the app exits 2 naming the variable, nx exits non-zero, nothing waits for changes',
      async () => {
        const child = spawn(process.execPath, [NX, 'run', 'collector:serve', '--output-style=stream'], { cwd: ROOT, env: env({ QUESTDB_URL: 'http://user:secret@127.0.0.1:9000' }), stdio: ['ignore', 'pipe', 'pipe'] });
        proc = child;
        let output = '';
        child.stdout.on('data', (d: Buffer) => (output += d.toString()));
        child.stderr.on('data', (d: Buffer) => (output += d.toString()));
        const [code] = await once(child, 'exit');
        expect(code).not.toBe(0);
        // Nx prefixes and may colour each line of the app (FORCE_COLOR inherited from the runner).
        expect(stripVTControlCharacters(output)).toMatch(/collector: invalid environment:\n(collector: )?\s+QUESTDB_URL: must not contain credentials/);
        expect(output).not.toContain('secret');
        expect(output).not.toMatch(/waiting for changes/i);

        // The documented equivalent gives the app's own exit code.
        const direct = spawnSync(process.execPath, ['dist/apps/collector/main.js'], { cwd: ROOT, env: env({ QUESTDB_URL: 'http://127.0.0.1:9000', COLLECTOR_PORT: 'http' }), encoding: 'utf8', timeout: 30_000 });
        expect(direct.status).toBe(2);
        expect(direct.stderr).toMatch(/COLLECTOR_PORT: must be a port number/);
      },
      BUILD_TIMEOUT_MS,
    );
  });
});
