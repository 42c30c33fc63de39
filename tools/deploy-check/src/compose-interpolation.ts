/**
 * Docker Compose variable interpolation (compose-spec "Interpolation"): `$VAR`, `${VAR}`,
 * `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`,
 * `${VAR+alt}`, and `$$` for a literal `$`. `docker compose config` does this; the engine-less
 * tests here do it themselves.
 */
const TOKEN = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

export class ComposeVariableError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

export interface VariableUse {
  name: string;
  /** `:-`, `-`, `:?`, `?`, `:+`, `+`, or '' for a plain reference. */
  operator: string;
  argument: string;
}

/** The variables a string refers to, and how. */
export function variableUses(text: string): VariableUse[] {
  return [...text.matchAll(TOKEN)]
    .filter((m) => m[0] !== '$$')
    .map((m) => ({ name: m[1] ?? m[4], operator: m[2] ?? '', argument: m[3] ?? '' }));
}

export function interpolate(text: string, env: ReadonlyMap<string, string>): string {
  return text.replace(TOKEN, (whole, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare) as string;
    const value = env.get(name);
    const set = value !== undefined;
    const nonEmpty = set && value !== '';
    switch (op) {
      case ':-':
        return nonEmpty ? value : interpolate(arg ?? '', env);
      case '-':
        return set ? value : interpolate(arg ?? '', env);
      case ':?':
        if (!nonEmpty) throw new ComposeVariableError(name, `required variable ${name} is missing a value: ${arg}`);
        return value;
      case '?':
        if (!set) throw new ComposeVariableError(name, `required variable ${name} is missing a value: ${arg}`);
        return value;
      case ':+':
        return nonEmpty ? interpolate(arg ?? '', env) : '';
      case '+':
        return set ? interpolate(arg ?? '', env) : '';
      default:
        return value ?? '';
    }
  });
}

/** The document with every string interpolated (keys are left alone, as Compose does). */
export function interpolateDocument<T>(doc: T, env: ReadonlyMap<string, string>): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return interpolate(v, env);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(doc) as T;
}
