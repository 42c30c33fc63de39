import { serveStatus, statusJson } from './serve-status';

describe('serveStatus (unit; the real DaemonCollector polls it in reporter.int.spec.ts)', () => {
  it('serves timestamps given as Date or epoch ms as ISO-8601 UTC, in the daemon and its exchanges', () => {
    const at = Date.UTC(2026, 10, 30, 12, 0, 0, 250);
    expect(JSON.parse(statusJson({ running: true, last_error_at: new Date(at), exchanges: [{ exchange: 'okx', connected: false, disconnected_at: at }] }))).toEqual({
      running: true,
      last_error_at: '2026-11-30T12:00:00.250Z',
      exchanges: [{ exchange: 'okx', connected: false, disconnected_at: '2026-11-30T12:00:00.250Z' }],
    });
  });

  it('answers the status at GET /status, 404 elsewhere, and 500 naming the error when getStatus throws', async () => {
    let fail = false;
    const server = await serveStatus(async () => {
      if (fail) throw new Error('not ready yet');
      return { running: true, fetch_count: 3 };
    });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.address.port}/status`);
      const ok = await fetch(server.url);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ running: true, fetch_count: 3 });
      expect((await fetch(server.url.replace('/status', '/other'))).status).toBe(404);
      fail = true;
      const failed = await fetch(server.url);
      expect(failed.status).toBe(500);
      expect(await failed.json()).toEqual({ error: 'status_failed', message: 'not ready yet' });
    } finally {
      await server.close();
    }
  });

  it('a port already in use rejects with EADDRINUSE', async () => {
    const first = await serveStatus(() => ({ running: true }));
    try {
      await expect(serveStatus(() => ({ running: true }), { port: first.address.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.close();
    }
  });
});
