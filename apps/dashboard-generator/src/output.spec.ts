import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderFiles } from '@tradewatch/grafana';
import { diffFiles, writeFiles } from './output';

const COMMITTED = join(__dirname, '../../../deploy/grafana');

describe('generated Grafana tree', () => {
  it('the committed deploy/grafana is what the code generates (run `nx run dashboards:generate`)', async () => {
    expect(await diffFiles(COMMITTED, renderFiles())).toEqual([]);
  });

  it('finds missing, changed and no longer generated files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dashboards-'));
    try {
      const files = renderFiles();
      await writeFiles(dir, files);
      expect(await diffFiles(dir, files)).toEqual([]);
      await writeFile(join(dir, 'dashboards/health.json'), '{}\n');
      await rm(join(dir, 'dashboards/trading.json'));
      await writeFile(join(dir, 'dashboards/old.json'), '{}\n');
      expect(await diffFiles(dir, files)).toEqual([
        { path: 'dashboards/health.json', problem: 'out of date' },
        { path: 'dashboards/trading.json', problem: 'missing' },
        { path: 'dashboards/old.json', problem: 'not generated any more' },
      ]);
      const { removed } = await writeFiles(dir, files);
      expect(removed).toEqual(['dashboards/old.json']);
      expect(await diffFiles(dir, files)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
