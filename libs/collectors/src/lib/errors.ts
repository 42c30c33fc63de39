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
