import { ENVIRONMENTS, type Environment, type ExchangeStatusRow } from '@tradewatch/models';
import { z } from 'zod';
import type { Collector, ErrorReporter, RowOutput } from '../collector';
import { BufferedWriter } from '../buffered-writer';
import { ExchangeProbe, type ProbeState } from './exchange-probe';
import { resolveProbe, type ExchangeOptions } from './probe-config';

export interface ExchangeCollectorDeps {
  output: RowOutput;
  /** The probing host, written as `host`. */
  host: string;
  env: Environment;
  onError: ErrorReporter;
}

const envSchema = z.enum(ENVIRONMENTS);

/**
 * Keeps one WebSocket probe per configured exchange and writes its exchange_status: a row every
 * `rowIntervalMs` per exchange and one at once on every state change.
 */
export class ExchangeCollector implements Collector {
  readonly name = 'exchange';
  private readonly probes: { exchange: string; host: string; env: Environment; probe: ExchangeProbe }[];
  private timer: NodeJS.Timeout | undefined;
  private lastTimestamp = 0;
  private readonly writer: BufferedWriter<'exchange_status'>;

  constructor(
    private readonly options: ExchangeOptions,
    private readonly deps: ExchangeCollectorDeps,
  ) {
    this.writer = new BufferedWriter('exchange_status', deps.output, deps.onError);
    this.probes = options.probes.map((config) => {
      const settings = resolveProbe(config);
      const entry = {
        exchange: settings.exchange,
        host: config.host ?? deps.host,
        env: envSchema.parse(config.env ?? deps.env),
        probe: undefined as unknown as ExchangeProbe,
      };
      entry.probe = new ExchangeProbe(
        settings,
        options,
        () => this.emit([entry]),
        (e) => deps.onError(e, `exchange ${settings.exchange} (${settings.url})`),
      );
      return entry;
    });
  }

  async start(): Promise<void> {
    if (this.probes.length === 0) return;
    for (const p of this.probes) p.probe.start();
    this.timer = setInterval(() => this.emit(this.probes), this.options.rowIntervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const p of this.probes) p.probe.stop();
    await this.emit(this.probes);
  }

  /** The current state of each probe, e.g. for tests and health. */
  states(): Record<string, ProbeState> {
    return Object.fromEntries(this.probes.map((p) => [p.exchange, { ...p.probe.state }]));
  }

  private emit(entries: typeof this.probes): Promise<void> {
    // Microsecond timestamps strictly increase so a state change right after a periodic row is
    // never collapsed with it by the (timestamp, exchange, host) dedup key.
    const now = Math.max(Date.now() * 1000, this.lastTimestamp + 1);
    this.lastTimestamp = now;
    const rows: ExchangeStatusRow[] = entries.map(({ exchange, host, env, probe }) => toRow(probe.state, exchange, host, env, now));
    return this.writer.write(rows);
  }
}

function toRow(s: ProbeState, exchange: string, host: string, env: Environment, now: number): ExchangeStatusRow {
  return {
    timestamp: now,
    exchange,
    host,
    env,
    connected: s.connected,
    latency_ms: s.latencyMs,
    reconnect_count: s.reconnectCount,
    last_message_at: s.lastMessageAt === null ? null : Math.min(s.lastMessageAt * 1000, now),
    disconnected_at: s.connected || s.disconnectedAt === null ? null : Math.min(s.disconnectedAt * 1000, now),
  };
}
