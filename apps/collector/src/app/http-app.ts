import express from 'express';
import type { HttpAppDeps } from './http/deps';
import { errorHandler, notFound } from './http/errors';
import { ilpRoutes } from './http/ilp-routes';
import { ingestRoutes } from './http/ingest-routes';
import { opsRoutes } from './http/ops-routes';
import { statusRoutes } from './http/status-routes';

export type { HttpAppDeps } from './http/deps';

/**
 * The collector's HTTP API (docs/product.md §4), one router per concern under ./http: operations
 * (health, metrics, OpenAPI), the JSON ingest API (/v1), line protocol (/write). Each path
 * answers its methods and 405 for others; errors end in one handler.
 */
export function createHttpApp(deps: HttpAppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // No ETag: answers are small and never revalidated; hashing each one cost ~0.4 % of the ingest CPU.
  app.set('etag', false);
  app.use((req, res, next) => {
    res.on('finish', () => {
      // Route templates only (bounded label values); requests refused before routing are grouped.
      const route = typeof req.route?.path === 'string' ? `${req.baseUrl}${req.route.path}` : req.path.startsWith('/v1/') ? '/v1/*' : 'unmatched';
      deps.metrics.httpRequests.inc({ route, status: String(res.statusCode) });
    });
    next();
  });
  // Ingest first: Express tries every route of the routers before the one that matches, and ingest
  // is nearly every request (no path of one router is also another's).
  app.use(ilpRoutes(deps));
  app.use(ingestRoutes(deps));
  app.use(opsRoutes(deps));
  app.use(statusRoutes(deps));
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
