import { ValidationError, type FieldIssue } from '@tradewatch/models';
import type { SourceInventory, SourceView } from './source-inventory';
import { isSourceKind, keyColumns, type SourceKind } from './source-kinds';

/** `GET /v1/sources`: every known source, problems first. */
export function listSources(inventory: SourceInventory): { sources: SourceView[] } {
  return { sources: inventory.list() };
}

export type ForgetResult =
  | { status: 204 }
  | { status: 404 | 409; body: { error: string; message: string } };

/**
 * `DELETE /v1/sources/{kind}?<key columns>`: forgets one source, e.g.
 * `DELETE /v1/sources/pipeline?exchange=okx&symbol=BTC/USDT&data_type=oi&host=d1`. Every key column
 * of the kind is required (ValidationError naming the missing one), nothing else is accepted.
 */
export function forgetSource(inventory: SourceInventory, kind: string, query: Record<string, unknown>): ForgetResult {
  if (!isSourceKind(kind)) {
    return { status: 404, body: { error: 'not_found', message: `no such source kind: ${kind} (daemon, exchange, pipeline, strategy)` } };
  }
  const key = sourceKey(kind, query);
  const result = inventory.forget(kind, key);
  if (result === 'forgotten') return { status: 204 };
  if (result === 'expected') {
    return { status: 409, body: { error: 'source_expected', message: 'this source is declared in inventory.expected of the config file: remove it there and restart' } };
  }
  return { status: 404, body: { error: 'not_found', message: 'no such source in the inventory' } };
}

function sourceKey(kind: SourceKind, query: Record<string, unknown>): Record<string, string> {
  const columns = keyColumns(kind);
  const issues: FieldIssue[] = [];
  const key: Record<string, string> = {};
  for (const c of columns) {
    const v = Object.prototype.hasOwnProperty.call(query, c) ? query[c] : undefined;
    if (typeof v !== 'string' || v === '') issues.push({ row: 0, path: c, message: `is required once as a query parameter (${kind} sources are keyed by ${columns.join(', ')})` });
    else key[c] = v;
  }
  for (const k of Object.keys(query)) {
    if (!columns.includes(k)) issues.push({ row: 0, path: k, message: `unknown field; ${kind} sources are keyed by ${columns.join(', ')}` });
  }
  if (issues.length > 0) throw new ValidationError('source', issues);
  return key;
}
