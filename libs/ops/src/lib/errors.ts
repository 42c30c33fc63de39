import { TradewatchError } from '@tradewatch/models';

/** A flag, environment variable or argument is missing or invalid; the message names it. */
export class OpsConfigError extends TradewatchError {
  readonly code = 'ops_config_invalid';
}

/** An export did not complete; the partial file was removed. */
export class ExportFailedError extends TradewatchError {
  readonly code = 'export_failed';
}
