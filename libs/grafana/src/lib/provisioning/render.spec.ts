import { parse } from 'yaml';
import { renderFiles } from './render';

describe('renderFiles', () => {
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

  it('writes numeric timeouts and a connection pool (plugin 0.1.8 ignores a string queryTimeout)', () => {
    const ds = parse(renderFiles().get('provisioning/datasources/questdb.yaml') ?? '');
    const json = ds.datasources[0].jsonData;
    expect(json).toMatchObject({ timeout: 30, queryTimeout: 60 });
    for (const key of ['timeout', 'queryTimeout', 'maxOpenConnections', 'maxIdleConnections', 'maxConnectionLifetime']) {
      expect(`${key}: ${typeof json[key]}`).toBe(`${key}: number`);
    }
    expect(json.maxIdleConnections).toBeGreaterThan(0);
    expect(json.maxIdleConnections).toBeLessThanOrEqual(json.maxOpenConnections);
  });

  it('never uses ${var:singlequote}, which escapes a quote in a way QuestDB rejects', () => {
    const files = [...renderFiles()];
    expect(files.filter(([, text]) => text.includes(':singlequote}')).map(([path]) => path)).toEqual([]);
    expect(files.filter(([, text]) => text.includes(':sqlstring}')).length).toBeGreaterThan(0);
  });

  it('turns custom values off on every variable (each lists the values it may take)', () => {
    for (const [path, text] of renderFiles()) {
      if (!path.startsWith('dashboards/')) continue;
      const vars = (JSON.parse(text) as { templating: { list: { name: string; allowCustomValue?: boolean }[] } }).templating.list;
      for (const v of vars) expect(`${path} ${v.name}: ${v.allowCustomValue}`).toBe(`${path} ${v.name}: false`);
    }
  });
});
