import { Router, type NextFunction, type Request, type Response } from 'express';
import {
  BadRequestError,
  IlpRejectedError,
  decodeLinePieces,
  ilpErrorBody,
  isIlpPrecision,
  toHttpError,
} from '@tradewatch/collectors';
import type { HttpAppDeps } from './deps';
import { ingestGate } from './ingest-routes';
import { bodyBytes, readBody, route } from './routing';
import { logRequestError } from './errors';

/** What `/settings` tells the QuestDB clients: text line protocol (version 1) only. */
const SETTINGS = { config: { 'line.proto.support.versions': [1], 'ilp.proto.transports': ['http'], 'cairo.max.file.name.length': 127 }, 'preferences.version': 0, preferences: {} };

/**
 * InfluxDB line protocol at QuestDB's own paths, so QuestDB's clients and Telegraf can send to
 * the collector: 204 once durable, errors in QuestDB's JSON shape. `GET /settings` lets the
 * clients' protocol auto-detection pick version 1 (text), the one read here.
 */
export function ilpRoutes(deps: HttpAppDeps): Router {
  const router = Router();
  const write = [
    ingestGate(deps),
    ...readBody('ilp', deps.maxBodyBytes),
    async (req: Request, res: Response) => {
      const precision = typeof req.query['precision'] === 'string' ? req.query['precision'] : 'n';
      if (!isIlpPrecision(precision)) throw new BadRequestError(`unsupported precision "${precision}"; use n, u, ms or s`);
      const bytes = bodyBytes(req);
      await deps.service.ingest.lineProtocol(bytes === undefined ? '' : decodeLinePieces(bytes), precision);
      res.status(204).end();
    },
  ];
  route(router, '/write', { post: write });
  route(router, '/api/v2/write', { post: write });
  route(router, '/settings', { get: (_req, res) => void res.json(SETTINGS) });
  // Errors of these paths in QuestDB's shape: its clients print the body as it is.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  router.use(['/write', '/api/v2/write'], (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof IlpRejectedError) {
      deps.logger.debug({ path: req.path, lines: error.issues.length }, 'line protocol refused');
      res.status(400).json(ilpErrorBody('invalid', error.message, error.line));
      return;
    }
    const mapped = toHttpError(error);
    if (!logRequestError(deps.logger, error, req, mapped.status)) return;
    res.status(mapped.status).set(mapped.headers).json(ilpErrorBody(mapped.body.error, mapped.body.message ?? mapped.body.error));
  });
  return router;
}
