import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { ValidationError } from '@tradewatch/models';
import type { MetricsClient } from '@tradewatch/questdb-client';
import {
  PayloadTooLargeError,
  ShuttingDownError,
  isMetricRoute,
  openApiDocument,
  toHttpError,
  type CollectorMetrics,
  type CollectorService,
  type TokenAuth,
} from '@tradewatch/collectors';
import type { SinkHandle } from './sink';

export interface HttpAppDeps {
  service: CollectorService;
  client: MetricsClient;
  sink: SinkHandle;
  metrics: CollectorMetrics;
  auth: TokenAuth;
  maxBodyBytes: number;
  logger: Logger;
  /** False once shutdown began: readiness fails and ingest answers 503. */
  accepting: () => boolean;
}

/** The collector's HTTP API (SPEC.md §4). */
export function createHttpApp(deps: HttpAppDeps): express.Express {
  const { service, metrics, auth, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  const openapi = openApiDocument(service.recorder.validation);

  app.use((req, res, next) => {
    res.on('finish', () => {
      // Route templates only (bounded label values); requests refused before routing are grouped.
      const route = typeof req.route?.path === 'string' ? req.route.path : req.path.startsWith('/v1/') ? '/v1/*' : 'unmatched';
      metrics.httpRequests.inc({ route, status: String(res.statusCode) });
    });
    next();
  });

  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', async (_req, res) => {
    const questdb = await deps.client.ping(2_000);
    const sink = deps.sink.ready();
    const checks = {
      accepting: deps.accepting() ? 'ok' : 'shutting down',
      questdb: questdb.ok ? 'ok' : questdb.error,
      sink: sink.ok ? 'ok' : sink.reason,
    };
    const ok = Object.values(checks).every((v) => v === 'ok');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks, ...deps.sink.details() });
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  // Ingest routes: refuse while shutting down, then authenticate, then parse (in that order, so an
  // unauthenticated client cannot make the service read a large body).
  app.use('/v1', (req, _res, next) => {
    if (!deps.accepting()) throw new ShuttingDownError();
    auth.check(req.get('authorization'));
    next();
  });
  // Any content type is read as JSON: clients (curl, scripts) often omit it.
  app.use('/v1', express.json({ limit: deps.maxBodyBytes, strict: false, type: () => true }));
  app.post('/v1/metrics/:kind', async (req, res) => {
    const kind = String(req.params['kind']);
    if (!isMetricRoute(kind)) {
      res.status(404).json({ error: 'not_found', message: `no such table route: ${kind} (daemon, exchange, pipeline, trading)` });
      return;
    }
    res.status(202).json({ accepted: await service.ingest.metrics(kind, bodyOf(req)) });
  });
  app.post('/v1/events/fetch', (req, res) => {
    res.status(202).json({ accepted: service.ingest.fetchEvents(bodyOf(req)) });
  });
  app.post('/v1/events/trading', (req, res) => {
    res.status(202).json({ accepted: service.ingest.tradingEvents(bodyOf(req)) });
  });

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found' });
  });
  // Express needs the four-argument signature to recognise an error handler.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const mapped = toHttpError(bodyParserError(error, deps.maxBodyBytes));
    if (mapped.status >= 500) logger.error({ err: error, path: req.path }, 'ingest request failed');
    else logger.debug({ path: req.path, status: mapped.status, error: mapped.body }, 'ingest request refused');
    res.status(mapped.status).set(mapped.headers).json(mapped.body);
  });
  return app;
}

/** An empty body (no JSON sent) is a validation error, not an empty batch. */
function bodyOf(req: Request): unknown {
  if (req.body === undefined) throw new ValidationError('request', [{ row: 0, path: '', message: 'request body must be JSON (one row or an array of rows)' }]);
  return req.body;
}

/** body-parser's errors (malformed JSON, too large) in Tradewatch terms. */
function bodyParserError(error: unknown, maxBodyBytes: number): unknown {
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.too.large') {
    return new PayloadTooLargeError(`request body is larger than the limit of ${maxBodyBytes} bytes`, 'body');
  }
  if (type === 'entity.parse.failed') {
    return new ValidationError('request', [{ row: 0, path: '', message: `malformed JSON: ${(error as Error).message}` }]);
  }
  return error;
}
