import { z } from 'zod';
import { DATA_TYPES, ENVIRONMENTS, TABLES } from '@tradewatch/models';

const cols = { ...TABLES.pipeline_metrics.columns, ...TABLES.trading_metrics.columns };
const name = () => cols.host.zod();
const env = z.enum(ENVIRONMENTS).optional();
// The exchange allow-list is configurable, so the collector's config loader checks it.
const exchange = () => name();

/** `inventory` in the collector's config file: cadences, tolerance, forgetting, expected sources. */
export const inventoryOptionsSchema = z.strictObject({
  /** How often silence is checked (and the inventory saved beside the spool). */
  checkIntervalMs: z.number().int().min(100).default(5_000),
  /** A source is silent after cadence × tolerance without a report (pipeline series: `pipeline.tolerance`). */
  tolerance: z.number().min(1).max(100).default(2),
  /** Expected time between reports; pipeline series use `pipeline.cadencesMs` per data type. */
  cadencesMs: z
    .strictObject({
      daemon: z.number().int().min(100).default(60_000),
      exchange: z.number().int().min(100).default(60_000),
      strategy: z.number().int().min(100).default(900_000),
    })
    .prefault({}),
  /** A source silent this long is forgotten; default: its table's retention (90 days, strategies 365). */
  forgetAfterDays: z.number().positive().max(3650).optional(),
  /** Sources that must report even if they never did: missing ones get silence rows like silent ones. */
  expected: z
    .strictObject({
      daemons: z.array(z.strictObject({ host: name(), env: z.enum(ENVIRONMENTS) })).default([]),
      exchanges: z.array(z.strictObject({ exchange: exchange(), host: name(), env })).default([]),
      pipeline: z
        .array(z.strictObject({ exchange: exchange(), symbol: name(), data_type: z.enum(DATA_TYPES), host: name(), env }))
        .default([]),
      strategies: z
        .array(z.strictObject({ strategy: name(), symbol: name(), venue: name(), env: z.enum(ENVIRONMENTS) }))
        .default([]),
    })
    .prefault({}),
});
export type InventoryOptions = z.infer<typeof inventoryOptionsSchema>;
