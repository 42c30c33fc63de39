import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { ValidationError } from '@tradewatch/models';
import { ClientAbortedError, ShuttingDownError, errorText, toHttpError } from '@tradewatch/collectors';

/**
 * Logs a failed request at the right level: a server fault (5xx) as an error, a client's
 * mistake at debug, a client that went away at debug, a request refused (503) because the
 * collector is stopping at debug (the shutdown is logged once, not once per client retry).
 * Returns false when there is nobody left to answer.
 */
export function logRequestError(logger: Logger, error: unknown, req: Request, status: number): boolean {
  if (error instanceof ClientAbortedError) {
    logger.debug({ path: req.path }, 'client aborted the request');
    return !req.socket.destroyed;
  }
  if (status >= 500 && !(error instanceof ShuttingDownError)) logger.error({ err: error, path: req.path }, 'request failed');
  else logger.debug({ path: req.path, status, error: error instanceof ValidationError ? error.issues.slice(0, 5) : errorText(error) }, 'request refused');
  return !req.socket.destroyed;
}

/** The last handlers: unknown paths, then every error in the API's JSON shape. */
export function notFound(_req: Request, res: Response): void {
  res.status(404).json({ error: 'not_found' });
}

export function errorHandler(logger: Logger) {
  // Express needs the four-argument signature to recognise an error handler.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const mapped = toHttpError(error);
    if (!logRequestError(logger, error, req, mapped.status) || res.headersSent) return;
    res.status(mapped.status).set(mapped.headers).json(mapped.body);
  };
}
