import { ValidationError } from '@tradewatch/models';
import { BadRequestError, UnsupportedMediaTypeError } from '../errors';
import { checkBodyHeaders, decodeLinePieces, decodeUtf8, parseContentType, parseJsonBody } from './body-policy';

describe('checkBodyHeaders', () => {
  it.each([
    ['json', 'application/json', undefined],
    ['json', 'Application/JSON; charset=UTF-8', 'gzip'],
    ['json', 'application/merge-patch+json', 'identity'],
    ['ilp', undefined, undefined],
    ['ilp', 'text/plain; charset=utf-8', 'gzip'],
  ] as const)('%s reads %s (%s)', (kind, contentType, contentEncoding) => {
    expect(() => checkBodyHeaders(kind, { contentType, contentEncoding })).not.toThrow();
  });

  it.each([
    ['json', undefined, undefined, /Content-Type is missing; send "Content-Type: application\/json"/],
    ['json', 'text/plain', undefined, /"text\/plain" is not read here/],
    ['json', 'application/x-www-form-urlencoded', undefined, /not read here/],
    ['json', 'multipart/form-data; boundary=x', undefined, /not read here/],
    ['ilp', 'application/json', undefined, /line protocol is sent as text\/plain/],
    ['json', 'application/json; charset=latin1', undefined, /charset "latin1" is not supported/],
    ['ilp', 'text/plain; charset=utf-16', undefined, /charset "utf-16"/],
    ['json', 'application/json', 'deflate', /Content-Encoding "deflate" is not supported/],
    ['json', 'application/json', 'br', /"br"/],
    ['ilp', undefined, 'gzip, gzip', /"gzip, gzip"/],
  ] as const)('%s refuses %s (%s) with 415', (kind, contentType, contentEncoding, message) => {
    expect(() => checkBodyHeaders(kind, { contentType, contentEncoding })).toThrow(UnsupportedMediaTypeError);
    expect(() => checkBodyHeaders(kind, { contentType, contentEncoding })).toThrow(message);
  });

  it('parses a quoted charset', () => {
    expect(parseContentType('application/json; charset="utf-8"')).toEqual({ mediaType: 'application/json', charset: 'utf-8' });
  });
});

describe('body decoding', () => {
  it('refuses bytes that are not UTF-8 instead of replacing them', () => {
    expect(() => decodeUtf8(Buffer.from([0x61, 0xff, 0x62]))).toThrow(BadRequestError);
    expect(() => decodeUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toThrow(/not valid UTF-8/); // an encoded lone surrogate
    expect(decodeUtf8(Buffer.from('é€', 'utf8'))).toBe('é€');
  });

  it('decodes ASCII bodies (the fast path) and views into a larger buffer exactly, and strips a UTF-8 byte-order mark', () => {
    const all = Buffer.from(Array.from({ length: 128 }, (_, c) => c));
    expect(decodeUtf8(all)).toBe(String.fromCharCode(...all));
    const big = Buffer.from('xx{"a":"b"}yy');
    expect(decodeUtf8(big.subarray(2, 11))).toBe('{"a":"b"}');
    expect(decodeUtf8(Buffer.from('\ufeff{"a":1}', 'utf8'))).toBe('{"a":1}');
    // One byte beyond ASCII anywhere leaves the fast path, and is then judged as UTF-8.
    expect(() => decodeUtf8(Buffer.concat([Buffer.from('{"a":"'.padEnd(100, 'x')), Buffer.from([0x80]), Buffer.from('"}')]))).toThrow(/not valid UTF-8/);
  });

  it('line protocol: a large ASCII body without backslashes in pieces cut after newlines, any other whole', () => {
    const lines = Array.from({ length: 3_000 }, (_, i) => `pipeline_metrics,host=h${i} records_count=${i}i ${i}\n`).join('');
    const pieces = decodeLinePieces(Buffer.from(lines), 4_096);
    expect(pieces.join('')).toBe(lines);
    expect(pieces.length).toBeGreaterThan(lines.length / 4_096 / 2);
    for (const piece of pieces) expect(piece.endsWith('\n')).toBe(true);
    // Without a final newline, the last piece ends with the last line.
    expect(decodeLinePieces(Buffer.from(lines.trimEnd()), 4_096).join('')).toBe(lines.trimEnd());
    // A backslash may escape a newline, and non-ASCII text is checked as UTF-8 whole: one piece each.
    expect(decodeLinePieces(Buffer.from(`a\\\n${lines}`), 4_096)).toHaveLength(1);
    expect(decodeLinePieces(Buffer.from(`é${lines}`), 4_096)).toEqual([`é${lines}`]);
    expect(() => decodeLinePieces(Buffer.concat([Buffer.from(lines), Buffer.from([0xff])]), 4_096)).toThrow(/not valid UTF-8/);
  });

  it('JSON: empty and malformed bodies are validation errors; huge numbers become Infinity for validation to refuse', () => {
    expect(() => parseJsonBody(undefined)).toThrow(ValidationError);
    expect(() => parseJsonBody(Buffer.from('{"a":'))).toThrow(/malformed JSON/);
    expect(parseJsonBody(Buffer.from('{"a":1e400}'))).toEqual({ a: Infinity });
  });
});
