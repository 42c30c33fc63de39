import type { ResolvedOptions } from './options';
import { WORKER_IDLE_SETTINGS } from './worker-idle';

/**
 * QuestDB reads any server.conf key from the environment as `QDB_` + the key upper-cased with dots
 * turned into underscores. Passing settings this way leaves the server.conf QuestDB extracts into
 * the root dir untouched, so a data dir can be shared with a hand-run QuestDB.
 */
export function toQdbEnvName(key: string): string {
  return `QDB_${key.replace(/\./g, '_').toUpperCase()}`;
}

/**
 * The server.conf keys we set. Every key here was checked against 9.3.4 with
 * `SELECT * FROM (SHOW PARAMETERS)` (value_source = 'env'): QuestDB silently ignores unknown keys.
 */
export function serverSettings(o: ResolvedOptions): Record<string, string> {
  const settings: Record<string, string | number | boolean> = {
    // The `*.net.bind.to` keys are the current names; `http.bind.to` is an older alias.
    'http.net.bind.to': `${o.bind}:${o.httpPort}`,
    'http.min.net.bind.to': `${o.bind}:${o.minPort}`,
    'pg.net.bind.to': `${o.bind}:${o.pgPort}`,
    'line.tcp.net.bind.to': `${o.bind}:${o.ilpPort}`,
    'telemetry.enabled': false,
    // Every pool defaults to 2 threads or more; several servers (one per jest process under
    // `nx run-many`) share 2 cores here. Network keeps 2 so a slow query cannot starve the
    // readiness probe; the rest get one thread each.
    'shared.network.worker.count': 2,
    'shared.query.worker.count': 1,
    'shared.write.worker.count': 1,
    'wal.apply.worker.count': 1,
    'mat.view.refresh.worker.count': 1,
    'view.compiler.worker.count': 1,
    ...WORKER_IDLE_SETTINGS,
    ...o.serverConfig,
  };
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)]));
}

export function toQdbEnv(settings: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [toQdbEnvName(k), v]));
}
