import { Router, type Request, type RequestHandler, type Response } from 'express';
import { ShuttingDownError, isMetricRoute, parseJsonBody } from '@tradewatch/collectors';
import type { HttpAppDeps } from './deps';
import { bodyBytes, readBody, route } from './routing';

/**
 * Refuse while shutting down, then authenticate, then (while shipping falls behind) wait, then read
 * the body (in that order, so an unauthenticated client cannot make the service read a large body).
 */
export function ingestGate(deps: HttpAppDeps): RequestHandler {
  const check = (req: Request, res: Response) => {
    if (!deps.accepting()) {
      // The 503 closes its connection: a client's retry then opens a new one (to another
      // replica, behind a load balancer) instead of going out on one this server is about to
      // close, where a reset would leave the client not knowing whether it was taken.
      res.setHeader('Connection', 'close');
      throw new ShuttingDownError();
    }
    deps.auth.check(req.get('authorization'));
  };
  return (req, res, next) => {
    check(req, res);
    // While shipping falls behind, the request waits before its body is read (clients slow to
    // the rate QuestDB takes rows), then is checked again: shutdown may have begun meanwhile.
    const wait = deps.sink.keepUp();
    if (wait === undefined) return next();
    return wait.then(() => {
      check(req, res);
      next();
    });
  };
}

/** The JSON ingest API, `/v1/*` (docs/product.md §4): 202 once the rows are durable (events: aggregated). */
export function ingestRoutes(deps: HttpAppDeps): Router {
  const { service } = deps;
  const router = Router();
  const body = [ingestGate(deps), ...readBody('json', deps.maxBodyBytes)];
  const json = (req: Request) => parseJsonBody(bodyBytes(req));

  route(router, '/v1/metrics/:kind', {
    post: [
      ...body,
      async (req, res) => {
        const kind = String(req.params['kind']);
        if (!isMetricRoute(kind)) {
          res.status(404).json({ error: 'not_found', message: `no such table route: ${kind} (daemon, exchange, pipeline, trading)` });
          return;
        }
        res.status(202).json({ accepted: await service.ingest.metrics(kind, json(req)) });
      },
    ],
  });
  route(router, '/v1/events/fetch', { post: [...body, (req, res) => void res.status(202).json({ accepted: service.ingest.fetchEvents(json(req)) })] });
  route(router, '/v1/events/trading', { post: [...body, (req, res) => void res.status(202).json({ accepted: service.ingest.tradingEvents(json(req)) })] });
  route(router, '/v1/events/api', { post: [...body, (req, res) => void res.status(202).json({ accepted: service.ingest.apiEvents(json(req)) })] });
  return router;
}
