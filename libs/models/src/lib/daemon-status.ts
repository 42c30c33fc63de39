import { ValidationError } from './errors';
import type { DaemonMetricsRow, ExchangeStatusRow } from './registry';
import type { RowInput } from './row-input';
import { validateRows } from './validate';
import type { Environment, ValidationOptions } from './validation-options';

/** Fields of a status the DaemonCollector fills in when the daemon leaves them out. */
type Defaulted = 'timestamp' | 'host' | 'env';
type WithDefaults<R> = Omit<R, Defaulted> & Partial<Pick<R, Defaulted & keyof R>>;

/** One entry of a status's `exchanges` array: exchange_status fields; timestamp, host and env default to the daemon's. */
export type DaemonStatusExchange = WithDefaults<RowInput<'exchange_status'>>;

/**
 * The JSON a daemon's status endpoint answers and the DaemonCollector polls: daemon_metrics fields
 * (timestamp default: when polled; host default: the target's; env default: the target's or the
 * collector's), plus optionally `exchanges`. Unknown fields make the whole status invalid.
 */
export type DaemonStatus = WithDefaults<RowInput<'daemon_metrics'>> & { exchanges?: DaemonStatusExchange[] };

export interface DaemonStatusDefaults {
  host: string;
  env: Environment;
  /** ISO-8601 UTC time of the poll. */
  timestamp: string;
}

/**
 * Validates a polled status body into one daemon_metrics row and its exchange_status rows.
 * Throws ValidationError naming the field (paths under `exchanges.<i>.` for exchange entries).
 */
export function parseDaemonStatus(
  body: unknown,
  defaults: DaemonStatusDefaults,
  options: ValidationOptions,
): { daemon: DaemonMetricsRow; exchanges: ExchangeStatusRow[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('daemon_metrics', [{ row: 0, path: '', message: 'status must be a JSON object' }]);
  }
  const { exchanges = [], ...status } = body as Record<string, unknown>;
  const [daemon] = validateRows('daemon_metrics', { ...defaults, ...status }, options);
  if (!Array.isArray(exchanges)) {
    throw new ValidationError('daemon_metrics', [{ row: 0, path: 'exchanges', message: 'must be an array' }]);
  }
  if (exchanges.length === 0) return { daemon, exchanges: [] };
  const own = { timestamp: defaults.timestamp, host: daemon.host, env: daemon.env };
  try {
    return { daemon, exchanges: validateRows('exchange_status', exchanges.map((e) => ({ ...own, ...(e as object) })), options) };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError('daemon_metrics', error.issues.map((i) => ({ row: 0, path: `exchanges.${i.row}.${i.path}`, message: i.message })));
  }
}
