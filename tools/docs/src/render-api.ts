/**
 * Renders the collector's OpenAPI 3.1 document (openApiDocument in @tradewatch/collectors, the
 * same document GET /openapi.json serves) as docs/api.md.
 */
type Schema = Record<string, unknown>;
interface Operation {
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; headers?: Record<string, unknown>; content?: Record<string, { schema?: Schema }> }>;
}
export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const HUGE = 1e15; // bounds zod adds for "any safe integer / finite number" say nothing to a reader

const code = (s: string) => `\`${s}\``;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(s: Schema): string {
  if (s['const'] !== undefined) return code(JSON.stringify(s['const']));
  if (Array.isArray(s['enum'])) return (s['enum'] as unknown[]).map((v) => code(String(v))).join(', ');
  const anyOf = (s['anyOf'] ?? s['oneOf']) as Schema[] | undefined;
  if (anyOf) return anyOf.map(typeOf).join(' or ');
  const t = s['type'];
  if (Array.isArray(t)) return t.join(' or ');
  if (t === 'array') return `array of ${typeOf((s['items'] as Schema) ?? {})}`;
  return typeof t === 'string' ? t : 'any';
}

function constraints(s: Schema): string[] {
  const out: string[] = [];
  for (const part of ((s['anyOf'] ?? s['oneOf']) as Schema[] | undefined) ?? [s]) {
    const num = (k: string) => (typeof part[k] === 'number' && Math.abs(part[k] as number) < HUGE ? (part[k] as number) : undefined);
    const [min, max, xmin, xmax] = [num('minimum'), num('maximum'), num('exclusiveMinimum'), num('exclusiveMaximum')];
    if (min !== undefined && max !== undefined) out.push(`${min}..${max}`);
    else if (min !== undefined) out.push(`>= ${min}`);
    else if (max !== undefined) out.push(`<= ${max}`);
    if (xmin !== undefined) out.push(`> ${xmin}`);
    if (xmax !== undefined) out.push(`< ${xmax}`);
    if (typeof part['minLength'] === 'number' && part['minLength'] > 0) out.push(`length >= ${part['minLength']}`);
    if (typeof part['maxLength'] === 'number') out.push(`length <= ${part['maxLength']}`);
    if (typeof part['pattern'] === 'string') out.push(`matches ${code(part['pattern'])}`);
    if (typeof part['format'] === 'string') out.push(`format ${part['format']}`);
    if (part['type'] === 'integer' && !out.length) out.push('integer');
  }
  return out;
}

/** A field table for an object schema. */
function fieldTable(s: Schema): string[] {
  const props = (s['properties'] ?? {}) as Record<string, Schema>;
  const required = new Set((s['required'] as string[] | undefined) ?? []);
  const rows = Object.entries(props).map(([name, p]) => {
    const time = /(^|_)(timestamp|at)$/.test(name) ? ['ISO-8601 UTC time'] : [];
    const note = [...time, ...constraints(p), ...(typeof p['description'] === 'string' ? [p['description']] : [])].join('; ');
    return `| ${code(name)} | ${cell(typeOf(p))} | ${required.has(name) ? 'yes' : 'no'} | ${cell(note)} |`;
  });
  const lines = ['| field | type | required | constraints |', '|---|---|---|---|', ...rows];
  if (s['additionalProperties'] === false) lines.push('', 'Unknown fields are rejected.');
  return lines;
}

function schemaSection(name: string, s: Schema): string[] {
  const out = [`### ${code(name)}`, ''];
  if (typeof s['description'] === 'string') out.push(s['description'], '');
  const variants = s['oneOf'] as Schema[] | undefined;
  if (variants && variants.every((v) => v['type'] === 'object')) {
    out.push(`One of ${variants.length} shapes, told apart by ${code('type')}:`, '');
    for (const v of variants) {
      const tag = ((v['properties'] as Record<string, Schema>)['type']?.['const'] as string | undefined) ?? '?';
      out.push(`#### ${code(`type: "${tag}"`)}`, '', ...fieldTable(v), '');
    }
    return out;
  }
  return [...out, ...fieldTable(s), ''];
}

/** `{"accepted": integer}` for a small inline object schema. */
function inlineShape(s: Schema): string {
  if (s['type'] !== 'object') return typeOf(s);
  const props = Object.entries((s['properties'] ?? {}) as Record<string, Schema>);
  return `{${props.map(([k, p]) => `"${k}": ${typeOf(p)}`).join(', ')}}`;
}

const refName = (ref: string) => ref.replace('#/components/schemas/', '');

function bodyText(schema: Schema): string {
  const oneOf = schema['oneOf'] as Schema[] | undefined;
  const ref = (oneOf?.[0]?.['$ref'] ?? schema['$ref']) as string | undefined;
  if (!ref) return 'JSON';
  const link = `[${code(refName(ref))}](#${refName(ref).toLowerCase()})`;
  return oneOf ? `one ${link} object, or a non-empty array of them` : `a ${link} object`;
}

export function renderApiDoc(doc: OpenApiDocument): string {
  const out: string[] = [
    '# HTTP API reference',
    '',
    '<!-- Generated by `npx nx run docs:generate` from the collector\'s OpenAPI document',
    '     (openApiDocument in libs/collectors, served at GET /openapi.json). Do not edit by hand. -->',
    '',
    `${doc.info.title}, API version ${doc.info.version}. ${doc.info.description ?? ''}`.trim(),
    '',
    'The collector listens on `COLLECTOR_BIND:COLLECTOR_PORT` (default `127.0.0.1:8080`; see',
    '[configuration](configuration.md)). The machine-readable document is `GET /openapi.json`.',
    '',
    '- **Authentication**: routes marked *bearer* need `Authorization: Bearer <token>` with one of',
    '  `COLLECTOR_TOKENS`. Tokens are required whenever the collector is bound beyond loopback; then',
    '  `/metrics`, the details of `/health/ready` and the status page also need a token (an ingest',
    '  token or a read-only one from `COLLECTOR_SCRAPE_TOKENS`); `/health/live` stays open.',
    '- **Bodies** are JSON, sent with `Content-Type: application/json` (or `application/*+json`);',
    '  any other media type, a charset other than UTF-8 or an encoding other than identity or gzip',
    '  is refused with `415`. Field names are the QuestDB column names; timestamps are ISO-8601 UTC',
    '  strings (`2026-11-22T16:23:25.123456Z`, microseconds kept). Line protocol goes to `/write`.',
    '- **Methods**: a known path called with a method it does not answer gives `405` and `Allow`.',
    '- **All or nothing**: a batch with one bad row is rejected whole with `400` and field-level',
    '  issues; nothing of it is stored.',
    '- **Durable**: `202` is sent only once the rows are in the on-disk spool.',
    '',
    '## Endpoints',
    '',
    '| method | path | auth | what it does |',
    '|---|---|---|---|',
  ];
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));
  for (const { path, method, op } of ops) {
    const anchor = `${method} ${path}`.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
    out.push(`| ${method} | [${code(path)}](#${anchor}) | ${op.security?.length ? 'bearer' : '—'} | ${cell(op.summary ?? '')} |`);
  }
  out.push('');
  for (const { path, method, op } of ops) {
    out.push(`## ${method} ${path}`, '', `${op.summary ?? ''}.${op.security?.length ? ' Requires a bearer token.' : ''}`, '');
    if (op.description) out.push(op.description, '');
    for (const p of op.parameters ?? []) out.push(`Parameter ${code(p.name)} (${p.in}${p.required ? ', required' : ''}): ${cell(p.schema ? typeOf(p.schema) : 'any')}.`, '');
    const body = op.requestBody?.content['application/json']?.schema;
    if (body) out.push(`Request body (\`Content-Type: application/json\`): ${bodyText(body)}.`, '');
    else if (op.requestBody?.content['text/plain']) out.push('Request body: text (`Content-Type: text/plain` or none).', '');
    out.push('| status | meaning | body |', '|---|---|---|');
    for (const [status, r] of Object.entries(op.responses)) {
      const [type, media] = Object.entries(r.content ?? {})[0] ?? [];
      const ref = media?.schema?.['$ref'] as string | undefined;
      const shape = ref ? `[${code(refName(ref))}](#${refName(ref).toLowerCase()})` : media?.schema?.['type'] ? code(inlineShape(media.schema)) : type ? code(type) : '—';
      const headers = r.headers ? ` (header${Object.keys(r.headers).length > 1 ? 's' : ''} ${Object.keys(r.headers).map(code).join(', ')})` : '';
      out.push(`| ${status} | ${cell(r.description)}${headers} | ${cell(shape)} |`);
    }
    out.push('');
  }
  out.push('## Schemas', '');
  for (const [name, s] of Object.entries(doc.components.schemas)) out.push(...schemaSection(name, s));
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
