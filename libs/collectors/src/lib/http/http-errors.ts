import { TradewatchError, ValidationError } from '@tradewatch/models';
import { PayloadTooLargeError, ShuttingDownError, UnauthorizedError } from '../errors';

export interface HttpErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error: string; message?: string; issues?: { row: number; path: string; message: string }[] };
}

/** Seconds a client should wait when QuestDB is unreachable and there is no spool to take rows. */
const UNAVAILABLE_RETRY_AFTER_S = 5;

/**
 * Maps an error of the ingest path to the HTTP answer of SPEC.md §4. Unknown errors are 500s;
 * the caller logs them (their message is not sent, it may hold internals).
 */
export function toHttpError(error: unknown): HttpErrorResponse {
  if (error instanceof ValidationError) {
    return { status: 400, headers: {}, body: { error: 'validation_failed', issues: error.issues } };
  }
  if (error instanceof UnauthorizedError) {
    return { status: 401, headers: { 'WWW-Authenticate': 'Bearer' }, body: { error: 'unauthorized', message: error.message } };
  }
  if (error instanceof PayloadTooLargeError) {
    return { status: 413, headers: {}, body: { error: 'payload_too_large', message: error.message } };
  }
  if (error instanceof TradewatchError && error.code === 'spool_full') {
    const after = (error as TradewatchError & { retryAfterSeconds?: number }).retryAfterSeconds ?? UNAVAILABLE_RETRY_AFTER_S;
    return { status: 503, headers: { 'Retry-After': String(Math.max(1, Math.ceil(after))) }, body: { error: 'spool_full', message: error.message } };
  }
  if (error instanceof ShuttingDownError) {
    return { status: 503, headers: { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_S) }, body: { error: error.code, message: error.message } };
  }
  if (error instanceof TradewatchError && error.code === 'questdb_unavailable') {
    return {
      status: 503,
      headers: { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_S) },
      // Not "nothing stored": the writer may still deliver queued rows later; dedup keys make a retry harmless.
      body: { error: 'questdb_unavailable', message: 'QuestDB is unreachable; the rows are not acknowledged, retry later (a retry never duplicates rows)' },
    };
  }
  return { status: 500, headers: {}, body: { error: 'internal_error', message: 'internal error; see the collector log' } };
}
