import type { z } from 'zod';
import type { TableName, Tables } from './registry';
import type { ColumnsSchema, TableDef } from './table';

/**
 * A row as a client sends it (JSON, before validation): timestamps as ISO-8601 UTC strings,
 * optional columns may be left out. Reporters derive their input types from this.
 */
export type RowInput<T extends TableName> = T extends TableName
  ? Tables[T] extends TableDef<string, infer C>
    ? z.input<ColumnsSchema<C>>
    : never
  : never;
