import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { rawCompose } from './compose-file';
import { appProjects, exists, readText, readYaml, repoPath, ROOT } from './repo';

const run = promisify(execFile);

/** GitHub's workflow parser on the given files (see parse-workflows.mts). */
async function parseWorkflows(paths: string[]): Promise<Record<string, { errors: string[]; jobs: string[] }>> {
  const { stdout } = await run(repoPath('node_modules/.bin/tsx'), [join(__dirname, 'parse-workflows.mts'), ...paths], { cwd: ROOT });
  return JSON.parse(stdout);
}

interface Workflow {
  on: { pull_request?: { paths?: string[] } };
  env?: Record<string, string>;
  jobs: Record<string, {
    services?: Record<string, { image: string; env?: Record<string, string>; ports?: string[] }>;
    env?: Record<string, string>;
    strategy?: { matrix: { app: string[] } };
    steps: { uses?: string; run?: string; with?: Record<string, string> }[];
  }>;
}

const WORKFLOWS = ['.github/workflows/ci.yml', '.github/workflows/images.yml'];

describe('GitHub workflows', () => {
  it('parse and validate with GitHub\'s workflow parser', async () => {
    const report = await parseWorkflows(WORKFLOWS.map((w) => repoPath(w)));
    for (const w of WORKFLOWS) expect(report[repoPath(w)]).toEqual({ errors: [], jobs: expect.arrayContaining([expect.any(String)]) });
  }, 60_000);

  it('the parser check can fail: it reports a misspelt key', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'workflow-')), 'bad.yml');
    await writeFile(path, 'on: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    stepz:\n      - run: echo hi\n');
    const report = await parseWorkflows([path]);
    expect(report[path].errors.join('\n')).toMatch(/stepz/);
  }, 60_000);

  it('CI lints, tests and builds every project with the compose file\'s QuestDB as a service', () => {
    const ci = readYaml<Workflow>('.github/workflows/ci.yml');
    const job = ci.jobs['verify'];
    expect(job.services?.['questdb'].image).toBe(rawCompose().services['questdb'].image);
    expect(job.env?.['QUESTDB_URL']).toBe('http://127.0.0.1:9000');
    const runs = job.steps.map((s) => s.run ?? '');
    for (const target of ['lint', 'test', 'build']) expect(runs.some((r) => r.startsWith(`npx nx run-many -t ${target}`))).toBe(true);
    expect(runs).toContain('npm ci');
  });

  it('builds an image for every Nx app, from deploy/docker/Dockerfile and that app\'s build output', () => {
    const images = readYaml<Workflow>('.github/workflows/images.yml');
    const job = images.jobs['image'];
    const apps = appProjects();
    expect([...(job.strategy?.matrix.app ?? [])].sort()).toEqual(apps.map((p) => p.name).sort());
    const build = job.steps.find((s) => s.uses?.startsWith('docker/build-push-action@'));
    expect(exists(build?.with?.['file'] ?? 'missing')).toBe(true);
    // DIST is computed in an expression: check it names each project's real output folder.
    const dist = build?.with?.['build-args'] ?? '';
    for (const p of apps) {
      const folder = p.targets?.['build']?.options?.outputPath?.replace(/^dist\/apps\//, '');
      expect(folder === p.name || dist.includes(`matrix.app == '${p.name}' && '${folder}'`)).toBe(true);
    }
  });

  it('names only paths that exist, ports QuestDB listens on, and documented variables', () => {
    const docs = readText('docs/configuration.md');
    const conf = readText('deploy/questdb/server.conf');
    for (const path of WORKFLOWS) {
      const wf = readYaml<Workflow>(path);
      for (const p of wf.on.pull_request?.paths ?? []) expect(`${p} ${exists(p.replace(/\/\*\*$/, ''))}`).toBe(`${p} true`);
      for (const job of Object.values(wf.jobs)) {
        for (const service of Object.values(job.services ?? {})) {
          for (const port of service.ports ?? []) {
            const [host, container] = port.split(':');
            expect(host).toBe(container);
            expect(conf).toMatch(new RegExp(`^(http|pg\\.net)\\.bind\\.to=0\\.0\\.0\\.0:${container}$`, 'm'));
          }
          for (const name of Object.keys(service.env ?? {})) expect(`${name} documented: ${docs.includes(`\`${name}\``)}`).toBe(`${name} documented: true`);
        }
        for (const name of Object.keys({ ...wf.env, ...job.env })) expect(`${name} documented: ${docs.includes(`\`${name}\``)}`).toBe(`${name} documented: true`);
        const url = job.env?.['QUESTDB_URL'];
        if (url) expect(Object.values(job.services ?? {}).flatMap((sv) => sv.ports ?? [])).toContain(`${new URL(url).port}:${new URL(url).port}`);
      }
    }
  });
});
