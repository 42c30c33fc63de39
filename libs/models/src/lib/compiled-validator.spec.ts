import fc from 'fast-check';
import type { z } from 'zod';
import { fetchEventSchema, tradingEventSchema, validateEvents } from './events';
import { ValidationError } from './errors';
import { TABLE_NAMES, tableDef, type TableName } from './registry';
import { rowRangeIssues } from './row-ranges';
import { formatIsoMicros } from './timestamp';
import { toFieldIssues, validateRows } from './validate';
import { DEFAULT_VALIDATION_OPTIONS, type ValidationOptions } from './validation-options';
import { lengthWithin, mergeExclusions, nullableAsType, onlyPropertiesCheck, withFastChecks } from './compiled-validator';
import { NAME_RULES, type Column } from './columns';


const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const DAY = 86_400_000;
const options: ValidationOptions = { ...DEFAULT_VALIDATION_OPTIONS, now: () => NOW };

/** Values near every rule's edges, valid and invalid, per column type. */
function valueFor(c: Column, name: string): fc.Arbitrary<unknown> {
  const odd = fc.constantFrom<unknown>(undefined, null, '', 'x', -1, 0.5, true, {}, [], Number.MAX_SAFE_INTEGER + 2);
  switch (c.type) {
    case 'TIMESTAMP':
      return fc.oneof(
        fc.integer({ min: -2 * DAY, max: 10_000 }).map((ms) => formatIsoMicros((NOW + ms) * 1000)),
        fc.integer({ min: -400 * DAY, max: 0 }).map((ms) => formatIsoMicros((NOW + ms) * 1000)),
        fc.constantFrom('1970-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '0099-01-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-11-22T11:00:00+01:00', 'yesterday'),
        odd,
      );
    case 'SYMBOL':
    case 'VARCHAR':
      return fc.oneof(
        fc.constantFrom('binance', 'okx', 'prod', 'dev', 'oi', 'trades', 'ok', 'fetchTicker', 'BTC/USDT:USDT', 'constructor', '__proto__'),
        fc.string({ unit: 'binary', maxLength: 8 }),
        fc.string({ unit: 'grapheme', minLength: 250, maxLength: 260 }),
        fc.constantFrom('a\u200bb', '\ufeffx', 'x\ud800', 'x\ufffd', 'a\nb', '😀'.repeat(130)),
        // Either side of the names' 255 and the texts' limits, in units and in code points.
        fc.constantFrom(255, 256, 511, 512, 1_024, 1_025, 4_096, 4_097).chain((n) => fc.constantFrom('a'.repeat(n), `${'😀'.repeat(n - 1)}`, `${'a'.repeat(n - 2)}😀`, `${'a'.repeat(n - 1)}\ud800`)),
        odd,
      );
    case 'LONG':
    case 'DOUBLE':
      return fc.oneof(fc.integer({ min: -5, max: 20_000 }), fc.double({ noNaN: false }), fc.constantFrom(0, 1, 100, 6400, 6400.5, 10_000, 10_000.5, Number.MAX_VALUE), odd);
    case 'BOOLEAN':
      return fc.oneof(fc.boolean(), odd);
  }
  throw new Error(`no arbitrary for ${name}`);
}

/** Rows of a table: each column present or left out, plus sometimes an unknown field. */
function rowOf(table: TableName): fc.Arbitrary<Record<string, unknown>> {
  const def = tableDef(table);
  const fields = Object.fromEntries(def.columnNames.map((n) => [n, valueFor(def.columns[n], n)]));
  return fc
    .tuple(fc.record(fields, { requiredKeys: [] }), fc.option(fc.constantFrom('colour', '__proto__', 'constructor'), { nil: undefined }))
    .map(([row, extra]) => {
      const copy = JSON.parse(JSON.stringify(row)) as Record<string, unknown>;
      if (extra) Object.defineProperty(copy, extra, { value: 1, enumerable: true, configurable: true, writable: true });
      return copy;
    });
}

/** Biased to valid rows: a valid base with one column replaced. */
function nearValidRow(table: TableName): fc.Arbitrary<Record<string, unknown>> {
  const base: Record<TableName, Record<string, unknown>> = {
    daemon_metrics: { timestamp: formatIsoMicros((NOW - 1000) * 1000), host: 'h', env: 'prod', running: true, fetch_count: 3, uptime_seconds: 5 },
    exchange_status: { timestamp: formatIsoMicros((NOW - 1000) * 1000), exchange: 'okx', host: 'h', env: 'dev', connected: true },
    exchange_api_calls: { timestamp: formatIsoMicros((NOW - 1000) * 1000), exchange: 'okx', method: 'fetchTicker', outcome: 'ok', host: 'h', env: 'dev', calls: 1 },
    pipeline_metrics: { timestamp: formatIsoMicros((NOW - 1000) * 1000), exchange: 'okx', symbol: 'X', data_type: 'oi', host: 'h', env: 'dev', gap_detected: false },
    trading_metrics: { timestamp: formatIsoMicros((NOW - 1000) * 1000), strategy: 's', symbol: 'X', venue: 'v', env: 'prod', orders_placed: 4, orders_filled: 2 },
    collector_heartbeat: { timestamp: formatIsoMicros((NOW - 1000) * 1000), collector: 'c', env: 'prod' },
  } as Record<TableName, Record<string, unknown>>;
  const def = tableDef(table);
  return fc
    .constantFrom(...def.columnNames)
    .chain((n) => valueFor(def.columns[n], n).map((v) => ({ ...(base[table] ?? {}), [n]: v })))
    .map((row) => JSON.parse(JSON.stringify(row)) as Record<string, unknown>);
}

/** zod alone, as validation was before the compiled validator. */
function zodOnly(table: TableName, item: unknown) {
  const parsed = tableDef(table).schema(options).safeParse(item);
  return parsed.success ? { row: parsed.data } : { issues: toFieldIssues(0, parsed.error, item) };
}

function viaValidateRows(table: TableName, item: unknown) {
  try {
    return { row: validateRows(table, [item], options)[0] };
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return { issues: e.issues };
  }
}

describe('compiled validation against zod (property tests)', () => {
  it.each(TABLE_NAMES)('%s: same acceptance, same parsed row, same issues word for word', (table) => {
    fc.assert(
      fc.property(fc.oneof(rowOf(table), nearValidRow(table)), (item) => {
        expect(viaValidateRows(table, item)).toEqual(zodOnly(table, item));
        // The compiled validator never accepts what zod refuses (issues would otherwise differ above only by luck).
        const compiled = tableDef(table).compiled(options)(item);
        if (compiled) expect(zodOnly(table, item)).toEqual({ row: compiled });
      }),
      { numRuns: 400 },
    );
  });

  it.each(TABLE_NAMES)('%s: every accepted row holds only finite, in-range values and a designated timestamp inside the TTL', (table) => {
    const def = tableDef(table);
    fc.assert(
      fc.property(nearValidRow(table), (item) => {
        const result = viaValidateRows(table, item);
        if (!('row' in result) || !result.row) return;
        expect(rowRangeIssues(table, [result.row])).toEqual([]);
        const ts = (result.row as { timestamp: number }).timestamp;
        expect(ts).toBeGreaterThanOrEqual((NOW - def.retentionDays * DAY) * 1000);
        expect(ts).toBeLessThanOrEqual((NOW + options.maxFutureSkewMs) * 1000);
      }),
      { numRuns: 300 },
    );
  });
});

describe('validated rows are new objects of one shape per table', () => {
  /** validateRows: what it answers, and what became of the items. */
  const validated = (table: TableName, items: Record<string, unknown>[]) => {
    try {
      return { rows: validateRows(table, items, options) };
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return { issues: e.issues };
    }
  };

  it.each(TABLE_NAMES)('%s: every valid row has every column in registry order, the items are never written (property)', (table) => {
    const columns = tableDef(table).columnNames;
    fc.assert(
      fc.property(fc.array(fc.oneof(rowOf(table), nearValidRow(table), nearValidRow(table)), { minLength: 1, maxLength: 4 }), (items) => {
        const before = JSON.parse(JSON.stringify(items)) as Record<string, unknown>[];
        const got = validated(table, items);
        expect(items).toEqual(before);
        if (!('rows' in got) || got.rows === undefined) return;
        for (const [i, row] of got.rows.entries()) {
          expect(row).not.toBe(items[i]);
          expect(Object.keys(row)).toEqual(columns);
          // Nothing but the table's columns, and each as sent or as parsed (timestamps to µs).
          for (const c of columns) if (typeof items[i][c] !== 'string' || tableDef(table).columns[c].type !== 'TIMESTAMP') expect((row as Record<string, unknown>)[c]).toBe(items[i][c]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a row refused by a cross-field rule after its timestamps were parsed is refused with its issue, the item as it came', () => {
    const item = { timestamp: formatIsoMicros((NOW - 1000) * 1000), strategy: 's', symbol: 'X', venue: 'v', env: 'prod', orders_placed: 1, orders_filled: 2 };
    const sent = { ...item };
    expect(validated('trading_metrics', [item])).toEqual({ issues: [expect.objectContaining({ path: 'orders_filled' })] });
    expect(item).toEqual(sent);
  });
});

describe('compiled event validation against zod (property tests)', () => {
  const ts = formatIsoMicros((NOW - 1000) * 1000);
  const pos = { strategy: 's', symbol: 'BTC', venue: 'okx', env: 'prod' };
  const streams: [string, z.ZodType, Record<string, unknown>[]][] = [
    ['fetch', fetchEventSchema(options), [{ host: 'h', env: 'prod', exchange: 'okx', symbol: 'X', data_type: 'oi', records: 1, bytes: 2, latency_ms: 3, data_timestamp: ts }]],
    [
      'trading',
      tradingEventSchema(options),
      [
        { type: 'order_placed', ...pos, side: 'buy', quantity: 1 },
        { type: 'order_filled', ...pos, side: 'sell', quantity: 1, price: 2, fee: 0.1, timestamp: ts },
        { type: 'mark', symbol: 'BTC', venue: 'okx', price: 3 },
        { type: 'position', ...pos, size: -1, avg_price: 4 },
      ],
    ],
  ];
  const value = fc.oneof(
    valueFor({ type: 'TIMESTAMP' } as Column, 't'),
    valueFor({ type: 'SYMBOL' } as Column, 's'),
    valueFor({ type: 'DOUBLE' } as Column, 'd'),
    fc.constantFrom<unknown>('buy', 'sell', 'mark', 'position', 'order_filled', 'cancel'),
  );
  const field = fc.constantFrom('timestamp', 'data_timestamp', 'host', 'env', 'exchange', 'symbol', 'data_type', 'records', 'bytes', 'latency_ms', 'type', 'strategy', 'venue', 'side', 'quantity', 'price', 'fee', 'size', 'avg_price', 'order_id', 'colour');

  it.each(streams)('%s events: same acceptance, same parsed event, same issues word for word', (stream, schema, bases) => {
    fc.assert(
      fc.property(fc.constantFrom(...bases), fc.array(fc.tuple(field, value), { maxLength: 3 }), (base, changes) => {
        const event = JSON.parse(JSON.stringify({ ...base, ...Object.fromEntries(changes) })) as unknown;
        let viaCompiled: unknown;
        try {
          viaCompiled = { events: validateEvents(stream, schema, [event]) };
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
          viaCompiled = { issues: e.issues };
        }
        const parsed = schema.safeParse(event);
        expect(viaCompiled).toEqual(parsed.success ? { events: [parsed.data] } : { issues: toFieldIssues(0, parsed.error, event) });
      }),
      { numRuns: 1500 },
    );
  });
});

describe('compiled validation of timestamps shared by many rows', () => {
  it('remembers the last answer per column for the same text at the same clock only', () => {
    const validate = tableDef('exchange_status').compiled(options);
    const at = formatIsoMicros((NOW + 1000) * 1000);
    const row = (last_message_at: string) => ({ timestamp: at, exchange: 'okx', host: 'h', env: 'prod', connected: true, last_message_at });
    expect(validate(row(at), NOW)).toMatchObject({ timestamp: (NOW + 1000) * 1000, last_message_at: (NOW + 1000) * 1000 });
    // The same text is in the future once the clock is earlier: answered again, not from memory.
    expect(validate(row(at), NOW - options.maxFutureSkewMs - 1)).toBeUndefined();
    expect(validate(row(at), NOW)).toBeDefined();
    // Another text of the same clock: its own answer.
    expect(validate(row('yesterday'), NOW)).toBeUndefined();
    expect(validate(row(formatIsoMicros(NOW * 1000)), NOW)).toMatchObject({ last_message_at: NOW * 1000 });
  });
});

describe('merged name patterns', () => {
  it('one pattern per name in what ajv runs, the four exclusions still apart for zod', () => {
    const json = { type: 'object', properties: { host: { type: 'string', allOf: NAME_RULES.map(([p]) => ({ type: 'string', pattern: p.source })) } } };
    const merged = mergeExclusions(json);
    expect(merged.properties.host.allOf).toEqual([{ type: 'string', pattern: '^[^\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}\\uFFFD]*$' }]);
    // Anything else is left as it is.
    const other = { allOf: [{ type: 'string', pattern: '^[a-z]+$' }, { type: 'string', pattern: '^[^x]*$' }], anyOf: [{ type: 'null' }] };
    expect(mergeExclusions(other)).toEqual(other);
  });

  it('the compiled validator accepts a host name exactly when zod does, for every BMP code point and some beyond', () => {
    const schema = tableDef('daemon_metrics').schema(DEFAULT_VALIDATION_OPTIONS);
    const compiled = tableDef('daemon_metrics').compiled(DEFAULT_VALIDATION_OPTIONS);
    const row = (host: string) => ({ timestamp: formatIsoMicros(Date.now() * 1000), host, env: 'prod', running: true });
    const differ: number[] = [];
    const chars = [...Array.from({ length: 0x10000 }, (_, c) => String.fromCharCode(c)), '\u{1F600}', '\u{E0001}', '\u{F0000}', '\u{10FFFD}'];
    for (const ch of chars) {
      const host = `a${ch}b`;
      if ((compiled(row(host)) !== undefined) !== schema.safeParse(row(host)).success) differ.push(ch.codePointAt(0) ?? -1);
    }
    expect(differ).toEqual([]);
  });
});

describe('fast checks', () => {
  /** Code points as minLength/maxLength count them: a surrogate pair is one, a lone surrogate one. */
  const codePoints = (s: string) => Array.from(s).length;

  it('lengthWithin agrees with counting code points, around every bound, surrogates included', () => {
    const pieces = ['a', '😀', '\ud800', '\udc00', 'é'];
    const strings: string[] = [''];
    // Every string of up to 5 pieces: lengths 0–10 units, 0–5 code points, pairs split or not.
    for (let len = 1; len <= 5; len++) for (const prefix of strings.filter((s) => codePoints(s) === len - 1 || s.length === len - 1)) for (const p of pieces) strings.push(prefix + p);
    const wrong: string[] = [];
    for (const s of new Set(strings)) {
      for (let min = 0; min <= 6; min++) for (let max = min; max <= 7; max++) {
        const expected = codePoints(s) >= min && codePoints(s) <= max;
        if (lengthWithin(s, min, max) !== expected) wrong.push(`${JSON.stringify(s)} [${min}, ${max}]`);
      }
    }
    expect(wrong).toEqual([]);
    expect(strings.length).toBeGreaterThan(1_000);
  });

  it('onlyPropertiesCheck refuses any key but the named ones, as for…in finds them', () => {
    const only = onlyPropertiesCheck(['host', 'env']);
    expect(only({})).toBe(true);
    expect(only({ host: 'a', env: 'prod' })).toBe(true);
    expect(only({ host: 'a', colour: 1 })).toBe(false);
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const o = { host: 'a' };
      Object.defineProperty(o, name, { value: 1, enumerable: true });
      expect(only(o)).toBe(false);
    }
    // Inherited enumerable keys count, as in ajv's `additionalProperties: false`.
    expect(only(Object.create({ colour: 1 }))).toBe(false);
    // A name is a literal of the generated code, never code.
    expect(onlyPropertiesCheck(['a"; return true; "'])({ b: 1 })).toBe(false);
  });

  it('withFastChecks replaces only what it stands for', () => {
    const schema = {
      type: 'object',
      properties: { host: { type: 'string', minLength: 1, maxLength: 255 }, note: { type: 'string', maxLength: 10 }, code: { type: 'string', minLength: 2 } },
      required: ['host'],
      additionalProperties: false,
      anyOf: [{ type: 'object', properties: { a: {} }, patternProperties: { '^x': {} }, additionalProperties: false }],
    };
    expect(withFastChecks(schema)).toEqual({
      type: 'object',
      properties: { host: { type: 'string', twLength: [1, 255] }, note: { type: 'string', twLength: [0, 10] }, code: { type: 'string', twLength: [2, Number.MAX_SAFE_INTEGER] } },
      required: ['host'],
      twOnlyProperties: ['host', 'note', 'code'],
      anyOf: [{ type: 'object', properties: { a: {} }, patternProperties: { '^x': {} }, additionalProperties: false }],
    });
  });

  it('nullableAsType merges a nullable scalar into one type list, and leaves anything else as it is', () => {
    const nullable = (s: object, nullFirst = false) => ({ anyOf: nullFirst ? [{ type: 'null' }, s] : [s, { type: 'null' }] });
    expect(nullableAsType(nullable({ type: 'integer', minimum: 0, maximum: 9 }))).toEqual({ type: ['integer', 'null'], minimum: 0, maximum: 9 });
    expect(nullableAsType(nullable({ type: 'number', exclusiveMinimum: 0 }, true))).toEqual({ type: ['number', 'null'], exclusiveMinimum: 0 });
    // A name's merged character rules (one allOf of one pattern) become the string's own pattern.
    expect(nullableAsType(nullable({ type: 'string', maxLength: 9, allOf: [{ type: 'string', pattern: '^[^a]*$' }] }))).toEqual({ type: ['string', 'null'], maxLength: 9, pattern: '^[^a]*$' });
    const untouched = [
      nullable({ type: 'string', pattern: '^b', allOf: [{ type: 'string', pattern: '^[^a]*$' }] }),
      nullable({ type: 'string', allOf: [{ type: 'string', pattern: '^x' }, { type: 'string', pattern: '^y' }] }),
      nullable({ type: 'string', enum: ['a'] }),
      nullable({ type: ['string', 'number'] }),
      nullable({ type: 'object' }),
      nullable({ minimum: 0 }),
      { ...nullable({ type: 'integer' }), description: 'x' },
      { anyOf: [{ type: 'integer' }, { type: 'string' }] },
      { anyOf: [{ type: 'integer' }, { type: 'null' }, { type: 'string' }] },
    ];
    for (const node of untouched) expect(nullableAsType(node)).toBe(node);
  });
});
