import { Router, type Request } from 'express';
import { openApiDocument } from '@tradewatch/collectors';
import type { HttpAppDeps } from './deps';
import { route } from './routing';

/** Whether the request may read monitored values (see `HttpAppDeps.scrapeAuth`); throws 401 when a bad token is sent. */
export function canScrape(deps: HttpAppDeps, req: Request): boolean {
  if (deps.scrapeAuth === undefined) return true;
  if (req.get('authorization') === undefined) return false;
  deps.scrapeAuth.check(req.get('authorization'));
  return true;
}

/** `/health/*`, `/metrics`, `/openapi.json`: what operators and Prometheus read. */
export function opsRoutes(deps: HttpAppDeps): Router {
  const { metrics } = deps;
  const router = Router();
  const openapi = openApiDocument(deps.service.recorder.validation);

  route(router, '/health/live', { get: (_req, res) => void res.json({ status: 'ok' }) });
  route(router, '/health/ready', {
    get: async (req, res) => {
      const questdb = await deps.client.ping(2_000);
      const sink = deps.sink.ready();
      const checks = {
        accepting: deps.accepting() ? 'ok' : 'shutting down',
        questdb: questdb.ok ? 'ok' : questdb.error,
        sink: sink.ok ? 'ok' : sink.reason,
      };
      const ok = Object.values(checks).every((v) => v === 'ok');
      const status = ok ? 'ready' : 'not ready';
      // Without read access: the verdict only (a load balancer needs no more).
      res.status(ok ? 200 : 503).json(canScrape(deps, req) ? { status, checks, ...deps.sink.details() } : { status });
    },
  });
  route(router, '/metrics', {
    get: async (req, res) => {
      if (!canScrape(deps, req)) deps.scrapeAuth?.check(undefined);
      res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
    },
  });
  route(router, '/openapi.json', { get: (_req, res) => void res.json(openapi) });
  return router;
}
