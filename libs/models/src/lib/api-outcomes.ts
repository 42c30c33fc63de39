/**
 * The outcome of one exchange API call: `ok`, or the ccxt error class it failed with, named by the
 * nearest class of this list on the error's prototype chain (most specific first, as in ccxt's
 * hierarchy), `other` for anything else. Fixed, so the outcome column stays low-cardinality.
 */
export const API_CALL_OUTCOMES = [
  'ok',
  'RateLimitExceeded',
  'DDoSProtection',
  'ExchangeNotAvailable',
  'RequestTimeout',
  'NetworkError',
  'AuthenticationError',
  'PermissionDenied',
  'InsufficientFunds',
  'InvalidOrder',
  'OrderNotFound',
  'BadSymbol',
  'BadRequest',
  'NotSupported',
  'ExchangeError',
  'other',
] as const;
export type ApiCallOutcome = (typeof API_CALL_OUTCOMES)[number];

/** A ccxt unified method name such as `fetchTicker` or `watchTrades`. */
export const API_METHOD_PATTERN = /^[a-zA-Z][a-zA-Z0-9]{0,63}$/;
