import { z } from 'zod';
import { TABLES, apiEventSchema, fetchEventSchema, tradingEventSchema, type ValidationOptions } from '@tradewatch/models';
import { sourcesOpenApiPaths } from '../inventory/sources-openapi';
import { METRIC_ROUTES } from './ingest-service';
import { ilpOpenApi, truthfulSchema } from './openapi-truth';

type JsonSchema = Record<string, unknown>;

/** The input shape of a zod schema (timestamps are ISO strings on the wire). */
function inputSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete json['$schema']; // the OpenAPI document declares the dialect once
  return json;
}

const oneOrMany = (ref: string): JsonSchema => ({
  oneOf: [{ $ref: ref }, { type: 'array', minItems: 1, items: { $ref: ref } }],
});

const errorResponses = {
  '400': { description: 'Validation failed; nothing was stored', content: { 'application/json': { schema: { $ref: '#/components/schemas/ValidationFailed' } } } },
  '401': { description: 'Missing or invalid bearer token', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '413': { description: 'Body larger than the limit, or too many rows', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '415': { description: 'Not a JSON media type (application/json or application/*+json), not UTF-8, or an encoding other than identity or gzip', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '422': { description: 'The request would create more new series than allowed (limits.maxNewSeriesPerRequest, limits.maxSeriesPerTable); nothing was stored', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '503': {
    description: 'Back-pressure (spool full) or QuestDB unreachable: the rows are not acknowledged; retry after `Retry-After` seconds',
    headers: { 'Retry-After': { schema: { type: 'integer' } } },
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
};

const accepted = (what: string) => ({
  '202': {
    description: what,
    content: { 'application/json': { schema: { type: 'object', required: ['accepted'], properties: { accepted: { type: 'integer', minimum: 1 } } } } },
  },
});

/** A bearer-protected POST taking one item or an array of the named component schema. */
const ingestRoute = (summary: string, schema: string, acceptedMeans: string): JsonSchema => ({
  post: {
    summary,
    security: [{ bearer: [] }],
    requestBody: { required: true, content: { 'application/json': { schema: oneOrMany(`#/components/schemas/${schema}`) } } },
    responses: { ...accepted(acceptedMeans), ...errorResponses },
  },
});

/** The OpenAPI 3.1 document of the collector's HTTP API, generated from the zod models. */
export function openApiDocument(validation: ValidationOptions, version = '1.0.0'): JsonSchema {
  const schemas: Record<string, JsonSchema> = {
    ValidationFailed: {
      type: 'object',
      required: ['error', 'issues'],
      properties: {
        error: { const: 'validation_failed' },
        issues: {
          type: 'array',
          items: { type: 'object', required: ['row', 'path', 'message'], properties: { row: { type: 'integer' }, path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
    Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, message: { type: 'string' } } },
    FetchEvent: truthfulSchema(inputSchema(fetchEventSchema(validation)), validation),
    TradingEvent: truthfulSchema(inputSchema(tradingEventSchema(validation)), validation),
    ApiEvent: truthfulSchema(inputSchema(apiEventSchema(validation)), validation),
  };
  const paths: Record<string, JsonSchema> = {};
  for (const [kind, table] of Object.entries(METRIC_ROUTES)) {
    schemas[table] = truthfulSchema({ ...inputSchema(TABLES[table].schema(validation)), description: TABLES[table].description }, validation, table);
    paths[`/v1/metrics/${kind}`] = ingestRoute(`Store ${table} rows (all or nothing)`, table, 'The rows are durable');
  }
  paths['/v1/events/fetch'] = ingestRoute(
    'Fetch events of a pipeline daemon, aggregated into pipeline_metrics with gap detection',
    'FetchEvent',
    'The events were aggregated',
  );
  paths['/v1/events/trading'] = ingestRoute(
    'Order, fill, mark and position events, aggregated into trading_metrics',
    'TradingEvent',
    'The events were applied',
  );
  paths['/v1/events/api'] = ingestRoute(
    'Exchange API-call events (e.g. from the CCXT instrumentation), aggregated into exchange_api_calls',
    'ApiEvent',
    'The events were aggregated',
  );
  const text = (description: string, type: string) => ({ get: { summary: description, responses: { '200': { description, content: { [type]: {} } } } } });
  paths['/metrics'] = text('Prometheus exposition of the collector and the latest monitored values', 'text/plain');
  paths['/health/live'] = text('The process is up', 'application/json');
  paths['/health/ready'] = {
    get: {
      summary: 'QuestDB reachable and the spool below its limit',
      responses: { '200': { description: 'ready' }, '503': { description: 'not ready; the body says why' } },
    },
  };
  Object.assign(paths, sourcesOpenApiPaths());
  paths['/openapi.json'] = text('This document', 'application/json');
  const ilp = ilpOpenApi();
  Object.assign(paths, ilp.paths);
  Object.assign(schemas, ilp.schemas);
  return {
    openapi: '3.1.0',
    info: { title: 'Tradewatch collector', version, description: 'Ingest API: field names are the column names, timestamps ISO-8601 UTC strings.' },
    paths,
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}
