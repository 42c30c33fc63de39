import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureJar, parseSha1File } from './jar-cache';

/** A stand-in for Maven Central serving one fake jar, whose answers each test can change. */
describe('ensureJar', () => {
  const jar = Buffer.from('PK fake jar '.repeat(1000));
  const sha1 = createHash('sha1').update(jar).digest('hex');
  let server: Server;
  let baseUrl: string;
  let cacheDir: string;
  let requests: string[];
  let jarBody: Buffer;
  let sha1Body: string;
  let jarStatus: number;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/repo/9.9.9/questdb-9.9.9.jar.sha1') {
        res.end(sha1Body);
      } else if (req.url === '/repo/9.9.9/questdb-9.9.9.jar') {
        res.writeHead(jarStatus, { 'content-length': jarBody.length });
        res.end(jarBody);
      } else if (req.url === '/moved/9.9.9/questdb-9.9.9.jar.sha1') {
        res.writeHead(301, { location: '/repo/9.9.9/questdb-9.9.9.jar.sha1' }).end();
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  beforeEach(() => {
    cacheDir = mkdtempSync(join(tmpdir(), 'jar-cache-spec-'));
    requests = [];
    jarBody = jar;
    sha1Body = `${sha1}  questdb-9.9.9.jar\n`;
    jarStatus = 200;
  });
  afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

  const quiet = { write: (): void => undefined };
  const run = (overrides: { baseUrl?: string } = {}): Promise<string> =>
    ensureJar({ version: '9.9.9', cacheDir, baseUrl, stderr: quiet, ...overrides });

  it('downloads, verifies and caches the jar with its SHA-1', async () => {
    const path = await run();
    expect(path).toBe(join(cacheDir, 'questdb-9.9.9.jar'));
    expect(readFileSync(path)).toEqual(jar);
    expect(readFileSync(`${path}.sha1`, 'utf8').trim()).toBe(sha1);
    expect(readdirSync(cacheDir).sort()).toEqual(['questdb-9.9.9.jar', 'questdb-9.9.9.jar.sha1']);
  });

  it('uses the cache without asking the server again', async () => {
    await run();
    requests = [];
    await run();
    expect(requests).toEqual([]);
  });

  it('downloads again when the cached jar no longer matches its SHA-1', async () => {
    const path = await run();
    writeFileSync(path, 'truncated');
    requests = [];
    await run();
    expect(readFileSync(path)).toEqual(jar);
    expect(requests).toContain('/repo/9.9.9/questdb-9.9.9.jar');
  });

  it('checks a hand-copied jar against the published SHA-1 once', async () => {
    writeFileSync(join(cacheDir, 'questdb-9.9.9.jar'), jar);
    await run();
    expect(requests).toEqual(['/repo/9.9.9/questdb-9.9.9.jar.sha1']);
    expect(readFileSync(join(cacheDir, 'questdb-9.9.9.jar.sha1'), 'utf8').trim()).toBe(sha1);
  });

  it('rejects a download whose SHA-1 differs and leaves no file behind', async () => {
    jarBody = Buffer.from('evil'.repeat(3000));
    await expect(run()).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
      message: expect.stringMatching(/^Checksum mismatch for http:.*questdb-9\.9\.9\.jar: SHA-1 [0-9a-f]{40}, expected/),
    });
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('names the HTTP status and URL on failure', async () => {
    jarStatus = 503;
    await expect(run()).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: `HTTP 503 downloading ${baseUrl}/9.9.9/questdb-9.9.9.jar`,
    });
    await expect(run({ baseUrl: `${baseUrl}/missing` })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: `HTTP 404 fetching ${baseUrl}/missing/9.9.9/questdb-9.9.9.jar.sha1`,
    });
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('follows redirects', async () => {
    await expect(
      ensureJar({ version: '9.9.9', cacheDir, baseUrl: baseUrl.replace('/repo', '/moved'), stderr: quiet }),
    ).rejects.toMatchObject({ message: expect.stringContaining('HTTP 404 downloading') });
    // The .sha1 came through the 301; the jar itself is not behind /moved, hence the 404.
    expect(requests).toContain('/repo/9.9.9/questdb-9.9.9.jar.sha1');
  });

  it('reports an unreachable server', async () => {
    await expect(run({ baseUrl: 'http://127.0.0.1:1/repo' })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringMatching(/^Could not fetch http:\/\/127\.0\.0\.1:1\/repo\/9\.9\.9\/questdb-9\.9\.9\.jar\.sha1: .*ECONNREFUSED/),
    });
  });
});

describe('parseSha1File', () => {
  it('accepts a bare hash or a hash followed by the file name', () => {
    expect(parseSha1File('4576DFB8E7F62A01A8E816D3BDF02EA4D39E3E7A\n')).toBe('4576dfb8e7f62a01a8e816d3bdf02ea4d39e3e7a');
    expect(parseSha1File('4576dfb8e7f62a01a8e816d3bdf02ea4d39e3e7a  questdb.jar')).toBe(
      '4576dfb8e7f62a01a8e816d3bdf02ea4d39e3e7a',
    );
    expect(parseSha1File('<html>404</html>')).toBeUndefined();
  });
});
