import Ajv from 'ajv';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import { z } from 'zod';
import type { Column } from './columns';
import { timestampProblem, type TimestampLimits } from './timestamp-limits';
import type { ValidationOptions } from './validation-options';

/**
 * A validator compiled once: the parsed value (a new object; `input` is never written), or
 * undefined when it is not valid. `nowMs`: the clock, read once per batch.
 */
export type CompiledValidator = (input: unknown, nowMs?: number) => Record<string, unknown> | undefined;

/** What JSON Schema cannot say about a value, checked by the functions zod runs too. */
export interface CompileExtras {
  /** Fields holding ISO timestamps (zod transforms them to epoch µs), with their limits. */
  timestamps: readonly { name: string; limits: TimestampLimits }[];
  /** Cross-field rules (zod's superRefine): `report` marks the value invalid. */
  rules?: (value: Record<string, unknown>, report: () => void) => void;
  /**
   * When given (a row's columns, in registry order): a valid value comes out as a new object with
   * exactly these fields in this order (`undefined` where the input has none), never `input`
   * converted. Why: parsed JSON objects take a hidden class per set of value types (a null here, a
   * string there), and everything downstream that reads the rows (ILP encoding, counter
   * continuity, the gauges, the inventory) went megamorphic on daemon_metrics rows: 0.8 µs per row
   * more than on rows of one shape. Rebuilt, a table's rows have one shape (about 0.1 µs per row).
   */
  fields?: readonly string[];
}

/**
 * The builder of rebuilt values: an object literal of `fields` (literal keys, so every value it
 * makes has the same hidden class), each timestamp field from `ts` (by its index in `timestamps`).
 * Field names come from the registry, never from input.
 */
function valueBuilder(fields: readonly string[], timestamps: readonly { name: string }[]): (value: Record<string, unknown>, ts: readonly unknown[]) => Record<string, unknown> {
  const entries = fields.map((f) => {
    const k = timestamps.findIndex((t) => t.name === f);
    return `${JSON.stringify(f)}: ${k >= 0 ? `ts[${k}]` : `v[${JSON.stringify(f)}]`}`;
  });
  return new Function('v', 'ts', `return { ${entries.join(', ')} };`) as (value: Record<string, unknown>, ts: readonly unknown[]) => Record<string, unknown>;
}

/**
 * Compiles a zod schema's validation once: ajv code generated from the JSON Schema that zod emits
 * (types, ranges, patterns, enums, required and unknown fields, unions), then what JSON Schema
 * cannot say, with the very functions zod runs: timestamps parsed and bounded (timestampProblem)
 * and cross-field rules. zod stays the single definition: a value this refuses is validated by zod
 * again for its messages, so they are zod's, word for word (property tests check both agree).
 */
export function compileValidator(schema: z.ZodType, options: ValidationOptions, extras: CompileExtras): CompiledValidator {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-7' });
  const check = ajv.compile(withFastChecks(mergeExclusions(json)));
  const { rules, fields } = extras;
  // The last answer per column: the rows of a batch mostly share their timestamps.
  const timestamps: TimestampState[] = extras.timestamps.map((t) => ({ ...t, text: '', nowMs: Number.NaN, answer: '' }));
  const build = fields !== undefined ? valueBuilder(fields, timestamps) : copyWithTimestamps(timestamps);
  // The timestamp fields' output values of the value being built (reused: read by `build` only).
  const ts: unknown[] = new Array(timestamps.length);
  let ok = true;
  const report = () => void (ok = false);
  return (input, nowMs = options.now()) => {
    if (!check(input)) return undefined;
    const value = input as Record<string, unknown>;
    if (!parseTimestamps(value, timestamps, nowMs, ts)) return undefined;
    const out = build(value, ts);
    ok = true;
    rules?.(out, report);
    return ok ? out : undefined;
  };
}

type TimestampState = { name: string; limits: TimestampLimits; text: string; nowMs: number; answer: number | string };

/**
 * Each timestamp field's output value into `ts` (parsed µs for ISO text, anything else as it is);
 * false when one is refused. Every one is answered before anything is built.
 */
function parseTimestamps(value: Record<string, unknown>, timestamps: TimestampState[], nowMs: number, ts: unknown[]): boolean {
  for (let k = 0; k < timestamps.length; k++) {
    const t = timestamps[k];
    const v = value[t.name];
    if (typeof v !== 'string') {
      ts[k] = v;
      continue;
    }
    if (v !== t.text || nowMs !== t.nowMs) {
      t.answer = timestampProblem(v, t.limits, nowMs);
      t.text = v;
      t.nowMs = nowMs;
    }
    if (typeof t.answer === 'string') return false;
    ts[k] = t.answer;
  }
  return true;
}

/** Without `fields` (event unions: their fields differ by variant): a copy of the value, its ISO timestamps parsed. */
function copyWithTimestamps(timestamps: readonly { name: string }[]): (value: Record<string, unknown>, ts: readonly unknown[]) => Record<string, unknown> {
  return (value, ts) => {
    const out = { ...value };
    for (let k = 0; k < timestamps.length; k++) if (typeof value[timestamps[k].name] === 'string') out[timestamps[k].name] = ts[k];
    return out;
  };
}

/** `^[^…]*$`: a string without any character of the class. */
const EXCLUSION = /^\^\[\^((?:[^\]\\]|\\.)+)\]\*\$$/;

/**
 * The same JSON Schema with each `allOf` of character exclusions (the NAME_RULES, one pattern per
 * message) merged into one pattern: "none of A" and "none of B" is "none of A or B", so what it
 * accepts is unchanged, with one regular expression run per value instead of four. zod, which
 * words the refusals, keeps the separate patterns.
 */
export function mergeExclusions<S>(schema: S): S {
  if (Array.isArray(schema)) return schema.map(mergeExclusions) as S;
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = mergeExclusions(value);
  const all = out['allOf'];
  if (Array.isArray(all)) {
    const classes = all.map((m: Record<string, unknown>) => (Object.keys(m).every((k) => k === 'type' || k === 'pattern') && m['type'] === 'string' ? EXCLUSION.exec(String(m['pattern']))?.[1] : undefined));
    if (all.length > 1 && classes.every((c) => c !== undefined)) out['allOf'] = [{ type: 'string', pattern: `^[^${classes.join('')}]*$` }];
  }
  return out as S;
}

/** Keywords that stand for JSON Schema's where ajv's code is slow; see `withFastChecks`. */
const LENGTH = 'twLength';
const ONLY = 'twOnlyProperties';

/**
 * Strings whose length in code points (as `minLength`/`maxLength` count them, and zod) is within
 * [min, max]. UTF-16 units bound the code points (n ≥ code points ≥ n/2), so most strings are
 * judged by `length` alone; ajv's own count walks every character of every string, which was
 * half of validating a pipeline_metrics row.
 */
export function lengthWithin(s: string, min: number, max: number): boolean {
  const n = s.length;
  if (n <= max && (n + 1) >> 1 >= min) return true;
  if (n < min) return false;
  const codePoints = ucs2length(s);
  return codePoints >= min && codePoints <= max;
}

/**
 * A function telling whether every key `for…in` finds (as ajv's `additionalProperties: false`
 * walks them) is one of `names`: a `switch` over the names as literals (column names from the
 * registry, never input), which V8 compares by identity, where ajv calls `hasOwnProperty` per key.
 */
export function onlyPropertiesCheck(names: readonly string[]): (data: object) => boolean {
  const cases = names.map((n) => `case ${JSON.stringify(n)}:`).join(' ');
  return new Function('data', `for (const key in data) { switch (key) { ${cases} continue; default: return false; } } return true;`) as (data: object) => boolean;
}

function withFastKeywords(instance: Ajv): Ajv {
  instance.addKeyword({
    keyword: LENGTH,
    type: 'string',
    schemaType: 'array',
    errors: false,
    compile: ([min, max]: [number, number]) => (data: string) => lengthWithin(data, min, max),
  });
  instance.addKeyword({ keyword: ONLY, type: 'object', schemaType: 'array', errors: false, compile: (names: string[]) => onlyPropertiesCheck(names) });
  return instance;
}

/**
 * The same JSON Schema with the checks ajv's code makes slowly stated as this module's keywords,
 * accepting exactly the same values: `minLength`/`maxLength` as one LENGTH (see `lengthWithin`);
 * `additionalProperties: false` beside `properties` (and no `patternProperties`) as ONLY (see
 * `onlyPropertiesCheck`). Together they took validation of a row from about 0.25 to 0.1 µs.
 * Nullable scalars become a type list first (see `nullableAsType`).
 */
export function withFastChecks<S>(schema: S): S {
  if (Array.isArray(schema)) return schema.map(withFastChecks) as S;
  if (schema === null || typeof schema !== 'object') return schema;
  const node = nullableAsType(schema as Record<string, unknown>);
  const properties = node['properties'];
  const only = node['additionalProperties'] === false && typeof properties === 'object' && properties !== null && node['patternProperties'] === undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'minLength' || key === 'maxLength' || (only && key === 'additionalProperties')) continue;
    out[key] = withFastChecks(value);
  }
  if (typeof node['minLength'] === 'number' || typeof node['maxLength'] === 'number') {
    out[LENGTH] = [typeof node['minLength'] === 'number' ? node['minLength'] : 0, typeof node['maxLength'] === 'number' ? node['maxLength'] : Number.MAX_SAFE_INTEGER];
  }
  if (only) out[ONLY] = Object.keys(properties as object);
  return out as S;
}

/** Keywords of a schema `nullableAsType` merges: each applies only to values of its own type (null passes them). */
const TYPE_ONLY_KEYWORDS = new Set(['type', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern']);

/**
 * `anyOf: [S, {type: 'null'}]` (zod's nullable) as S with `type: [S's type, 'null']`, when S has
 * one scalar type and only keywords that apply to that type alone (so null passes them as it
 * passed the second branch), a name pattern in an `allOf` of its own lifted into S. Accepts
 * exactly the same values; why: ajv's anyOf records a failed first branch as an error object
 * and then discards it, an allocation for every null sent (a daemon's `last_error`, a feed's
 * `gap_duration_seconds`).
 */
export function nullableAsType(node: Record<string, unknown>): Record<string, unknown> {
  const branches = node['anyOf'];
  if (Object.keys(node).length !== 1 || !Array.isArray(branches) || branches.length !== 2) return node;
  const nullAt = branches.findIndex((b) => isPlainObject(b) && Object.keys(b).length === 1 && b['type'] === 'null');
  if (nullAt < 0) return node;
  const other = branches[1 - nullAt] as Record<string, unknown>;
  if (!isPlainObject(other) || typeof other['type'] !== 'string' || !['integer', 'number', 'string', 'boolean'].includes(other['type'])) return node;
  const merged: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(other)) {
    if (TYPE_ONLY_KEYWORDS.has(key)) merged[key] = value;
    else if (key === 'allOf' && Array.isArray(value) && value.length === 1 && other['pattern'] === undefined && isPatternOf(value[0], other['type'])) merged['pattern'] = value[0]['pattern'];
    else return node;
  }
  merged['type'] = [other['type'], 'null'];
  return merged;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `{type, pattern}` with the given type: what mergeExclusions leaves of a name's character rules. */
const isPatternOf = (v: unknown, type: unknown): v is { pattern: string } =>
  isPlainObject(v) && Object.keys(v).length === 2 && v['type'] === type && typeof v['pattern'] === 'string';

const ajv = withFastKeywords(new Ajv({ allErrors: false, strict: false }));

interface TableSpecLike {
  name: string;
  retentionDays: number;
  columns: Record<string, Column>;
  columnNames: readonly string[];
  rules?: (row: never, report: (path: never, message: string) => void) => void;
}

/** A table's row validator: its TIMESTAMP columns (the designated one bounded by the TTL) and rules. */
export function compileRowValidator(spec: TableSpecLike, schema: z.ZodType, options: ValidationOptions): CompiledValidator {
  return compileValidator(schema, options, {
    timestamps: spec.columnNames
      .filter((n) => spec.columns[n].type === 'TIMESTAMP')
      .map((n) => ({ name: n, limits: { options, retentionDays: n === 'timestamp' ? spec.retentionDays : undefined, table: spec.name } })),
    rules: spec.rules as CompileExtras['rules'],
    fields: spec.columnNames,
  });
}

const compiledBySchema = new WeakMap<z.ZodType, { validate: CompiledValidator; now: () => number }>();

/** Attaches a compiled validator to a schema (built once with it), for validateEvents to find. */
export function withCompiled<S extends z.ZodType>(schema: S, options: ValidationOptions, extras: CompileExtras): S {
  compiledBySchema.set(schema, { validate: compileValidator(schema, options, extras), now: options.now });
  return schema;
}

/** The compiled validator attached to a schema, with the clock of its options, if any. */
export function compiledFor(schema: z.ZodType): { validate: CompiledValidator; now: () => number } | undefined {
  return compiledBySchema.get(schema);
}
