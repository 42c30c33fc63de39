import { UnauthorizedError } from '../errors';
import { TokenAuth, isLoopback } from './token-auth';

describe('TokenAuth', () => {
  const auth = new TokenAuth(['first-token-0123456789', 'second-token-0123456789']);

  it('accepts any configured token', () => {
    expect(() => auth.check('Bearer first-token-0123456789')).not.toThrow();
    expect(() => auth.check('bearer second-token-0123456789')).not.toThrow();
    expect(() => auth.check('Token second-token-0123456789')).not.toThrow(); // InfluxDB v2 clients (Telegraf)
  });

  it.each([
    [undefined, /missing bearer token/],
    ['', /missing bearer token/],
    ['Basic Zm9vOmJhcg==', /missing bearer token/],
    ['Bearer first-token-012345678', /invalid bearer token/], // one character short
    ['Bearer first-token-0123456789x', /invalid bearer token/],
  ])('refuses %p', (header, message) => {
    expect(() => auth.check(header)).toThrow(UnauthorizedError);
    expect(() => auth.check(header)).toThrow(message);
  });

  it('is open when no token is configured', () => {
    expect(new TokenAuth([]).enabled).toBe(false);
    expect(() => new TokenAuth([]).check(undefined)).not.toThrow();
  });
});

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])('%s is loopback', (b) => expect(isLoopback(b)).toBe(true));
  it.each(['0.0.0.0', '::', '10.0.0.5', '128.0.0.1', 'example.com'])('%s is not', (b) => expect(isLoopback(b)).toBe(false));
});
