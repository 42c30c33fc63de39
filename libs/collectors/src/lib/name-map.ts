import { z } from 'zod';

/**
 * A config object keyed by user-chosen names (strategies, …) read into a Map, so that a name such
 * as `constructor`, `toString` or `__proto__` is a name like any other: z.record drops `__proto__`
 * and a plain object answers built-ins for names it does not hold. Issues name the key.
 */
export function nameMap<V extends z.ZodType>(value: V) {
  return z.unknown().transform((input, ctx) => {
    const map = new Map<string, z.output<V>>();
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      ctx.addIssue({ code: 'custom', message: 'must be a mapping of names to values' });
      return z.NEVER;
    }
    for (const [key, raw] of Object.entries(input)) {
      const parsed = value.safeParse(raw);
      if (parsed.success) map.set(key, parsed.data);
      else for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [key, ...issue.path] });
    }
    return map as ReadonlyMap<string, z.output<V>>;
  });
}
