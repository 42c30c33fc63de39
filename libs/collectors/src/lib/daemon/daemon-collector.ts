import { z } from 'zod';
import {
  ENVIRONMENTS,
  TradewatchError,
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
  /** `tradewatch_daemon_poll_failures_total{reason}`. */
  pollFailures?: { inc(labels: { reason: DaemonPollFailure }): void };
}

/** Why a poll failed: no answer (refused, DNS, timeout), a non-2xx answer, or a body that is not a valid status. */
export type DaemonPollFailure = 'unreachable' | 'http_status' | 'malformed';

/** A daemon's status endpoint could not be polled; `reason` is the counter's label. */
export class DaemonPollError extends TradewatchError {
  readonly code = 'daemon_poll_failed';
  constructor(
    readonly reason: DaemonPollFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The URL as logged: user and password removed. */
export function redactedUrl(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

/** fetch refuses URLs with credentials: they become a Basic Authorization header. */
function requestOf(url: string): { url: string; headers: Record<string, string> } {
  const u = new URL(url);
  if (u.username === '' && u.password === '') return { url, headers: {} };
  const basic = Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
  return { url: redactedUrl(url), headers: { authorization: `Basic ${basic}` } };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the body, which is not ours to log.
    throw new ValidationError('daemon_metrics', [{ row: 0, path: '', message: 'the body is not JSON' }]);
  }
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
  /** Targets whose last poll failed, with the reason (to log a failure once, not every poll). */
  private readonly failing = new Map<DaemonTarget, DaemonPollFailure>();

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
        .catch((e: Error) => this.deps.onError(e, `daemon ${redactedUrl(target.url)}`))
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
    const down = (reason: DaemonPollFailure, message: string) => {
      this.pollFailed(target, reason, message);
      return { daemon: this.downRow(host, env, message), exchanges: [] };
    };
    let text: string;
    try {
      const { url, headers } = requestOf(target.url);
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(this.options.timeoutMs) });
      if (!res.ok) return down('http_status', `status endpoint answered HTTP ${res.status}`);
      text = await res.text();
    } catch (error) {
      return down('unreachable', `unreachable: ${errorText(error)}`);
    }
    try {
      const status = parseDaemonStatus(parseJson(text), { timestamp: new Date().toISOString(), host, env }, this.deps.validation);
      this.failing.delete(target);
      return status;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return down('malformed', `invalid status JSON: ${error.message}`);
    }
  }

  /**
   * Counts every failed poll; logs (through onError, at warn) when a daemon starts failing or
   * fails for another reason, not at every poll of a daemon that stays down.
   */
  private pollFailed(target: DaemonTarget, reason: DaemonPollFailure, message: string): void {
    this.deps.pollFailures?.inc({ reason });
    if (this.failing.get(target) === reason) return;
    this.failing.set(target, reason);
    this.deps.onError(new DaemonPollError(reason, message), `daemon ${redactedUrl(target.url)}`);
  }

  private downRow(host: string, env: Environment, error: string): DaemonMetricsRow {
    const now = nowMicros();
    return { timestamp: now, host, env, running: false, last_error: error.slice(0, 4096), last_error_at: now };
  }
}
