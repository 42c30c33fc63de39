import { TradewatchError, ValidationError } from '@tradewatch/models';
import {
  BadRequestError,
  ClientAbortedError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  SeriesLimitError,
  ShuttingDownError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from '../errors';

export interface HttpErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error: string; message?: string; issues?: { row: number; path: string; message: string }[] };
}

/** Seconds a client should wait when QuestDB is unreachable and there is no spool to take rows. */
const UNAVAILABLE_RETRY_AFTER_S = 5;

/**
 * Maps an error of the ingest path to the HTTP answer of docs/product.md §4. Unknown errors are 500s;
 * the caller logs them (their message is not sent, it may hold internals).
 */
export function toHttpError(error: unknown): HttpErrorResponse {
  if (error instanceof ValidationError) {
    return { status: 400, headers: {}, body: { error: 'validation_failed', issues: error.issues } };
  }
  if (error instanceof UnauthorizedError) {
    return { status: 401, headers: { 'WWW-Authenticate': 'Bearer' }, body: { error: 'unauthorized', message: error.message } };
  }
  if (error instanceof BadRequestError || error instanceof ClientAbortedError) {
    return { status: 400, headers: {}, body: { error: error.code, message: error.message } };
  }
  if (error instanceof MethodNotAllowedError) {
    return { status: 405, headers: { Allow: error.allow.join(', ') }, body: { error: error.code, message: error.message } };
  }
  if (error instanceof UnsupportedMediaTypeError) {
    return { status: 415, headers: {}, body: { error: error.code, message: error.message } };
  }
  if (error instanceof SeriesLimitError) {
    return { status: 422, headers: {}, body: { error: error.code, message: error.message } };
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

/**
 * The errors of reading a body (Express' body-parser, duck-typed by its `type`) in Tradewatch
 * terms: too large → 413, client gone → ClientAbortedError, corrupt gzip or a short body → 400,
 * an unsupported coding or charset → 415. Anything else is returned unchanged.
 */
export function fromBodyReadError(error: unknown, maxBodyBytes: number): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const e = error as { type?: unknown; status?: unknown; code?: unknown; message?: unknown };
  const message = String(e.message ?? '');
  switch (e.type) {
    case 'entity.too.large':
      return new PayloadTooLargeError(`request body is larger than the limit of ${maxBodyBytes} bytes`, 'body');
    case 'request.aborted':
      return new ClientAbortedError('the client aborted the request before its body was read');
    case 'request.size.invalid':
      return new BadRequestError('the request body is shorter or longer than its Content-Length');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError(message);
  }
  if (typeof e.code === 'string' && e.code.startsWith('Z_')) return new BadRequestError(`the gzip body is corrupt: ${message}`);
  if (e.code === 'ECONNRESET') return new ClientAbortedError('the client aborted the request');
  // Any other client error of the body reader is the client's, never a 500.
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return new BadRequestError(`the request body could not be read: ${message}`);
  return error;
}
