import { DEFAULT_EXCHANGES } from '@tradewatch/models';
import { serveStatus, type StatusInput, type StatusServer } from '@tradewatch/reporter';

interface DaemonState {
  startedAt: number;
  fetch: number;
  errors: number;
  liquidations: number;
  parquet: number;
  memory: number;
  lastError: { message: string; at: Date } | null;
}

/**
 * Simulated pipeline daemons, each exposing its status with `serveStatus` exactly as a user's
 * daemon would: counters that grow, resource use that wanders, an occasional error and, rarely, a
 * restart (uptime and counters start over).
 */
export class DaemonSimulator {
  private constructor(
    private readonly servers: Map<string, StatusServer>,
  ) {}

  static async start(hosts: readonly string[], options: { restartProbability?: number } = {}): Promise<DaemonSimulator> {
    const restartProbability = options.restartProbability ?? 0.002;
    const servers = new Map<string, StatusServer>();
    for (const host of hosts) {
      let d = fresh();
      servers.set(
        host,
        await serveStatus(() => {
          if (Math.random() < restartProbability) d = fresh();
          return step(d);
        }),
      );
    }
    return new DaemonSimulator(servers);
  }

  /** The status URL of each simulated daemon, for the collector's `daemons.targets`. */
  targets(): { url: string; host: string }[] {
    return [...this.servers].map(([host, server]) => ({ host, url: server.url }));
  }

  async close(): Promise<void> {
    await Promise.all([...this.servers.values()].map((s) => s.close()));
  }
}

function fresh(): DaemonState {
  return { startedAt: Date.now(), fetch: 0, errors: 0, liquidations: 0, parquet: 50e6, memory: 250e6, lastError: null };
}

/** One poll: the daemon has worked a little since the last one. */
function step(d: DaemonState): StatusInput {
  d.fetch += 20 + Math.floor(Math.random() * 40);
  d.liquidations += Math.floor(Math.random() * 5);
  d.parquet += 10_000 + Math.floor(Math.random() * 90_000);
  d.memory = Math.max(150e6, d.memory + (Math.random() - 0.48) * 5e6);
  if (Math.random() < 0.05) {
    d.errors += 1;
    d.lastError = { message: 'ccxt.NetworkError: request timed out (simulated)', at: new Date() };
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
