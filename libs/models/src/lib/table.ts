import { z } from 'zod';
import type { Column } from './columns';
import { compileRowValidator } from './compiled-validator';
import type { ValidationOptions } from './validation-options';

type Columns = Record<string, Column>;

/** The zod object for a set of columns. */
export type ColumnsSchema<C extends Columns> = z.ZodObject<{ [K in keyof C]: ReturnType<C[K]['zod']> }>;

/** A row as stored: timestamps in epoch microseconds, optional fields may be null or absent. */
export type RowOf<C extends Columns> = z.output<ColumnsSchema<C>>;

/** Rules across fields of one row, e.g. `orders_filled <= orders_placed`. */
export type RowRule<C extends Columns> = (row: RowOf<C>, report: (path: keyof C & string, message: string) => void) => void;

export interface TableSpec<N extends string, C extends Columns> {
  name: N;
  /** What the table holds, for docs and the OpenAPI document. */
  description: string;
  /** Column order is the DDL order; `timestamp` is the designated timestamp. */
  columns: C & { timestamp: Column };
  /** DEDUP UPSERT KEYS; always includes `timestamp`. */
  dedupKeys: readonly (keyof C & string)[];
  /** Native TTL and the retention job's limit. */
  retentionDays: number;
  partitionBy: 'DAY';
  rules?: RowRule<C>;
}

/** The compiled validator of a table's rows (see CompiledValidator). */
export type CompiledRowValidator<C extends Columns> = (input: unknown, nowMs?: number) => RowOf<C> | undefined;

export interface TableDef<N extends string = string, C extends Columns = Columns> extends TableSpec<N, C> {
  /** The row schema for the given options (strict: unknown fields are an error). */
  schema(options: ValidationOptions): z.ZodType<RowOf<C>, unknown>;
  /** The same validation compiled once per options (see compileRowValidator): the row, or undefined. */
  compiled(options: ValidationOptions): CompiledRowValidator<C>;
  columnNames: readonly (keyof C & string)[];
}

/** Defines a table once; every other view of it (DDL, validation, ILP, gauges) derives from this. */
export function defineTable<const N extends string, C extends Columns>(spec: TableSpec<N, C>): TableDef<N, C> {
  if (!spec.dedupKeys.includes('timestamp')) {
    throw new Error(`${spec.name}: dedup keys must include the designated timestamp`);
  }
  const columnNames = Object.keys(spec.columns) as (keyof C & string)[];
  const cache = new WeakMap<ValidationOptions, z.ZodType<RowOf<C>, unknown>>();
  const context = { retentionDays: spec.retentionDays, table: spec.name };
  const compiledCache = new WeakMap<ValidationOptions, CompiledRowValidator<C>>();
  const def: TableDef<N, C> = {
    ...spec,
    columnNames,
    compiled(options) {
      let compiled = compiledCache.get(options);
      if (!compiled) {
        compiled = compileRowValidator(def as never, def.schema(options), options) as CompiledRowValidator<C>;
        compiledCache.set(options, compiled);
      }
      return compiled;
    },
    schema(options) {
      let schema = cache.get(options);
      if (!schema) {
        const shape = Object.fromEntries(
          columnNames.map((k) => [k, spec.columns[k].zod(options, context)]),
        ) as { [K in keyof C]: ReturnType<C[K]['zod']> };
        schema = z
          .strictObject(shape)
          .superRefine((row, ctx) =>
            spec.rules?.(row as RowOf<C>, (path, message) =>
              ctx.addIssue({ code: 'custom', path: [path], message }),
            ),
          ) as unknown as z.ZodType<RowOf<C>, unknown>;
        cache.set(options, schema);
      }
      return schema;
    },
  };
  return def;
}
