import { GRAFANA_FOLDER } from '../datasource';

/** Where the Grafana container finds `deploy/grafana/dashboards` (docker-compose mounts it there). */
export const GRAFANA_DASHBOARDS_PATH = '/var/lib/grafana/dashboards/tradewatch';

/** A file provider that loads the generated dashboards into the Tradewatch folder, read-only. */
export function dashboardProviderProvisioning() {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'tradewatch',
        orgId: 1,
        folder: GRAFANA_FOLDER.title,
        folderUid: GRAFANA_FOLDER.uid,
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: GRAFANA_DASHBOARDS_PATH, foldersFromFilesStructure: false },
      },
    ],
  };
}
