import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument } from '@tradewatch/collectors';
import { DEFAULT_VALIDATION_OPTIONS } from '@tradewatch/models';
import { API_DOC_PATH, apiDocMarkdown } from './api-doc';
import { renderApiDoc, type OpenApiDocument } from './render-api';

const root = join(__dirname, '../../..');

describe('docs/api.md', () => {
  it('is the rendering of the OpenAPI document the collector serves (run `npx nx run docs:generate` if not)', () => {
    expect(readFileSync(join(root, API_DOC_PATH), 'utf8')).toBe(apiDocMarkdown());
  });

  it('documents every path, and every field of every table', () => {
    const doc = openApiDocument(DEFAULT_VALIDATION_OPTIONS) as unknown as OpenApiDocument;
    const md = apiDocMarkdown();
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) expect(md).toContain(`## ${method.toUpperCase()} ${path}\n`);
    }
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(md).toContain(`### \`${name}\``);
      for (const field of Object.keys((schema['properties'] ?? {}) as object)) expect(md).toContain(`| \`${field}\` |`);
    }
  });
});

describe('renderApiDoc', () => {
  const doc: OpenApiDocument = {
    info: { title: 'T', version: '1' },
    paths: {
      '/x': {
        post: {
          summary: 'Store x',
          security: [{ bearer: [] }],
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/X' } } } },
          responses: { '202': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { accepted: { type: 'integer' } } } } } } },
        },
      },
    },
    components: {
      schemas: {
        X: {
          type: 'object',
          required: ['timestamp', 'n'],
          additionalProperties: false,
          properties: {
            timestamp: { type: 'string' },
            n: { type: 'integer', minimum: 0, maximum: 9007199254740991 },
            note: { anyOf: [{ type: 'string', maxLength: 10 }, { type: 'null' }] },
          },
        },
      },
    },
  };

  it('renders endpoints, responses and field tables', () => {
    const md = renderApiDoc(doc);
    expect(md).toContain('| POST | [`/x`](#post-x) | bearer | Store x |');
    expect(md).toContain('Request body (`Content-Type: application/json`): a [`X`](#x) object.');
    expect(md).toContain('| 202 | ok | `{"accepted": integer}` |');
    expect(md).toContain('| `timestamp` | string | yes | ISO-8601 UTC time |');
    // zod's "any safe integer" bound is noise, the lower bound is not.
    expect(md).toContain('| `n` | integer | yes | >= 0 |');
    expect(md).toContain('| `note` | string or null | no | length <= 10 |');
    expect(md).toContain('Unknown fields are rejected.');
  });
});
