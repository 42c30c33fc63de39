import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';

/** The QuestDB datasource plugin id (PGWire backend plugin). */
export const QUESTDB_PLUGIN_ID = 'questdb-questdb-datasource';

/** The provisioned datasource every panel, variable and alert rule points at (a stable uid). */
export const QUESTDB_DATASOURCE = {
  type: QUESTDB_PLUGIN_ID,
  uid: 'tradewatch-questdb',
  name: 'QuestDB',
} as const;

export const questDbRef: DataSourceRef = { type: QUESTDB_DATASOURCE.type, uid: QUESTDB_DATASOURCE.uid };

/** The Grafana folder the dashboards and alert rules are provisioned into. */
export const GRAFANA_FOLDER = { title: 'Tradewatch', uid: 'tradewatch' } as const;
