import { API_CALL_OUTCOMES, type ApiCallOutcome } from '@tradewatch/models';

const ERROR_CLASSES: ReadonlySet<string> = new Set(API_CALL_OUTCOMES.filter((o) => o !== 'ok' && o !== 'other'));

/**
 * The outcome of a failed call: the nearest class on the error's prototype chain that the contract
 * lists (ccxt's hierarchy: e.g. OnMaintenance → ExchangeNotAvailable, OrderNotFound → InvalidOrder),
 * `other` for anything else. Matched by class name, so ccxt need not be loaded here.
 */
export function ccxtOutcome(error: unknown): ApiCallOutcome {
  if (typeof error !== 'object' || error === null) return 'other';
  for (let proto = Object.getPrototypeOf(error); proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const name: unknown = Object.prototype.hasOwnProperty.call(proto, 'constructor') ? (proto.constructor as { name?: unknown }).name : undefined;
    if (typeof name === 'string' && ERROR_CLASSES.has(name)) return name as ApiCallOutcome;
  }
  return 'other';
}
