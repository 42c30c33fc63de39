import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TABLES } from '@tradewatch/models';
import type { StatusInput } from './types';
import { toWire } from './wire';

export interface ServeStatusOptions {
  /** Port to listen on; 0 (the default) picks a free one (see `url`). */
  port?: number;
  /** Address to bind; default 127.0.0.1 (use 0.0.0.0 for a collector on another machine). */
  host?: string;
  /** Path of the status endpoint; default `/status`. Other paths answer 404. */
  path?: string;
}

export interface StatusServer {
  /** The endpoint to put in the collector's `daemons.targets[].url`. */
  readonly url: string;
  readonly address: AddressInfo;
  close(): Promise<void>;
}

const timestampFields = (table: 'daemon_metrics' | 'exchange_status') => ({
  path: '',
  timestampFields: new Set(Object.entries(TABLES[table].columns).filter(([, c]) => c.type === 'TIMESTAMP').map(([k]) => k)),
});
const DAEMON = timestampFields('daemon_metrics');
const EXCHANGE = timestampFields('exchange_status');

/** The status as JSON, timestamps (Date, epoch ms) as ISO-8601 UTC strings. */
export function statusJson(status: StatusInput): string {
  const { exchanges, ...daemon } = status;
  const body: Record<string, unknown> = toWire(DAEMON, daemon);
  if (exchanges !== undefined) body['exchanges'] = exchanges.map((e) => toWire(EXCHANGE, e));
  return JSON.stringify(body);
}

/**
 * Serves a daemon's status in the format the collector's DaemonCollector polls: `GET <path>`
 * answers `getStatus()` as JSON. If getStatus throws, the answer is HTTP 500 and the collector
 * records the daemon as not running, with the status code in `last_error`.
 */
export async function serveStatus(
  getStatus: () => StatusInput | Promise<StatusInput>,
  options: ServeStatusOptions = {},
): Promise<StatusServer> {
  const path = options.path ?? '/status';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://status.local');
    if (url.pathname !== path || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not_found', message: `the status is at GET ${path}` }));
      return;
    }
    Promise.resolve()
      .then(getStatus)
      .then(
        (status) => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(statusJson(status)),
        (error: Error) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'status_failed', message: error.message })),
      );
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}${path}`,
    address,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
