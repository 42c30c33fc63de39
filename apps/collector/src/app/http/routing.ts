import express, { type Request, type RequestHandler, type Router } from 'express';
import { MethodNotAllowedError, checkBodyHeaders, fromBodyReadError, type BodyKind } from '@tradewatch/collectors';

type Method = 'get' | 'post' | 'delete';

/**
 * Registers the handlers of one path by method; any other method gets 405 with an `Allow`
 * header (HEAD comes with GET, as Express answers it from the GET handler).
 */
export function route(router: Router, path: string, handlers: Partial<Record<Method, RequestHandler | RequestHandler[]>>): void {
  const r = router.route(path);
  const allow: string[] = [];
  for (const [method, handler] of Object.entries(handlers) as [Method, RequestHandler | RequestHandler[]][]) {
    r[method](...(Array.isArray(handler) ? handler : [handler]));
    allow.push(method.toUpperCase());
    if (method === 'get') allow.push('HEAD');
  }
  r.all((req) => {
    throw new MethodNotAllowedError(req.method, allow);
  });
}

/**
 * Reads a request body as bytes into `req.body`: the headers are checked first (415 before a
 * byte is read), gzip is inflated, the limit applies to the inflated size. Errors of reading
 * come out as Tradewatch errors (413, 400, client aborted).
 */
export function readBody(kind: BodyKind, maxBodyBytes: number): RequestHandler[] {
  const raw = express.raw({ type: () => true, limit: maxBodyBytes, inflate: true });
  return [
    (req, _res, next) => {
      checkBodyHeaders(kind, { contentType: req.get('content-type'), contentEncoding: req.get('content-encoding') });
      next();
    },
    (req, res, next) => raw(req, res, (error?: unknown) => next(error === undefined ? undefined : fromBodyReadError(error, maxBodyBytes))),
  ];
}

/** The body read by `readBody`, or undefined when the request had none. */
export function bodyBytes(req: Request): Uint8Array | undefined {
  return Buffer.isBuffer(req.body) ? req.body : undefined;
}
