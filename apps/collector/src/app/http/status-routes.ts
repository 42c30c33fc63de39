import { Router } from 'express';
import { STATUS_PAGE_HEADERS, forgetSource, listSources, renderStatusPage } from '@tradewatch/collectors';
import type { HttpAppDeps } from './deps';
import { canScrape } from './ops-routes';
import { route } from './routing';

/** The status page `/` (read access as `/metrics`) and the source inventory `/v1/sources` (ingest tokens). */
export function statusRoutes(deps: HttpAppDeps): Router {
  const { service } = deps;
  const router = Router();
  route(router, '/', {
    get: async (req, res) => {
      if (!canScrape(deps, req)) deps.scrapeAuth?.check(undefined);
      const questdb = await deps.client.ping(2_000);
      const page = renderStatusPage({
        now: Date.now(),
        collector: service.identity,
        sources: service.inventory.list(),
        questdb: questdb.ok ? { ok: true } : { ok: false, error: questdb.error },
        spool: deps.sink.details().spool,
      });
      res.set(STATUS_PAGE_HEADERS).send(page);
    },
  });
  const authenticated = (req: Parameters<typeof canScrape>[1]) => deps.auth.check(req.get('authorization'));
  route(router, '/v1/sources', {
    get: (req, res) => {
      authenticated(req);
      res.json(listSources(service.inventory));
    },
  });
  route(router, '/v1/sources/:kind', {
    delete: (req, res) => {
      authenticated(req);
      const result = forgetSource(service.inventory, String(req.params['kind']), req.query as Record<string, unknown>);
      if (result.status === 204) res.status(204).end();
      else res.status(result.status).json(result.body);
    },
  });
  return router;
}
