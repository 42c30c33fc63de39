import { ValidationError } from '@tradewatch/models';
import { BadRequestError, UnsupportedMediaTypeError } from '../errors';
import { checkBodyHeaders, decodeUtf8, parseContentType, parseJsonBody } from './body-policy';

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

  it('JSON: empty and malformed bodies are validation errors; huge numbers become Infinity for validation to refuse', () => {
    expect(() => parseJsonBody(undefined)).toThrow(ValidationError);
    expect(() => parseJsonBody(Buffer.from('{"a":'))).toThrow(/malformed JSON/);
    expect(parseJsonBody(Buffer.from('{"a":1e400}'))).toEqual({ a: Infinity });
  });
});
