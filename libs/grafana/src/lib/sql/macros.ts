import { TradewatchError } from '@tradewatch/models';

/**
 * Expands a panel's SQL the way Grafana and the QuestDB plugin do before it reaches QuestDB, so
 * tests, the benchmark and the alert dry run run exactly what Grafana would:
 * 1. frontend: `$__conditionalAll(cond, $var)` becomes `1=1` when `$var` is at "All", empty or
 *    missing (as the plugin does); template variables in Grafana's formats (`${v:sqlstring}`,
 *    `${v:singlequote}`, `${v:csv}`, `${v:raw}`, …, and `${v}` / `$v` as the plugin formats
 *    them) and `$__interval_ms`;
 * 2. plugin backend: `$__timeFilter(col)`, `$__fromTime`, `$__toTime`, `$__sampleByInterval`.
 * Anything `$__…` left over is an error: Grafana would send it to QuestDB verbatim.
 */
export interface MacroContext {
  fromMs: number;
  toMs: number;
  /** The query interval Grafana computed for the panel (see `grafanaInterval`). */
  intervalMs: number;
  /** The selected values of each variable, or `'all'`. */
  variables: Readonly<Record<string, readonly string[] | 'all'>>;
  /** The values "All" stands for, used where a variable is not inside `$__conditionalAll`. */
  allValues?: Readonly<Record<string, readonly string[]>>;
}

export class MacroExpansionError extends TradewatchError {
  readonly code = 'macro_expansion_failed';
}

export function expandMacros(sql: string, ctx: MacroContext): string {
  let out = expandConditionalAll(sql, ctx);
  out = out.replaceAll('$__interval_ms', String(ctx.intervalMs));
  out = out.replace(/\$\{(\w+)(?::(\w+))?\}|\$(?!__)(\w+)/g, (_m, braced: string, format: string | undefined, bare: string) =>
    formatValues(values(braced ?? bare, ctx), format),
  );
  out = replaceCalls(out, '$__timeFilter', (args) => {
    if (args.length !== 1) throw new MacroExpansionError(`$__timeFilter takes 1 argument, got ${args.length}`);
    const col = args[0].trim();
    return `${col} >= ${castMicros(ctx.fromMs)} AND ${col} <= ${castMicros(ctx.toMs)}`;
  });
  out = out
    .replaceAll('$__fromTime', castMicros(ctx.fromMs))
    .replaceAll('$__toTime', castMicros(ctx.toMs))
    .replaceAll('$__sampleByInterval', sampleByInterval(ctx.intervalMs));
  const left = /\$__\w+|\$\{?\w+/.exec(out);
  if (left) throw new MacroExpansionError(`unexpanded macro or variable ${left[0]} in: ${out.slice(0, 200)}`);
  return out;
}

/** The plugin's SampleByInterval: whole days, else whole hours, else seconds, else `T` (ms). */
export function sampleByInterval(intervalMs: number): string {
  const hours = Math.max(Math.trunc(intervalMs / 3_600_000), 0);
  const seconds = Math.max(Math.trunc(intervalMs / 1000), 0);
  if (hours > 0) {
    return hours >= 24 && intervalMs === hours * 3_600_000 ? `${Math.trunc(hours / 24)}d` : `${hours}h`;
  }
  if (seconds > 0) return `${seconds}s`;
  return `${Math.max(Math.trunc(intervalMs), 1)}T`;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A Grafana interval such as `1m` or `30s` in milliseconds. */
export function parseInterval(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new MacroExpansionError(`unsupported interval ${JSON.stringify(text)} (expected e.g. 30s, 1m, 1h)`);
  return Number(m[1]) * UNIT_MS[m[2]];
}

/** Grafana's query interval: range / max data points, at least `minIntervalMs`, rounded to a nice step. */
export function grafanaInterval(rangeMs: number, maxDataPoints = 1000, minIntervalMs = 0): number {
  return roundInterval(Math.max(rangeMs / maxDataPoints, minIntervalMs));
}

// Grafana's rangeutil.roundInterval steps: [upper bound, rounded value] in ms.
const ROUND_STEPS: readonly [number, number][] = [
  [15, 10], [35, 20], [75, 50], [150, 100], [350, 200], [750, 500], [1500, 1000], [3500, 2000],
  [7500, 5000], [12500, 10000], [17500, 15000], [25000, 20000], [45000, 30000], [90000, 60000],
  [210000, 120000], [450000, 300000], [750000, 600000], [1050000, 900000], [1500000, 1200000],
  [2700000, 1800000], [5400000, 3600000], [9000000, 7200000], [16200000, 10800000],
  [32400000, 21600000], [86400000, 43200000], [604800000, 86400000], [1814400000, 604800000],
  [3628800000, 2592000000],
];

export function roundInterval(ms: number): number {
  for (const [limit, value] of ROUND_STEPS) if (ms < limit) return value;
  return 31536000000;
}

const castMicros = (ms: number) => `cast(${Math.round(ms * 1000)} as timestamp)`;

function values(name: string, ctx: MacroContext): readonly string[] {
  const selected = Object.hasOwn(ctx.variables, name) ? ctx.variables[name] : undefined;
  if (selected === undefined) throw new MacroExpansionError(`variable $${name} has no value`);
  if (selected !== 'all') return selected;
  const all = ctx.allValues && Object.hasOwn(ctx.allValues, name) ? ctx.allValues[name] : undefined;
  if (!all) throw new MacroExpansionError(`variable $${name} is at All outside $__conditionalAll and no values are known`);
  return all;
}

/** A SQL string literal with quotes doubled, which QuestDB parses. */
const sqlString = (v: string) => `'${v.replace(/'/g, "''")}'`;

/** Grafana's variable formats (public/app/features/templating/formatRegistry). */
const FORMATS: ReadonlyMap<string, (vals: readonly string[]) => string> = new Map([
  ['sqlstring', (vals) => vals.map(sqlString).join(',')],
  // Escapes a quote as \', which QuestDB rejects: kept only so that tests can show it.
  ['singlequote', (vals) => vals.map((v) => `'${v.replace(/'/g, "\\'")}'`).join(',')],
  ['doublequote', (vals) => vals.map((v) => `"${v.replace(/"/g, '\\"')}"`).join(',')],
  ['csv', (vals) => vals.join(',')],
  ['raw', (vals) => vals.join(',')],
  ['pipe', (vals) => vals.join('|')],
]);

function formatValues(vals: readonly string[], format: string | undefined): string {
  // No format: the plugin's interpolateVariable quotes each of several values (as sqlstring);
  // a single value is inserted raw.
  if (format === undefined) return vals.length === 1 ? vals[0] : vals.map(sqlString).join(',');
  const f = FORMATS.get(format);
  if (!f) throw new MacroExpansionError(`unsupported variable format :${format}`);
  return f(vals);
}

function expandConditionalAll(sql: string, ctx: MacroContext): string {
  return replaceCalls(sql, '$__conditionalAll', (args) => {
    if (args.length !== 2) throw new MacroExpansionError(`$__conditionalAll takes 2 arguments, got ${args.length}`);
    const variable = /\$\{?(\w+)/.exec(args[1])?.[1];
    if (!variable) throw new MacroExpansionError(`$__conditionalAll: second argument must be a variable, got ${args[1]}`);
    // The plugin treats All, an empty selection and an unknown variable alike: no filter.
    const selected = Object.hasOwn(ctx.variables, variable) ? ctx.variables[variable] : undefined;
    return selected === undefined || selected === 'all' || selected.length === 0 ? '1=1' : args[0].trim();
  });
}

/** Replaces every `name(args…)`, splitting arguments on top-level commas. */
function replaceCalls(sql: string, name: string, replace: (args: string[]) => string): string {
  let out = sql;
  for (let at = out.indexOf(`${name}(`); at !== -1; at = out.indexOf(`${name}(`)) {
    const open = at + name.length;
    const args: string[] = [];
    let depth = 0;
    let start = open + 1;
    let end = -1;
    for (let i = open; i < out.length && end === -1; i++) {
      const ch = out[i];
      if (ch === '(') depth++;
      else if (ch === ')' && --depth === 0) end = i;
      else if (ch === ',' && depth === 1) {
        args.push(out.slice(start, i));
        start = i + 1;
      }
    }
    if (end === -1) throw new MacroExpansionError(`unbalanced parentheses after ${name}`);
    args.push(out.slice(start, end));
    out = out.slice(0, at) + replace(args) + out.slice(end + 1);
  }
  return out;
}
