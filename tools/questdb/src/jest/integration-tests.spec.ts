import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasIntegrationTests } from './integration-tests';

describe('hasIntegrationTests', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'int-tests-'));
    await mkdir(join(dir, 'src/lib/deep'), { recursive: true });
    await writeFile(join(dir, 'src/lib/a.spec.ts'), '');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('is false for a project with unit tests only', async () => {
    expect(await hasIntegrationTests(dir)).toBe(false);
  });

  it('finds an integration test at any depth', async () => {
    await writeFile(join(dir, 'src/lib/deep/b.int.spec.ts'), '');
    expect(await hasIntegrationTests(dir)).toBe(true);
  });

  it('ignores node_modules', async () => {
    await mkdir(join(dir, 'node_modules/x'), { recursive: true });
    await writeFile(join(dir, 'node_modules/x/c.int.spec.ts'), '');
    expect(await hasIntegrationTests(dir)).toBe(false);
  });
});
