import { isAscii } from 'node:buffer';
import { ValidationError } from '@tradewatch/models';
import { BadRequestError, UnsupportedMediaTypeError } from '../errors';
import { DEFAULT_PIECE_BYTES, parseJsonArrayInPieces } from './json-pieces';

/** What a route reads as its body: JSON (`/v1/*`) or InfluxDB line protocol (`/write`). */
export type BodyKind = 'json' | 'ilp';

/** The only content codings read; anything else (deflate, br, zstd, chains) is a 415. */
export const CONTENT_ENCODINGS = ['identity', 'gzip'] as const;

export interface BodyHeaders {
  contentType?: string;
  contentEncoding?: string;
}

/** `type/subtype` and the charset of a Content-Type header, lower-cased; undefined when absent. */
export function parseContentType(header: string | undefined): { mediaType: string; charset?: string } | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const [type, ...params] = header.split(';');
  let charset: string | undefined;
  for (const p of params) {
    const m = /^\s*charset\s*=\s*"?([^";\s]*)"?\s*$/i.exec(p);
    if (m) charset = m[1].toLowerCase();
  }
  return { mediaType: type.trim().toLowerCase(), charset };
}

const isJsonMediaType = (t: string) => t === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(t);

/**
 * Refuses, before a byte of the body is read, what a route does not read: only JSON media types
 * on JSON routes (a form post or `text/plain` is what a web page can send cross-site without a
 * CORS preflight), only `text/plain` (or no type, as the QuestDB clients send) on line-protocol
 * routes, only UTF-8, only identity or gzip. Throws UnsupportedMediaTypeError (415).
 */
export function checkBodyHeaders(kind: BodyKind, headers: BodyHeaders): void {
  const encoding = (headers.contentEncoding ?? 'identity').trim().toLowerCase() || 'identity';
  if (!(CONTENT_ENCODINGS as readonly string[]).includes(encoding)) {
    throw new UnsupportedMediaTypeError(`Content-Encoding "${encoding}" is not supported; send the body uncompressed or gzip-compressed`);
  }
  const type = parseContentType(headers.contentType);
  if (kind === 'json') {
    if (type === undefined) throw new UnsupportedMediaTypeError('Content-Type is missing; send "Content-Type: application/json"');
    if (!isJsonMediaType(type.mediaType)) {
      throw new UnsupportedMediaTypeError(`Content-Type "${type.mediaType}" is not read here; send "Content-Type: application/json"`);
    }
  } else if (type !== undefined && type.mediaType !== 'text/plain') {
    throw new UnsupportedMediaTypeError(`Content-Type "${type.mediaType}" is not read here; line protocol is sent as text/plain (or without a Content-Type)`);
  }
  if (type?.charset !== undefined && type.charset !== 'utf-8' && type.charset !== 'utf8') {
    throw new UnsupportedMediaTypeError(`charset "${type.charset}" is not supported; send UTF-8`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes a body as strict UTF-8: bytes that are not UTF-8 are refused, never replaced by U+FFFD. */
export function decodeUtf8(body: Uint8Array): string {
  // Most bodies are ASCII: checked with SIMD and copied into a one-byte string, several times
  // cheaper than the fatal decoder (and ASCII holds no byte-order mark to strip).
  if (isAscii(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  try {
    return utf8.decode(body);
  } catch {
    throw new BadRequestError('the request body is not valid UTF-8');
  }
}

/**
 * A line-protocol body as text in pieces of about `pieceBytes`, each ending with a line (cut
 * after a newline), for `readIlp`: for the same reason as JSON bodies (json-pieces.ts), no
 * string over 128 KiB. Only an ASCII body without a backslash is cut (there every newline ends a
 * line); any other is one piece, decoded as strict UTF-8.
 */
export function decodeLinePieces(body: Uint8Array, pieceBytes = DEFAULT_PIECE_BYTES): string[] {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (bytes.length <= pieceBytes || !isAscii(bytes) || bytes.includes(BACKSLASH)) return [decodeUtf8(bytes)];
  const pieces: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    const newline = start + pieceBytes < bytes.length ? bytes.indexOf(NEWLINE, start + pieceBytes) : -1;
    const end = newline < 0 ? bytes.length : newline + 1;
    pieces.push(bytes.toString('latin1', start, end));
    start = end;
  }
  return pieces;
}

const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/**
 * Parses a JSON request body (strict UTF-8); a large array in pieces (see json-pieces.ts). Numbers too large for a double (`1e400`) become
 * Infinity in JSON.parse; validation refuses them like any out-of-range value.
 */
export function parseJsonBody(body: Uint8Array | undefined): unknown {
  if (body === undefined || body.length === 0) {
    throw new ValidationError('request', [{ row: 0, path: '', message: 'request body must be JSON (one row or an array of rows)' }]);
  }
  const inPieces = parseJsonArrayInPieces(body, decodeUtf8);
  if (inPieces !== undefined) return inPieces;
  const text = decodeUtf8(body);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError('request', [{ row: 0, path: '', message: `malformed JSON: ${(error as Error).message}` }]);
  }
}
