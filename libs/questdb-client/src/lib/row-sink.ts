import type { Row, TableName } from '@tradewatch/models';
import type { MetricsClient } from './metrics-client';

/**
 * Where collectors and the ingest API hand validated rows. `append` takes the rows when it
 * returns, or throws at once when it refuses them (a value it cannot encode, a full spool): then
 * none were taken. Its promise resolves once they are safe by the sink's own promise — for the
 * durable spool, on local disk (fsync'd); for the direct sink, accepted by QuestDB — and rejects
 * when that fails. A sink keeps nothing of `rows` once `append` returns, so that the caller's
 * rows can be collected while it waits (young-generation collections would copy them).
 *
 * `prefixes` is an optimisation, never a change to what is stored: `prefixes[i]`, where present,
 * must be `linePrefixEncoder(table)(rows[i])` (the row's table name and symbols as ILP bytes,
 * encoded once per series by the caller), which a sink that encodes ILP may copy instead of
 * encoding them again; a sink may ignore it.
 */
export interface RowSink {
  append<T extends TableName>(table: T, rows: readonly Row<T>[], prefixes?: readonly (Uint8Array | undefined)[]): Promise<void>;
  /** Sends what is outstanding, waiting at most `timeoutMs`; resolves true if nothing is left. */
  drain(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** A sink without a spool: acknowledges once QuestDB accepted the rows. */
export class DirectSink implements RowSink {
  constructor(private readonly client: MetricsClient) {}

  /** Refusals come through the promise (QuestDB answers them). `prefixes` are not used: the client encodes each row itself. */
  async append<T extends TableName>(table: T, rows: readonly Row<T>[]): Promise<void> {
    await this.client.write(table, rows);
    await this.client.flush();
  }

  async drain(timeoutMs: number): Promise<boolean> {
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
    return Promise.race([this.client.flush().then(() => true), timeout]);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
