import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { diffFiles, renderFiles, writeFiles } from './output';

const COMMITTED = join(__dirname, '../../../../deploy/grafana');

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

  it('provisions the QuestDB datasource with credentials from the environment and a dashboard folder', () => {
    const files = renderFiles();
    const ds = parse(files.get('provisioning/datasources/questdb.yaml') ?? '');
    expect(ds.datasources[0]).toMatchObject({
      type: 'questdb-questdb-datasource',
      uid: 'tradewatch-questdb',
      jsonData: { server: '${QUESTDB_PG_HOST}', port: 8812, username: '${QUESTDB_PG_USER}' },
      secureJsonData: { password: '${QUESTDB_PG_PASSWORD}' },
    });
    const provider = parse(files.get('provisioning/dashboards/tradewatch.yaml') ?? '');
    expect(provider.providers[0]).toMatchObject({ type: 'file', folder: 'Tradewatch', folderUid: 'tradewatch' });
  });
});
