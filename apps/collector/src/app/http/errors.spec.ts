import type { Request } from 'express';
import pino from 'pino';
import { ShuttingDownError } from '@tradewatch/collectors';
import { logRequestError } from './errors';

/** A logger at debug whose lines are collected. */
function capture() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}
const req = { path: '/v1/metrics/pipeline', socket: { destroyed: false } } as unknown as Request;

describe('logRequestError', () => {
  it('a refusal while shutting down is a debug line, not an error with a stack', () => {
    const { logger, lines } = capture();
    expect(logRequestError(logger, new ShuttingDownError(), req, 503)).toBe(true);
    expect(lines).toEqual([expect.objectContaining({ level: 20, msg: 'request refused' })]);
  });

  it('a server fault is an error', () => {
    const { logger, lines } = capture();
    logRequestError(logger, new Error('disk gone'), req, 500);
    expect(lines).toEqual([expect.objectContaining({ level: 50, msg: 'request failed' })]);
  });
});
