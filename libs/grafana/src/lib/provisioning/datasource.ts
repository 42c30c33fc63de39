import { QUESTDB_DATASOURCE } from '../datasource';

/**
 * Grafana datasource provisioning for the QuestDB plugin (PGWire). Grafana expands `${VAR}` in
 * provisioning files, so credentials stay in the environment.
 */
export function datasourceProvisioning() {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: QUESTDB_DATASOURCE.name,
        type: QUESTDB_DATASOURCE.type,
        uid: QUESTDB_DATASOURCE.uid,
        access: 'proxy',
        isDefault: true,
        editable: false,
        jsonData: {
          server: '${QUESTDB_PG_HOST}',
          port: 8812,
          username: '${QUESTDB_PG_USER}',
          tlsMode: 'disable',
          timeout: '30',
          queryTimeout: '60',
          maxOpenConnections: 10,
        },
        secureJsonData: {
          password: '${QUESTDB_PG_PASSWORD}',
        },
      },
    ],
  };
}

/** The environment variables the provisioning files expect Grafana to have. */
export const DATASOURCE_ENV = ['QUESTDB_PG_HOST', 'QUESTDB_PG_USER', 'QUESTDB_PG_PASSWORD'] as const;
