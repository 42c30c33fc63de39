import { RETENTION_MARGIN_MICROS, TABLES, TABLE_NAMES, type TableName, type ValidationOptions } from '@tradewatch/models';
import { ILP_TABLES } from './ingest-service';

type JsonSchema = Record<string, unknown>;

/**
 * The grammar of an accepted timestamp (what `parseIsoMicros` reads): UTC only, `T` or a space,
 * up to nine fraction digits (kept to the microsecond), `Z` or a zero offset.
 */
export const ISO_UTC_PATTERN = '^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]00:?00)$';

/** Cross-field rules of each table, as the OpenAPI document states them (tested against the validation). */
export const CROSS_FIELD_RULES: Partial<Record<TableName, readonly string[]>> = {
  daemon_metrics: ['last_error_at must not be later than timestamp', 'fetch_count, error_count and liquidation_count never go down for a (host, env) unless uptime_seconds went down (a restart)'],
  exchange_status: ['last_message_at and disconnected_at must not be later than timestamp', 'disconnected_at must be null while connected'],
  pipeline_metrics: ['gap_duration_seconds is only allowed when gap_detected is true'],
  trading_metrics: ['orders_filled must not exceed orders_placed', 'fill_rate, when given with orders_placed and orders_filled, must equal orders_filled / orders_placed (0 when orders_placed is 0), within a small tolerance'],
};

const TIMESTAMP_FIELDS: ReadonlySet<string> = new Set([
  ...TABLE_NAMES.flatMap((t) => Object.entries(TABLES[t].columns).filter(([, c]) => c.type === 'TIMESTAMP').map(([name]) => name)),
  'data_timestamp',
]);

const hex = (n: number) => `\\u${n.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * `^[^\p{…}]*$` patterns (Unicode property classes, which Python's `re` and many JSON Schema
 * tools cannot read) as one explicit class over the Basic Multilingual Plane, computed by testing
 * every code point against the originals, so the document states exactly the same rule there.
 */
export function explicitNamePattern(patterns: readonly string[]): string {
  const regexes = patterns.map((p) => new RegExp(p, 'u'));
  const ranges: string[] = [];
  let start = -1;
  for (let cp = 0; cp <= 0x10000; cp++) {
    const forbidden = cp < 0x10000 && (cp >= 0xd800 && cp <= 0xdfff ? true : !regexes.every((r) => r.test(String.fromCharCode(cp))));
    if (forbidden && start < 0) start = cp;
    if (!forbidden && start >= 0) {
      ranges.push(start === cp - 1 ? hex(start) : `${hex(start)}-${hex(cp - 1)}`);
      start = -1;
    }
  }
  return `^[^${ranges.join('')}]*$`;
}

const patternCache = new Map<string, string>();

/** Rewrites one property's schema (or each branch of an anyOf) with the rules zod cannot emit. */
function truthful(name: string, schema: JsonSchema, o: ValidationOptions, table?: TableName): JsonSchema {
  if (Array.isArray(schema['anyOf'])) return { ...schema, anyOf: (schema['anyOf'] as JsonSchema[]).map((s) => truthful(name, s, o, table)) };
  if (schema['type'] !== 'string') return schema;
  const out: JsonSchema = { ...schema };
  if (TIMESTAMP_FIELDS.has(name) && out['pattern'] === undefined && out['allOf'] === undefined) {
    out['pattern'] = ISO_UTC_PATTERN;
    const retention = name === 'timestamp' && table ? TABLES[table].retentionDays : undefined;
    out['description'] =
      'ISO-8601 UTC timestamp, e.g. 2026-01-31T12:00:00.123456Z (microseconds kept); a real calendar date; not before 1970-01-01; ' +
      `at most ${o.maxFutureSkewMs} ms ahead of the collector's clock` +
      (retention !== undefined ? `; not older than the table's retention of ${retention} days less ${RETENTION_MARGIN_MICROS / 3_600_000_000} hour` : '');
  }
  if (name === 'exchange') out['enum'] = [...o.exchanges];
  const allOf = out['allOf'];
  if (Array.isArray(allOf) && allOf.every((p: JsonSchema) => typeof p['pattern'] === 'string' && /^\^\[\^.*\]\*\$$/.test(p['pattern']))) {
    const originals = allOf.map((p: JsonSchema) => p['pattern'] as string);
    const key = originals.join('\n');
    if (!patternCache.has(key)) patternCache.set(key, explicitNamePattern(originals));
    delete out['allOf'];
    out['pattern'] = patternCache.get(key);
    out['description'] ??= 'A name: no control characters, invisible format characters (zero-width, bidi controls, byte-order mark), lone surrogates or U+FFFD';
  }
  return out;
}

/** An object schema (a row or an event, or a oneOf of events) with every property made truthful. */
export function truthfulSchema(schema: JsonSchema, o: ValidationOptions, table?: TableName): JsonSchema {
  const out: JsonSchema = { ...schema };
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(schema[key])) out[key] = (schema[key] as JsonSchema[]).map((s) => truthfulSchema(s, o, table));
  }
  const props = schema['properties'] as Record<string, JsonSchema> | undefined;
  if (props) out['properties'] = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, truthful(k, v, o, table)]));
  const rules = table ? CROSS_FIELD_RULES[table] : undefined;
  if (rules) out['description'] = `${String(schema['description'] ?? '')} Rules across fields: ${rules.join('; ')}.`.trim();
  return out;
}

const ilpError = { 'application/json': { schema: { $ref: '#/components/schemas/IlpError' } } };

/** `/write` and `/api/v2/write` (InfluxDB line protocol, QuestDB's paths) and `/settings`. */
export function ilpOpenApi(): { paths: Record<string, JsonSchema>; schemas: Record<string, JsonSchema> } {
  const write: JsonSchema = {
    post: {
      summary: 'InfluxDB line protocol, as QuestDB reads it (its clients and Telegraf can send here)',
      description:
        `One row per line: \`table[,symbol=value…] column=value[,…] [timestamp]\`. Tables: ${[...ILP_TABLES].join(', ')}. ` +
        'Values: `"string"`, `12i` (integer), `1.5` (float), `t`/`f`/`true`/`false`, `1700000000000000t` (timestamp column, µs). ' +
        'SYMBOL columns as tags (or strings). The line timestamp is in `precision` units (nanoseconds by default); without one, the collector\'s clock. ' +
        'Each line is judged exactly like the JSON row of the same table; one bad line refuses the whole request (nothing stored). ' +
        'Authentication: `Authorization: Bearer <token>` (the clients\' `token=` setting). Body: text/plain (or no Content-Type), UTF-8, identity or gzip.',
      security: [{ bearer: [] }],
      parameters: [{ name: 'precision', in: 'query', required: false, schema: { enum: ['n', 'ns', 'u', 'us', 'ms', 's'], default: 'n' } }],
      requestBody: { required: true, content: { 'text/plain': { schema: { type: 'string' } } } },
      responses: {
        '204': { description: 'Every line is durable' },
        '400': { description: 'Refused lines (each named: `error in line N: table: T, column: C; reason`) or an unreadable body; nothing was stored', content: ilpError },
        '401': { description: 'Missing or invalid bearer token', content: ilpError },
        '413': { description: 'Body larger than the limit, or more lines than the row limit', content: ilpError },
        '415': { description: 'Not text/plain, not UTF-8, or an encoding other than identity or gzip', content: ilpError },
        '422': { description: 'The request would create more new series than allowed; nothing was stored', content: ilpError },
        '503': { description: 'Back-pressure or shutting down: not acknowledged; retry after `Retry-After` seconds', headers: { 'Retry-After': { schema: { type: 'integer' } } }, content: ilpError },
      },
    },
  };
  return {
    paths: {
      '/write': write,
      '/api/v2/write': write,
      '/settings': {
        get: {
          summary: "For the QuestDB clients' protocol detection: line protocol version 1 (text) only",
          responses: { '200': { description: 'Settings', content: { 'application/json': { schema: { type: 'object', required: ['config'], properties: { config: { type: 'object' } } } } } } },
        },
      },
    },
    schemas: {
      IlpError: {
        type: 'object',
        description: "QuestDB's own error shape for /write",
        required: ['code', 'message', 'line', 'errorId'],
        properties: { code: { type: 'string' }, message: { type: 'string' }, line: { type: 'integer', minimum: 0 }, errorId: { type: 'string' } },
      },
    },
  };
}
