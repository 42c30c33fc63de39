import { readText } from './repo';

// What the app images promise (docs/product.md §6): multi-stage, from the Nx build output, non-root.
const dockerfile = readText('deploy/docker/Dockerfile');
const lines = dockerfile.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
const stages = lines.filter((l) => /^FROM /.test(l));

describe('deploy/docker/Dockerfile', () => {
  it('is multi-stage: a build stage and a runtime stage from the same pinned Node image', () => {
    expect(stages.map((l) => l.split(/\s+/).slice(1).join(' '))).toEqual(['${NODE_IMAGE} AS build', '${NODE_IMAGE} AS runtime']);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\d+\.\d+\.\d+-[a-z]+-slim$/m);
  });

  it('builds with Nx and ships only the build output with its production dependencies', () => {
    expect(dockerfile).toMatch(/RUN npx nx build "\$\{APP\}"/);
    expect(dockerfile).toContain('cd "dist/apps/${DIST}"');
    expect(dockerfile).toContain('npm ci --omit=dev');
    const runtime = lines.slice(lines.indexOf(stages[1]));
    expect(runtime.filter((l) => l.startsWith('COPY'))).toEqual(['COPY --from=build --chown=root:root /out/ ./']);
  });

  it('runs the apps with the environment `nx run collector:serve` gives the collector (glibc malloc settings)', () => {
    const serveEnv = (JSON.parse(readText('apps/collector/project.json')) as { targets: { serve: { options: { env: Record<string, string> } } } }).targets.serve.options.env;
    expect(Object.keys(serveEnv)).toContain('MALLOC_MMAP_THRESHOLD_');
    const runtime = lines.slice(lines.indexOf(stages[1]));
    const env = runtime.filter((l) => l.startsWith('ENV ')).flatMap((l) => l.slice(4).trim().split(/\s+/));
    for (const [key, value] of Object.entries(serveEnv)) expect(env).toContain(`${key}=${value}`);
  });

  it('runs as the unprivileged node user', () => {
    const users = lines.filter((l) => l.startsWith('USER '));
    expect(users).toEqual(['USER node']);
    expect(lines.indexOf(users[0])).toBeGreaterThan(lines.indexOf(stages[1]));
    expect(lines[lines.length - 1]).toBe('ENTRYPOINT ["node", "--single-threaded-gc", "/app/main.js"]');
  });
});
