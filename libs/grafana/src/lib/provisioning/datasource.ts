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
          // Numbers: plugin 0.1.8 ignores a string queryTimeout (no timeout at all). Seconds.
          timeout: 30,
          queryTimeout: 60,
          // A warm pool: without idle connections every query opens a new PGWire connection.
          // A dashboard runs up to ~20 queries at once; QuestDB allows 64 PGWire connections.
          maxOpenConnections: 10,
          maxIdleConnections: 10,
          // Seconds; recycled now and then so that a restarted QuestDB is picked up cleanly.
          maxConnectionLifetime: 14_400,
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
