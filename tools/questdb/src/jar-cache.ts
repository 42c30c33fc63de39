import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { DownloadProgress, type ProgressStream } from './download-progress';
import { QuestDbLauncherError } from './errors';
import { getText, openGet } from './http-get';
import { jarCacheDir } from './paths';
import { jarFileName, jarSha1Url, jarUrl, MAVEN_CENTRAL_BASE, QUESTDB_VERSION } from './version';

export interface EnsureJarOptions {
  version?: string;
  /** Directory holding the jar; default `jarCacheDir(env, version)`. */
  cacheDir?: string;
  /** Maven repository folder of org.questdb:questdb; tests point it at a local server. */
  baseUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Progress and notices; default process.stderr. */
  stderr?: ProgressStream;
  /** Per-socket inactivity timeout. */
  timeoutMs?: number;
}

/** A `.sha1` file holds 40 hex digits, sometimes followed by the file name. */
export function parseSha1File(text: string): string | undefined {
  const m = /^\s*([0-9a-fA-F]{40})\b/.exec(text);
  return m ? m[1].toLowerCase() : undefined;
}

async function sha1OfFile(file: string): Promise<string> {
  const hash = createHash('sha1');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

function tempName(file: string): string {
  return `${file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
}

/** Writes then renames, so a reader never sees a half-written file (rename is atomic on one fs). */
async function writeFileAtomic(file: string, content: string): Promise<void> {
  const tmp = tempName(file);
  await writeFile(tmp, content);
  await rename(tmp, file);
}

async function fetchExpectedSha1(url: string, timeoutMs: number): Promise<string> {
  let res;
  try {
    res = await getText(url, { timeoutMs });
  } catch (err) {
    throw new QuestDbLauncherError('DOWNLOAD_FAILED', `Could not fetch ${url}: ${(err as Error).message}`);
  }
  if (res.status !== 200) {
    throw new QuestDbLauncherError('DOWNLOAD_FAILED', `HTTP ${res.status} fetching ${url}`);
  }
  const sha1 = parseSha1File(res.body);
  if (!sha1) {
    throw new QuestDbLauncherError('DOWNLOAD_FAILED', `${url} does not hold a SHA-1: '${res.body.slice(0, 80)}'`);
  }
  return sha1;
}

async function download(
  url: string,
  target: string,
  expectedSha1: string,
  label: string,
  stderr: ProgressStream,
  timeoutMs: number,
): Promise<void> {
  let response;
  try {
    ({ response } = await openGet(url, { timeoutMs }));
  } catch (err) {
    throw new QuestDbLauncherError('DOWNLOAD_FAILED', `Could not download ${url}: ${(err as Error).message}`);
  }
  if (response.statusCode !== 200) {
    response.resume();
    throw new QuestDbLauncherError('DOWNLOAD_FAILED', `HTTP ${response.statusCode} downloading ${url}`);
  }
  const lengthHeader = Number(response.headers['content-length']);
  const total = Number.isFinite(lengthHeader) && lengthHeader > 0 ? lengthHeader : undefined;
  const progress = new DownloadProgress(stderr, label, total);
  const hash = createHash('sha1');
  let received = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      received += chunk.length;
      progress.add(chunk.length);
      done(null, chunk);
    },
  });
  // Unique temp name: two jest processes may download at the same time; each renames its own
  // complete file into place and both produce the same bytes.
  const tmp = tempName(target);
  try {
    await pipeline(response, tap, createWriteStream(tmp));
    if (total !== undefined && received !== total) {
      throw new QuestDbLauncherError(
        'DOWNLOAD_FAILED',
        `Download of ${url} ended after ${received} of ${total} bytes`,
      );
    }
    const actual = hash.digest('hex');
    if (actual !== expectedSha1) {
      throw new QuestDbLauncherError(
        'CHECKSUM_MISMATCH',
        `Checksum mismatch for ${url}: SHA-1 ${actual}, expected ${expectedSha1} (from ${url}.sha1). ` +
          `The download is corrupt or was tampered with; it was discarded.`,
      );
    }
    await rename(tmp, target);
    progress.finish();
  } catch (err) {
    progress.abort();
    await rm(tmp, { force: true });
    if (err instanceof QuestDbLauncherError) throw err;
    throw new QuestDbLauncherError('DOWNLOAD_FAILED', `Download of ${url} failed: ${(err as Error).message}`);
  }
}

/**
 * Returns the path of the pinned QuestDB jar, downloading it into the cache on first use.
 *
 * A cached jar is re-hashed against the SHA-1 stored beside it (about 0.1 s for 30 MB), which
 * catches a truncated or replaced file; one without a stored SHA-1 (copied in by hand) is checked
 * against Maven Central's `.sha1` once.
 */
export async function ensureJar(options: EnsureJarOptions = {}): Promise<string> {
  const version = options.version ?? QUESTDB_VERSION;
  const env = options.env ?? process.env;
  const cacheDir = options.cacheDir ?? jarCacheDir(env, version);
  const baseUrl = options.baseUrl ?? MAVEN_CENTRAL_BASE;
  const stderr = options.stderr ?? process.stderr;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const jarPath = join(cacheDir, jarFileName(version));
  const sha1Path = `${jarPath}.sha1`;
  const url = jarUrl(version, baseUrl);

  await mkdir(cacheDir, { recursive: true });

  if (await exists(jarPath)) {
    const stored = (await exists(sha1Path)) ? parseSha1File(await readFile(sha1Path, 'utf8')) : undefined;
    const expected = stored ?? (await fetchExpectedSha1(jarSha1Url(version, baseUrl), timeoutMs));
    if ((await sha1OfFile(jarPath)) === expected) {
      if (!stored) await writeFileAtomic(sha1Path, `${expected}\n`);
      return jarPath;
    }
    stderr.write(`questdb-launcher: cached ${jarPath} does not match its SHA-1; downloading it again\n`);
    await rm(sha1Path, { force: true });
  }

  const expected = await fetchExpectedSha1(jarSha1Url(version, baseUrl), timeoutMs);
  stderr.write(`questdb-launcher: downloading QuestDB ${version} from ${url}\n`);
  await download(url, jarPath, expected, `QuestDB ${version} jar`, stderr, timeoutMs);
  await writeFileAtomic(sha1Path, `${expected}\n`);
  return jarPath;
}
