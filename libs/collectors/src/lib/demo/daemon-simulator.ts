import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_EXCHANGES } from '@tradewatch/models';

interface DaemonState {
  host: string;
  startedAt: number;
  fetch: number;
  errors: number;
  liquidations: number;
  parquet: number;
  memory: number;
  lastError: { message: string; at: string } | null;
}

/**
 * An HTTP server answering `GET /daemons/<host>/status` for simulated pipeline daemons, with the
 * status JSON of SPEC.md §4: counters that grow, resource use that wanders, an occasional error
 * and, rarely, a restart (uptime and counters start over).
 */
export class DaemonSimulator {
  private readonly daemons = new Map<string, DaemonState>();

  private readonly server: Server;

  private constructor(
    hosts: readonly string[],
    private readonly restartProbability: number,
  ) {
    for (const host of hosts) this.daemons.set(host, fresh(host));
    this.server = createServer((req, res) => {
      const host = /^\/daemons\/([^/]+)\/status$/.exec(req.url ?? '')?.[1];
      const body = host ? this.status(decodeURIComponent(host)) : undefined;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { error: 'not found' }));
    });
  }

  static async start(hosts: readonly string[], options: { restartProbability?: number } = {}): Promise<DaemonSimulator> {
    const sim = new DaemonSimulator(hosts, options.restartProbability ?? 0.002);
    await new Promise<void>((resolve) => sim.server.listen(0, '127.0.0.1', resolve));
    return sim;
  }

  /** The status URL of each simulated daemon. */
  targets(): { url: string; host: string }[] {
    const { port } = this.server.address() as AddressInfo;
    return [...this.daemons.keys()].map((host) => ({ host, url: `http://127.0.0.1:${port}/daemons/${encodeURIComponent(host)}/status` }));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private status(host: string): Record<string, unknown> | undefined {
    let d = this.daemons.get(host);
    if (!d) return undefined;
    if (Math.random() < this.restartProbability) this.daemons.set(host, (d = fresh(host)));
    d.fetch += 20 + Math.floor(Math.random() * 40);
    d.liquidations += Math.floor(Math.random() * 5);
    d.parquet += 10_000 + Math.floor(Math.random() * 90_000);
    d.memory = Math.max(150e6, d.memory + (Math.random() - 0.48) * 5e6);
    if (Math.random() < 0.05) {
      d.errors += 1;
      d.lastError = { message: 'ccxt.NetworkError: request timed out (simulated)', at: new Date().toISOString() };
    }
    return {
      uptime_seconds: (Date.now() - d.startedAt) / 1000,
      running: true,
      fetch_count: d.fetch,
      error_count: d.errors,
      liquidation_count: d.liquidations,
      memory_rss_bytes: Math.round(d.memory),
      cpu_percent: Number((5 + Math.random() * 30).toFixed(1)),
      parquet_bytes: d.parquet,
      last_error: d.lastError?.message ?? null,
      last_error_at: d.lastError?.at ?? null,
      exchanges: DEFAULT_EXCHANGES.map((exchange) => ({ exchange, connected: true, latency_ms: Number((20 + Math.random() * 80).toFixed(1)) })),
    };
  }
}

function fresh(host: string): DaemonState {
  return { host, startedAt: Date.now(), fetch: 0, errors: 0, liquidations: 0, parquet: 50e6, memory: 250e6, lastError: null };
}
