import WebSocket from 'ws';
import { backoffDelay } from '@tradewatch/questdb-client';
import type { ProbeSettings } from './probe-config';

export interface ProbeState {
  connected: boolean;
  /** Round-trip time of the latest answered ping. */
  latencyMs: number | null;
  /** Successful connections after the first one. */
  reconnectCount: number;
  lastMessageAt: number | null;
  disconnectedAt: number | null;
}

export interface ProbeTimings {
  pingIntervalMs: number;
  pingTimeoutMs: number;
  connectTimeoutMs: number;
  backoff: { baseMs: number; maxMs: number };
}

/**
 * One WebSocket connection to one exchange endpoint, kept open: measures ping round trips,
 * notices silence (a ping without answer kills the connection) and reconnects with exponential
 * backoff and jitter. Calls `onChange` whenever `connected` flips. Times are epoch milliseconds.
 */
export class ExchangeProbe {
  readonly state: ProbeState = { connected: false, latencyMs: null, reconnectCount: 0, lastMessageAt: null, disconnectedAt: null };
  private ws: WebSocket | undefined;
  private everConnected = false;
  private attempt = 0;
  private stopped = true;
  private retryTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private pingSentAt: number | undefined;
  private readonly pong: RegExp | undefined;

  constructor(
    readonly settings: ProbeSettings,
    private readonly timings: ProbeTimings,
    private readonly onChange: (state: ProbeState) => void,
    private readonly onError: (error: Error) => void,
  ) {
    this.pong = settings.ping.style === 'message' ? new RegExp(settings.ping.pong) : undefined;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.ws?.terminate();
    this.ws = undefined;
  }

  private connect(): void {
    const ws = new WebSocket(this.settings.url, { handshakeTimeout: this.timings.connectTimeoutMs });
    this.ws = ws;
    ws.on('open', () => this.opened(ws));
    ws.on('message', (data, isBinary) => this.message(isBinary ? '' : data.toString()));
    ws.on('pong', () => this.answered());
    ws.on('error', (e) => {
      // Only the first failure of a streak is reported; the rest show as connected=false rows.
      if (this.attempt === 0) this.onError(e);
    });
    ws.on('close', () => this.closed(ws));
  }

  private opened(ws: WebSocket): void {
    if (this.everConnected) this.state.reconnectCount += 1;
    this.everConnected = true;
    this.attempt = 0;
    this.state.connected = true;
    this.state.disconnectedAt = null;
    for (const m of this.settings.subscribe) ws.send(m);
    this.ping();
    this.pingTimer = setInterval(() => this.ping(), this.timings.pingIntervalMs);
    this.onChange(this.state);
  }

  private ping(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    if (this.pingSentAt !== undefined && performance.now() - this.pingSentAt > this.timings.pingTimeoutMs) {
      // Half-open TCP connections never close by themselves; an unanswered ping means dead.
      ws.terminate();
      return;
    }
    if (this.pingSentAt !== undefined) return; // still waiting for the previous answer
    this.pingSentAt = performance.now();
    if (this.settings.ping.style === 'frame') ws.ping();
    else ws.send(this.settings.ping.message);
  }

  private message(text: string): void {
    this.state.lastMessageAt = Date.now();
    if (this.pong?.test(text)) this.answered();
  }

  private answered(): void {
    this.state.lastMessageAt = Date.now();
    if (this.pingSentAt === undefined) return;
    this.state.latencyMs = Math.min(performance.now() - this.pingSentAt, this.timings.pingTimeoutMs);
    this.pingSentAt = undefined;
  }

  private closed(ws: WebSocket): void {
    if (ws !== this.ws) return;
    clearInterval(this.pingTimer);
    this.pingSentAt = undefined;
    this.ws = undefined;
    if (this.state.connected) {
      this.state.connected = false;
      this.state.disconnectedAt = Date.now();
      this.onChange(this.state);
    } else if (this.state.disconnectedAt === null) {
      // Never connected since start: the exchange has been unreachable from the beginning.
      this.state.disconnectedAt = Date.now();
      this.onChange(this.state);
    }
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt++, this.timings.backoff);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }
}
