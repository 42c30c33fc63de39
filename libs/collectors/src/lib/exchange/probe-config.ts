import { z } from 'zod';
import { ENVIRONMENTS } from '@tradewatch/models';

/**
 * How to tell that a connection is alive: WebSocket ping frames (answered by the server's pong
 * frame) or an application-level ping message whose answer matches `pong` (a regular expression).
 */
export const pingStyleSchema = z.discriminatedUnion('style', [
  z.strictObject({ style: z.literal('frame') }),
  z.strictObject({
    style: z.literal('message'),
    /** Sent as-is (a JSON text or a bare word such as `ping`). */
    message: z.string().min(1),
    /** Regular expression an incoming text message must match to count as the pong. */
    pong: z.string().min(1),
  }),
]);
export type PingStyle = z.infer<typeof pingStyleSchema>;

export interface ProbeSettings {
  url: string;
  /** Messages sent after connecting (e.g. a ticker subscription), so the feed carries data. */
  subscribe: string[];
  ping: PingStyle;
}

/**
 * Public endpoints and keep-alive conventions of the default exchanges (derivatives feeds, since
 * the pipeline fetches OI, funding and liquidations). Everything can be overridden per probe.
 */
export const DEFAULT_PROBES: Record<string, ProbeSettings> = {
  // Binance answers WebSocket ping frames; it has no JSON ping.
  binance: {
    url: 'wss://fstream.binance.com/ws',
    subscribe: [JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@markPrice@1s'], id: 1 })],
    ping: { style: 'frame' },
  },
  // Bybit v5 expects {"op":"ping"} at least every 20 s and answers with op "pong" (or ret_msg "pong").
  bybit: {
    url: 'wss://stream.bybit.com/v5/public/linear',
    subscribe: [JSON.stringify({ op: 'subscribe', args: ['tickers.BTCUSDT'] })],
    ping: { style: 'message', message: JSON.stringify({ op: 'ping' }), pong: '"(op|ret_msg)":"pong"' },
  },
  // OKX v5 expects the bare text "ping" and answers "pong".
  okx: {
    url: 'wss://ws.okx.com:8443/ws/v5/public',
    subscribe: [JSON.stringify({ op: 'subscribe', args: [{ channel: 'tickers', instId: 'BTC-USDT-SWAP' }] })],
    ping: { style: 'message', message: 'ping', pong: '^pong$' },
  },
  // The dYdX v4 indexer keeps connections alive with WebSocket ping/pong frames.
  dydx: {
    url: 'wss://indexer.dydx.trade/v4/ws',
    subscribe: [JSON.stringify({ type: 'subscribe', channel: 'v4_markets' })],
    ping: { style: 'frame' },
  },
};

/** The default probe of an exchange; own properties only, so `constructor` is just an unknown exchange. */
export function defaultProbe(exchange: string): ProbeSettings | undefined {
  return Object.hasOwn(DEFAULT_PROBES, exchange) ? DEFAULT_PROBES[exchange] : undefined;
}

const probeObjectSchema = z.strictObject({
  exchange: z.string().regex(/^[a-z0-9_-]{1,64}$/, 'lower-case exchange id'),
  url: z.url({ protocol: /^wss?$/, error: 'must be a ws:// or wss:// URL' }).optional(),
  subscribe: z.array(z.string()).optional(),
  ping: pingStyleSchema.optional(),
  host: z.string().min(1).max(255).optional(),
  env: z.enum(ENVIRONMENTS).optional(),
});

/** A probe in the config: just the exchange name (defaults) or an object overriding them. */
export const probeSchema = z.union([z.string().transform((exchange) => ({ exchange })), probeObjectSchema]).pipe(
  probeObjectSchema.superRefine((p, ctx) => {
    if (!defaultProbe(p.exchange) && (!p.url || !p.ping)) {
      ctx.addIssue({ code: 'custom', message: `exchange "${p.exchange}" has no default probe: set url and ping` });
    }
  }),
);

export const exchangeOptionsSchema = z.strictObject({
  /** A row per exchange this often, besides one at every state change. */
  rowIntervalMs: z.number().int().min(100).default(5_000),
  pingIntervalMs: z.number().int().min(50).default(5_000),
  /** No pong within this time: the connection is considered dead and is replaced. */
  pingTimeoutMs: z.number().int().min(50).max(10_000).default(5_000),
  connectTimeoutMs: z.number().int().min(50).default(10_000),
  backoff: z
    .strictObject({ baseMs: z.number().int().min(1).default(500), maxMs: z.number().int().min(1).default(60_000) })
    .prefault({}),
  probes: z.array(probeSchema).default([]),
});
export type ExchangeOptions = z.infer<typeof exchangeOptionsSchema>;
export type ProbeConfig = z.infer<typeof probeSchema>;

/** A probe's settings: its overrides over the exchange's defaults. */
export function resolveProbe(p: ProbeConfig): ProbeSettings & { exchange: string } {
  const d = defaultProbe(p.exchange);
  return {
    exchange: p.exchange,
    // The schema requires url and ping where there is no default.
    url: (p.url ?? d?.url) as string,
    subscribe: p.subscribe ?? d?.subscribe ?? [],
    ping: (p.ping ?? d?.ping) as PingStyle,
  };
}
