import { SOURCE_KINDS, keyColumns } from './source-kinds';

type JsonSchema = Record<string, unknown>;

const error = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };

const sourceView: JsonSchema = {
  type: 'object',
  required: ['kind', 'key', 'env', 'state', 'expected', 'lastReportAt', 'ageSeconds', 'cadenceSeconds', 'problem', 'figures'],
  properties: {
    kind: { enum: SOURCE_KINDS },
    key: { type: 'object', additionalProperties: { type: 'string' }, description: 'The key columns, e.g. {exchange, host} for an exchange feed' },
    env: { type: 'string' },
    state: { enum: ['ok', 'down', 'silent', 'missing', 'waiting'], description: 'down: its last report says so; silent: no report for cadence × tolerance; missing: expected, never reported; waiting: expected, not due yet' },
    expected: { type: 'boolean', description: 'Declared in inventory.expected of the config file' },
    lastReportAt: { type: ['string', 'null'], description: 'ISO timestamp of the last report' },
    ageSeconds: { type: 'number', description: 'Seconds since the last report (or since awaited)' },
    cadenceSeconds: { type: ['number', 'null'], description: 'Expected seconds between reports; null: no silence detection' },
    problem: { type: ['string', 'null'] },
    figures: { type: 'object', description: 'The last reported row, without timestamp and key columns (timestamps in epoch µs)' },
  },
};

/** The OpenAPI paths of the status page and the inventory routes (merged into openApiDocument). */
export function sourcesOpenApiPaths(): Record<string, JsonSchema> {
  return {
    '/': {
      get: {
        summary: 'The status page: every known source with its state and age, problems first; spool and QuestDB (HTML, refreshes itself; access as /metrics)',
        responses: { '200': { description: 'HTML', content: { 'text/html': {} } }, '401': { description: 'Beyond loopback without a valid token', content: error } },
      },
    },
    '/v1/sources': {
      get: {
        summary: 'The source inventory: every source seen or expected, problems first',
        security: [{ bearer: [] }],
        responses: {
          '200': { description: 'The inventory', content: { 'application/json': { schema: { type: 'object', required: ['sources'], properties: { sources: { type: 'array', items: sourceView } } } } } },
          '401': { description: 'Missing or invalid bearer token', content: error },
        },
      },
    },
    '/v1/sources/{kind}': {
      delete: {
        summary: `Forget one source; its key columns as query parameters (${SOURCE_KINDS.map((k) => `${k}: ${keyColumns(k).join(', ')}`).join('; ')})`,
        security: [{ bearer: [] }],
        parameters: [{ name: 'kind', in: 'path', required: true, schema: { enum: SOURCE_KINDS } }],
        responses: {
          '204': { description: 'Forgotten' },
          '400': { description: 'A key column is missing or an unknown one is given', content: { 'application/json': { schema: { $ref: '#/components/schemas/ValidationFailed' } } } },
          '401': { description: 'Missing or invalid bearer token', content: error },
          '404': { description: 'No such kind or source', content: error },
          '409': { description: 'Declared in inventory.expected: remove it from the config file', content: error },
        },
      },
    },
  };
}
