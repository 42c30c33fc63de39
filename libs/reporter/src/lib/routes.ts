import { z } from 'zod';
import {
  DEFAULT_VALIDATION_OPTIONS,
  TABLES,
  apiEventSchema,
  fetchEventSchema,
  tradingEventSchema,
  type TableName,
  type ValidationOptions,
} from '@tradewatch/models';

/** One ingest route of the collector: where its batches go and which fields are timestamps. */
export interface RouteSpec {
  path: string;
  /** Fields converted from Date / epoch ms to ISO-8601 UTC before sending. */
  timestampFields: ReadonlySet<string>;
}

function tableRoute(table: TableName, path: string): RouteSpec {
  const columns = Object.entries(TABLES[table].columns) as [string, { type: string }][];
  return { path, timestampFields: new Set(columns.filter(([, c]) => c.type === 'TIMESTAMP').map(([k]) => k)) };
}

/**
 * An event route; its timestamp fields are found from the event's own schema (the fields that turn
 * an ISO string into a number), so a new timestamp field needs no change here.
 */
function eventRoute(schema: (o: ValidationOptions) => z.ZodType, path: string): RouteSpec {
  const s = schema(DEFAULT_VALIDATION_OPTIONS);
  const objects = s instanceof z.ZodDiscriminatedUnion ? (s.options as z.ZodType[]) : [s];
  const fields = new Set<string>();
  const probe = new Date().toISOString(); // valid for every timestamp rule (retention, future skew)
  for (const o of objects) {
    if (!(o instanceof z.ZodObject)) throw new Error(`${path}: event schema is not an object`);
    for (const [key, field] of Object.entries(o.shape as Record<string, z.ZodType>)) {
      const parsed = field.safeParse(probe);
      if (parsed.success && typeof parsed.data === 'number') fields.add(key);
    }
  }
  return { path, timestampFields: fields };
}

/**
 * The collector's ingest routes, one per Reporter method. A new route is one entry here and one
 * method on Reporter.
 */
export const ROUTES = {
  daemon: tableRoute('daemon_metrics', '/v1/metrics/daemon'),
  exchange: tableRoute('exchange_status', '/v1/metrics/exchange'),
  pipeline: tableRoute('pipeline_metrics', '/v1/metrics/pipeline'),
  trading: tableRoute('trading_metrics', '/v1/metrics/trading'),
  fetchEvent: eventRoute(fetchEventSchema, '/v1/events/fetch'),
  tradingEvent: eventRoute(tradingEventSchema, '/v1/events/trading'),
  apiCall: eventRoute(apiEventSchema, '/v1/events/api'),
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;
export const ROUTE_NAMES = Object.keys(ROUTES) as RouteName[];
