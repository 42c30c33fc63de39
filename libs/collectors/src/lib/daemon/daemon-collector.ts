import { z } from 'zod';
import {
  ENVIRONMENTS,
  ValidationError,
  nowMicros,
  parseDaemonStatus,
  type DaemonMetricsRow,
  type Environment,
  type ExchangeStatusRow,
  type ValidationOptions,
} from '@tradewatch/models';
import type { Collector, ErrorReporter, RowOutput } from '../collector';
import { errorText } from '../errors';

export const daemonTargetSchema = z.strictObject({
  /** The daemon's status endpoint, e.g. `http://10.0.0.5:8000/status`. */
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** Host name used for the row when the daemon cannot say (unreachable); default: the URL's host. */
  host: z.string().min(1).max(255).optional(),
  env: z.enum(ENVIRONMENTS).optional(),
});
export type DaemonTarget = z.infer<typeof daemonTargetSchema>;

export const daemonOptionsSchema = z.strictObject({
  intervalMs: z.number().int().min(100).default(5_000),
  timeoutMs: z.number().int().min(100).default(3_000),
  targets: z.array(daemonTargetSchema).default([]),
});
export type DaemonOptions = z.infer<typeof daemonOptionsSchema>;

export interface DaemonCollectorDeps {
  output: RowOutput;
  validation: ValidationOptions;
  /** env for rows of unreachable daemons whose target does not set one. */
  env: Environment;
  onError: ErrorReporter;
}

/**
 * Polls each daemon's status URL. The status JSON (`DaemonStatus` in @tradewatch/models, shared with
 * the reporters' status servers) holds daemon_metrics fields (timestamp optional, default: now) and
 * optionally `exchanges`, an array of exchange_status fields (host and env default to the daemon's).
 * An unreachable or unreadable daemon yields `running=false` with the reason in `last_error`.
 */
export class DaemonCollector implements Collector {
  readonly name = 'daemon';
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly busy = new Set<DaemonTarget>();

  constructor(
    private readonly options: DaemonOptions,
    private readonly deps: DaemonCollectorDeps,
  ) {}

  async start(): Promise<void> {
    if (this.options.targets.length === 0) return;
    this.pollAll();
    this.timer = setInterval(() => this.pollAll(), this.options.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  private pollAll(): void {
    for (const target of this.options.targets) {
      // A slow daemon is not polled again while its previous poll is still running.
      if (this.busy.has(target)) continue;
      this.busy.add(target);
      const p = this.poll(target)
        .catch((e: Error) => this.deps.onError(e, `daemon ${target.url}`))
        .finally(() => {
          this.busy.delete(target);
          this.inFlight.delete(p);
        });
      this.inFlight.add(p);
    }
  }

  /** Polls one target and writes its rows. */
  async poll(target: DaemonTarget): Promise<void> {
    const { daemon, exchanges } = await this.fetchStatus(target);
    await this.deps.output.write('daemon_metrics', [daemon]);
    if (exchanges.length > 0) await this.deps.output.write('exchange_status', exchanges);
  }

  private async fetchStatus(target: DaemonTarget): Promise<{ daemon: DaemonMetricsRow; exchanges: ExchangeStatusRow[] }> {
    const host = target.host ?? new URL(target.url).host;
    const env = target.env ?? this.deps.env;
    let body: unknown;
    try {
      const res = await fetch(target.url, { signal: AbortSignal.timeout(this.options.timeoutMs) });
      if (!res.ok) return { daemon: this.downRow(host, env, `status endpoint answered HTTP ${res.status}`), exchanges: [] };
      body = await res.json();
    } catch (error) {
      return { daemon: this.downRow(host, env, `unreachable: ${errorText(error)}`), exchanges: [] };
    }
    try {
      return parseDaemonStatus(body, { timestamp: new Date().toISOString(), host, env }, this.deps.validation);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return { daemon: this.downRow(host, env, `invalid status JSON: ${error.message}`), exchanges: [] };
    }
  }

  private downRow(host: string, env: Environment, error: string): DaemonMetricsRow {
    const now = nowMicros();
    return { timestamp: now, host, env, running: false, last_error: error.slice(0, 4096), last_error_at: now };
  }
}
