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
