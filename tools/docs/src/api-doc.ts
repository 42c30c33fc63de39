import { openApiDocument } from '@tradewatch/collectors';
import { DEFAULT_VALIDATION_OPTIONS } from '@tradewatch/models';
import { renderApiDoc, type OpenApiDocument } from './render-api';

export const API_DOC_PATH = 'docs/api.md';

/** docs/api.md as it should be: the served OpenAPI document with the default validation options. */
export function apiDocMarkdown(): string {
  return renderApiDoc(openApiDocument(DEFAULT_VALIDATION_OPTIONS) as unknown as OpenApiDocument);
}
