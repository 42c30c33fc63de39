import type { Router } from 'express';
import { DEFAULT_VALIDATION_OPTIONS } from '@tradewatch/models';
import type { HttpAppDeps } from './deps';
import { ilpRoutes } from './ilp-routes';
import { ingestRoutes } from './ingest-routes';
import { opsRoutes } from './ops-routes';
import { statusRoutes } from './status-routes';

interface RouteLayer {
  route?: { path: string };
  match(path: string): boolean;
}

/** The routers of createHttpApp; built without serving anything (their dependencies are read per request). */
function routers(): Record<string, Router> {
  const deps = { accepting: () => true, maxBodyBytes: 1024, service: { recorder: { validation: DEFAULT_VALIDATION_OPTIONS } } } as unknown as HttpAppDeps;
  return { ilp: ilpRoutes(deps), ingest: ingestRoutes(deps), ops: opsRoutes(deps), status: statusRoutes(deps) };
}

const routesOf = (router: Router) => (router.stack as unknown as RouteLayer[]).filter((l) => l.route !== undefined);

describe('the HTTP routers', () => {
  it('share no path, so the order createHttpApp mounts them in (ingest first) changes no answer', () => {
    const all = Object.entries(routers());
    const clashes: string[] = [];
    for (const [name, router] of all) {
      for (const layer of routesOf(router)) {
        // A concrete path of the route: each parameter as a plain segment.
        const path = (layer.route as { path: string }).path.replace(/:\w+/g, 'x');
        for (const [other, otherRouter] of all) {
          if (other === name) continue;
          for (const o of routesOf(otherRouter)) if (o.match(path)) clashes.push(`${name} ${path} is also ${other} ${(o.route as { path: string }).path}`);
        }
      }
    }
    expect(clashes).toEqual([]);
    // The check sees every router's routes.
    expect(all.map(([, r]) => routesOf(r).length).every((n) => n > 0)).toBe(true);
  });
});
