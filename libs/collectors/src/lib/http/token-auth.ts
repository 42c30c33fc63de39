import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../errors';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Bearer-token check for the ingest API. Tokens are compared as SHA-256 digests with
 * `timingSafeEqual` (equal lengths by construction), and every configured token is compared, so
 * the time taken says nothing about how much of a token matched or which one.
 */
export class TokenAuth {
  private readonly digests: Buffer[];

  constructor(tokens: readonly string[]) {
    this.digests = tokens.map(digest);
  }

  /** Without tokens the API is open; allowed only on loopback (the app refuses otherwise). */
  get enabled(): boolean {
    return this.digests.length > 0;
  }

  /** Throws UnauthorizedError unless the `Authorization` header carries a configured token (`Bearer <t>`, or `Token <t>`). */
  check(header: string | undefined): void {
    if (!this.enabled) return;
    // `Token` is how InfluxDB v2 clients (Telegraf) send the same thing to /api/v2/write.
    const match = /^(?:Bearer|Token)\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match) throw new UnauthorizedError('missing bearer token: send "Authorization: Bearer <token>"');
    const given = digest(match[1]);
    let ok = false;
    for (const d of this.digests) ok = timingSafeEqual(d, given) || ok;
    if (!ok) throw new UnauthorizedError('invalid bearer token');
  }
}

/** Whether a bind address only accepts connections from this machine. */
export function isLoopback(bind: string): boolean {
  const b = bind.replace(/^\[|\]$/g, '').toLowerCase();
  return b === 'localhost' || b === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(b) || b === '::ffff:127.0.0.1';
}
