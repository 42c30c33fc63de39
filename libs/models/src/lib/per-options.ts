import type { ValidationOptions } from './validation-options';

/**
 * Memoizes a builder per ValidationOptions object: a zod schema costs milliseconds to build,
 * so routes build theirs once, not per request.
 */
export function perOptions<T>(build: (options: ValidationOptions) => T): (options: ValidationOptions) => T {
  const cache = new WeakMap<ValidationOptions, T>();
  return (options) => {
    let value = cache.get(options);
    if (value === undefined) {
      value = build(options);
      cache.set(options, value);
    }
    return value;
  };
}
