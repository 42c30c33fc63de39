import { TradewatchError } from '@tradewatch/models';

/** The request body is larger than the configured limit, or carries more rows than allowed. */
export class PayloadTooLargeError extends TradewatchError {
  readonly code = 'payload_too_large';
  constructor(
    message: string,
    /** Which limit: `body` (bytes) or `rows`. */
    readonly limit: 'body' | 'rows',
  ) {
    super(message);
  }
}

/** The ingest API was called without a bearer token, or with one that is not configured. */
export class UnauthorizedError extends TradewatchError {
  readonly code = 'unauthorized';
}

/** The service's configuration (env vars or config file) is invalid; the message names the key. */
export class ConfigError extends TradewatchError {
  readonly code = 'config_invalid';
}

/** The service is shutting down and takes no new rows; the client should retry elsewhere or later. */
export class ShuttingDownError extends TradewatchError {
  readonly code = 'shutting_down';
  constructor() {
    super('the collector is shutting down; retry later');
  }
}

/**
 * An error's message with its causes, e.g. `fetch failed (connect ECONNREFUSED 127.0.0.1:9)`.
 * Duck-typed rather than `instanceof Error`, which fails for errors from another realm.
 */
export function errorText(error: unknown): string {
  const messages: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e !== null && e !== undefined && depth < 4; depth++) {
    if (typeof e === 'object' && 'message' in e) {
      messages.push(String(e.message));
      e = 'cause' in e ? e.cause : undefined;
    } else {
      messages.push(String(e));
      break;
    }
  }
  return messages.filter((m) => m.length > 0).map((m, i) => (i === 0 ? m : `(${m})`)).join(' ');
}

/** The request's Content-Type, charset or Content-Encoding is not one the route reads. */
export class UnsupportedMediaTypeError extends TradewatchError {
  readonly code = 'unsupported_media_type';
}

/** The route exists but not for this method; `allow` lists the methods it answers. */
export class MethodNotAllowedError extends TradewatchError {
  readonly code = 'method_not_allowed';
  constructor(
    readonly method: string,
    readonly allow: readonly string[],
  ) {
    super(`method ${method} is not allowed here; allowed: ${allow.join(', ')}`);
  }
}

/** The request could not be read (corrupt gzip, invalid UTF-8, truncated body). */
export class BadRequestError extends TradewatchError {
  readonly code = 'bad_request';
}

/** The client went away before its request body was read: nothing to answer, nothing to log as an error. */
export class ClientAbortedError extends TradewatchError {
  readonly code = 'client_aborted';
}

/** A request would create more new series (hosts, positions, fetch series) than a limit allows. */
export class SeriesLimitError extends TradewatchError {
  readonly code = 'series_limit';
}
