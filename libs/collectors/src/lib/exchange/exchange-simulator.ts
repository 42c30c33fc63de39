import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { defaultProbe, type PingStyle } from './probe-config';

/** What a venue answers to its application-level ping (must match DEFAULT_PROBES' `pong`). */
const PONG_REPLIES: Record<string, string> = {
  bybit: JSON.stringify({ success: true, ret_msg: 'pong', conn_id: 'simulator', op: 'ping' }),
  okx: 'pong',
};

/**
 * A local WebSocket server standing in for an exchange's public feed: answers the venue's ping
 * style (frames are answered by `ws` itself), pushes a ticker message every `tickMs`, and can be
 * taken down and brought back on the same port to simulate an outage.
 */
export class ExchangeSimulator {
  private wss: WebSocketServer | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private port = 0;
  private price = 100 + Math.random() * 50_000;

  private constructor(
    readonly exchange: string,
    private readonly ping: PingStyle,
    private readonly tickMs: number,
  ) {}

  /** Starts a simulator for one of the default exchanges (its ping style), on `port` or a free one. */
  static async start(exchange: string, options: { port?: number; tickMs?: number } = {}): Promise<ExchangeSimulator> {
    const defaults = defaultProbe(exchange);
    if (!defaults) throw new Error(`no simulator for exchange ${exchange}`);
    const sim = new ExchangeSimulator(exchange, defaults.ping, options.tickMs ?? 1_000);
    sim.port = options.port ?? 0;
    await sim.up();
    return sim;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  get isUp(): boolean {
    return this.wss !== undefined;
  }

  /** Listens (again) on the simulator's port. */
  async up(): Promise<void> {
    if (this.wss) return;
    const wss = new WebSocketServer({ host: '127.0.0.1', port: this.port });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    this.port = (wss.address() as AddressInfo).port;
    wss.on('connection', (ws) => this.serve(ws));
    this.wss = wss;
    this.ticker = setInterval(() => this.broadcast(), this.tickMs);
  }

  /** Drops every connection and stops listening, like an exchange outage. */
  async down(): Promise<void> {
    const wss = this.wss;
    if (!wss) return;
    this.wss = undefined;
    clearInterval(this.ticker);
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  close(): Promise<void> {
    return this.down();
  }

  private serve(ws: WebSocket): void {
    ws.on('message', (data) => {
      const text = data.toString();
      if (this.ping.style === 'message' && text === this.ping.message) ws.send(PONG_REPLIES[this.exchange] ?? 'pong');
    });
  }

  private broadcast(): void {
    this.price *= 1 + (Math.random() - 0.5) * 0.002;
    const msg = JSON.stringify({ exchange: this.exchange, type: 'ticker', symbol: 'BTC/USDT:USDT', price: Number(this.price.toFixed(2)), ts: Date.now() });
    for (const client of this.wss?.clients ?? []) client.send(msg);
  }
}
