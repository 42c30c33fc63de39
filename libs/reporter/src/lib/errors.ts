import type { RouteName } from './routes';
import type { WireRow } from './wire';

/** Base of the reporter's errors: a stable machine-readable `code` next to the message. */
export abstract class ReporterError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem the collector found in a field of a refused row. */
export interface FieldProblem {
  /** The field (dotted path for nested fields; empty for the row as a whole). */
  field: string;
  message: string;
}

/**
 * The collector refused a row (HTTP 400). The row is dropped and counted in `refused`; the other
 * rows of its batch are sent again.
 */
export class ReporterValidationError extends ReporterError {
  readonly code = 'validation_failed';
  /** The first problem's field. */
  readonly field: string;
  constructor(
    readonly route: RouteName,
    /** The row as it was sent (timestamps already converted to ISO strings). */
    readonly row: WireRow,
    readonly problems: FieldProblem[],
  ) {
    super(`${route}: row refused by the collector: ${problems.map((p) => `${p.field || '(row)'}: ${p.message}`).join('; ')}`);
    this.field = problems[0]?.field ?? '';
  }
}

/** The collector answered with an error that retrying cannot fix (e.g. 404, or a 400 without field issues); the rows are refused. */
export class ReporterHttpError extends ReporterError {
  readonly code = 'http_error';
  constructor(
    readonly route: RouteName,
    readonly status: number,
    readonly rows: number,
    readonly body: string,
  ) {
    super(`${route}: the collector answered HTTP ${status} for ${rows} row(s), which are dropped: ${body.slice(0, 500)}`);
  }
}

/** A send failed in a way worth retrying (network error, 5xx, 429, 401); reported once per outage. Nothing is dropped. */
export class ReporterUnavailableError extends ReporterError {
  readonly code = 'collector_unavailable';
  constructor(
    readonly route: RouteName,
    reason: string,
    /** When the next attempt starts. */
    readonly retryInMs: number,
    options?: { cause?: unknown },
  ) {
    super(`${route}: collector unavailable (${reason}); retrying in ${Math.round(retryInMs)} ms`, options);
  }
}

/** A row was handed over after `close()`. */
export class ReporterClosedError extends ReporterError {
  readonly code = 'reporter_closed';
  constructor() {
    super('the reporter is closed');
  }
}

/** `close()` ran out of time with rows still undelivered (and no spill directory to keep them). */
export class ReporterCloseTimeoutError extends ReporterError {
  readonly code = 'close_timeout';
  constructor(readonly undelivered: number) {
    super(`close timed out with ${undelivered} row(s) not delivered to the collector`);
  }
}

/** The spill directory could not be written or read. */
export class ReporterSpillError extends ReporterError {
  readonly code = 'spill_failed';
}
