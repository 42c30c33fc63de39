import type { RouteSpec } from './routes';

/** A JSON object as sent to the collector. */
export type WireRow = Record<string, unknown>;

function toIso(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  // Epoch milliseconds; a non-finite number is left for the collector to refuse (naming the field).
  if (typeof value === 'number' && Number.isFinite(value)) {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? value : d.toISOString();
  }
  return value;
}

/**
 * A copy of `row` ready for JSON: timestamp fields as ISO-8601 UTC strings (Date and epoch-ms
 * inputs converted; strings passed as they are). A copy, so later changes by the caller do not
 * alter what is sent.
 */
export function toWire(route: RouteSpec, row: object): WireRow {
  // fromEntries defines own properties: a field named __proto__ is sent (and refused as unknown), not lost.
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, route.timestampFields.has(key) || value instanceof Date ? toIso(value) : value]),
  ) as WireRow;
}
