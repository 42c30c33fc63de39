import type { z } from 'zod';
import {
  DEFAULT_VALIDATION_OPTIONS,
  validateRows,
  type Row,
  type TableName,
  type ValidationOptions,
} from '@tradewatch/models';
import { BatchingWriter, type BatchingWriterOptions } from './batching-writer';
import { questDbConnectionSchema, type QuestDbConnection } from './connection';
import { RestClient, type PingResult, type QueryOptions, type QueryResult } from './rest-client';
import { bootstrapSchema, type BootstrapReport } from './schema-bootstrap';

export interface MetricsClientOptions extends QuestDbConnection, BatchingWriterOptions {
  validation?: ValidationOptions;
}

/**
 * Tradewatch's door to QuestDB: schema bootstrap, batched ILP writes, SQL queries and a ping.
 * Create with `MetricsClient.connect()`, end with `close()` (which flushes).
 */
export class MetricsClient {
  private constructor(
    readonly rest: RestClient,
    private readonly writer: BatchingWriter,
    private readonly validation: ValidationOptions,
  ) {}

  static async connect(options: MetricsClientOptions): Promise<MetricsClient> {
    const connection = questDbConnectionSchema.parse({ url: options.url, user: options.user, password: options.password });
    const writer = await BatchingWriter.open(connection, options);
    return new MetricsClient(new RestClient(connection), writer, options.validation ?? DEFAULT_VALIDATION_OPTIONS);
  }

  /** Creates the missing tables and checks the existing ones (see `bootstrapSchema`). */
  bootstrap(): Promise<BootstrapReport> {
    return bootstrapSchema(this.rest);
  }

  /** Queues already-validated rows; see `BatchingWriter.write`. */
  write<T extends TableName>(table: T, rows: readonly Row<T>[]): Promise<void> {
    return this.writer.write(table, rows);
  }

  /**
   * Validates untrusted input (one row or an array) and queues it, all or nothing: a
   * ValidationError with field-level issues is thrown and nothing is queued if any row is bad.
   */
  async ingest<T extends TableName>(table: T, input: unknown): Promise<number> {
    const rows = validateRows(table, input, this.validation);
    await this.writer.write(table, rows);
    return rows.length;
  }

  /** Sends everything queued; resolves when QuestDB accepted it. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  get pendingRows(): number {
    return this.writer.pendingRows;
  }

  query<T = Record<string, unknown>>(sql: string, schema?: z.ZodType<T>, options?: QueryOptions): Promise<QueryResult<T>> {
    return this.rest.query(sql, schema, options);
  }

  ping(timeoutMs?: number): Promise<PingResult> {
    return this.rest.ping(timeoutMs);
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}
