import { ValidationError } from '@tradewatch/models';
import { QuestDbUnavailableError, SpoolFullError } from '@tradewatch/questdb-client';
import { PayloadTooLargeError, ShuttingDownError, UnauthorizedError } from '../errors';
import { toHttpError } from './http-errors';

describe('toHttpError (docs/product.md §4 error answers)', () => {
  it('validation → 400 with the field-level issues', () => {
    const issues = [{ row: 1, path: 'fill_rate', message: 'must be <= 1' }];
    expect(toHttpError(new ValidationError('trading_metrics', issues))).toEqual({
      status: 400,
      headers: {},
      body: { error: 'validation_failed', issues },
    });
  });

  it('a full spool → 503 with its Retry-After (back-pressure, never a silent drop)', () => {
    const r = toHttpError(new SpoolFullError(2_000, 1_000, 7));
    expect(r.status).toBe(503);
    expect(r.headers).toEqual({ 'Retry-After': '7' });
    expect(r.body).toMatchObject({ error: 'spool_full', message: expect.stringMatching(/spool is full/) });
  });

  it('QuestDB unreachable (direct sink) and shutting down → 503 with Retry-After', () => {
    expect(toHttpError(new QuestDbUnavailableError('connect ECONNREFUSED'))).toMatchObject({ status: 503, headers: { 'Retry-After': '5' }, body: { error: 'questdb_unavailable' } });
    expect(toHttpError(new ShuttingDownError())).toMatchObject({ status: 503, headers: { 'Retry-After': '5' }, body: { error: 'shutting_down' } });
  });

  it('401 and 413 say why; anything else is a 500 without internals', () => {
    expect(toHttpError(new UnauthorizedError('invalid bearer token'))).toMatchObject({ status: 401, headers: { 'WWW-Authenticate': 'Bearer' }, body: { message: 'invalid bearer token' } });
    expect(toHttpError(new PayloadTooLargeError('too big', 'body'))).toMatchObject({ status: 413, body: { error: 'payload_too_large', message: 'too big' } });
    expect(toHttpError(new Error('secret path /etc/x'))).toEqual({ status: 500, headers: {}, body: { error: 'internal_error', message: 'internal error; see the collector log' } });
  });
});
