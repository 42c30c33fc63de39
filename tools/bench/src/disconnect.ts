import { WebSocketServer, type WebSocket } from 'ws';
import { formatIsoMicros } from '@tradewatch/models';
import { MetricsClient } from '@tradewatch/questdb-client';
import { median, percentile } from './stats';

export const DISCONNECT_HOST = 'disconnect-probe';
const POLL_MS = 50;
const GIVE_UP_MS = 15_000;

export interface DisconnectResult {
  disconnects: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Disconnects that did not show in exchange_status within the give-up time. */
  missing: number;
}

/**
 * A WebSocket "exchange" the collector's exchange probe connects to (the collector is configured
 * with `probeConfig`): the bench drops the connection from the server side and measures how long
 * until QuestDB returns an exchange_status row with connected = false (polled every 50 ms).
 */
export class DisconnectProbe {
  private readonly server: WebSocketServer;
  private client: WebSocket | undefined;
  private connectedWaiters: (() => void)[] = [];
  private readonly seen: number[] = [];
  private missing = 0;
  private running = false;
  private loop: Promise<void> | undefined;

  private constructor(server: WebSocketServer) {
    this.server = server;
    server.on('connection', (ws) => {
      this.client = ws;
      for (const w of this.connectedWaiters.splice(0)) w();
    });
  }

  static async start(port: number): Promise<DisconnectProbe> {
    const server = new WebSocketServer({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    return new DisconnectProbe(server);
  }

  /** The exchanges section of a collector config that probes this server. */
  static probeConfig(port: number): object {
    return { rowIntervalMs: 5_000, probes: [{ exchange: 'binance', url: `ws://127.0.0.1:${port}`, ping: { style: 'frame' }, host: DISCONNECT_HOST }] };
  }

  /** Drops the connection every `everyMs` (once the probe is connected again) until `finish`. */
  run(questDbUrl: string, everyMs: number): void {
    this.running = true;
    this.loop = (async () => {
      const client = await MetricsClient.connect({ url: questDbUrl });
      try {
        while (this.running) {
          await this.connected();
          if (!this.running) break;
          await new Promise((r) => setTimeout(r, everyMs));
          if (!this.running) break;
          const droppedAt = Date.now();
          this.client?.terminate();
          this.client = undefined;
          const since = formatIsoMicros((droppedAt - 1) * 1000);
          for (;;) {
            const { rows } = await client
              .query<{ n: number }>(`SELECT count() n FROM exchange_status WHERE host = '${DISCONNECT_HOST}' AND connected = false AND timestamp >= '${since}'`)
              .catch(() => ({ rows: [{ n: 0 }] }));
            if (Number(rows[0]?.n) > 0) {
              this.seen.push(Date.now() - droppedAt);
              break;
            }
            if (Date.now() - droppedAt > GIVE_UP_MS) {
              this.missing++;
              break;
            }
            await new Promise((r) => setTimeout(r, POLL_MS));
          }
        }
      } finally {
        await client.close();
      }
    })();
  }

  private connected(): Promise<void> {
    if (this.client) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, GIVE_UP_MS);
      this.connectedWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private finished: Promise<DisconnectResult> | undefined;

  /** Stops dropping connections and the server; the same result on every call. */
  finish(): Promise<DisconnectResult> {
    this.finished ??= this.stop();
    return this.finished;
  }

  private async stop(): Promise<DisconnectResult> {
    this.running = false;
    for (const w of this.connectedWaiters.splice(0)) w();
    await this.loop;
    this.server.close();
    for (const c of this.server.clients) c.terminate();
    return {
      disconnects: this.seen.length + this.missing,
      p50Ms: median(this.seen),
      p99Ms: percentile(this.seen, 99),
      maxMs: this.seen.length ? Math.max(...this.seen) : Number.NaN,
      missing: this.missing,
    };
  }
}
