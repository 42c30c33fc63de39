import type { NextFunction, Request, Response } from 'express';
import { ShuttingDownError, TokenAuth } from '@tradewatch/collectors';
import type { HttpAppDeps } from './deps';
import { ingestGate } from './ingest-routes';

/** The gate alone, with a sink whose keepUp the test controls (no HTTP server, no spool: pure logic). */
function gateWith(keepUp: () => Promise<void> | undefined) {
  let accepting = true;
  const deps = { accepting: () => accepting, auth: new TokenAuth([]), sink: { keepUp } } as unknown as HttpAppDeps;
  const gate = ingestGate(deps);
  const headers: Record<string, string> = {};
  const req = { get: () => undefined } as unknown as Request;
  const res = { setHeader: (k: string, v: string) => void (headers[k] = v) } as unknown as Response;
  const calls: unknown[] = [];
  const next = ((error?: unknown) => void calls.push(error ?? 'next')) as NextFunction;
  const run = () => gate(req, res, next) as unknown as Promise<void> | undefined;
  return { run, calls, headers, stop: () => void (accepting = false) };
}

describe('ingestGate and the spool keeping up', () => {
  it('passes a request on at once while shipping keeps up', () => {
    const g = gateWith(() => undefined);
    expect(g.run()).toBeUndefined();
    expect(g.calls).toEqual(['next']);
  });

  it('holds a request until shipping caught up, then passes it on', async () => {
    let release!: () => void;
    const g = gateWith(() => new Promise<void>((r) => (release = r)));
    const held = g.run();
    await new Promise((r) => setImmediate(r));
    expect(g.calls).toEqual([]);
    release();
    await held;
    expect(g.calls).toEqual(['next']);
  });

  it('refuses a held request whose wait ended after shutdown began (503, connection closed)', async () => {
    let release!: () => void;
    const g = gateWith(() => new Promise<void>((r) => (release = r)));
    const held = g.run();
    g.stop();
    release();
    await expect(held).rejects.toBeInstanceOf(ShuttingDownError);
    expect(g.calls).toEqual([]);
    expect(g.headers['Connection']).toBe('close');
  });
});
