import { Sender } from '@questdb/nodejs-client';
import type { TableName } from '@tradewatch/models';
import { senderConfig, type QuestDbConnection } from './connection';
import { IlpRejectedError, QuestDbUnavailableError } from './errors';
import { rowEncoder, type RowEncoder } from './ilp-encoder';
import { describe } from './rest-client';

export interface IlpSenderOptions {
  /** How long one request may take before it counts as failed (default 10 s). */
  requestTimeoutMs?: number;
  /** How long the client itself retries a transient failure inside one `send` (default 1 s). */
  clientRetryMs?: number;
}

/** HTTP status of a failed ILP request, when QuestDB answered at all. */
export function ilpStatus(error: unknown): number | undefined {
  const status = /statusCode=(\d{3})/.exec(describe(error))?.[1];
  return status === undefined ? undefined : Number(status);
}

/**
 * HTTP statuses of ILP answers that no retry will fix. 401/403 are left out on purpose: a wrong
 * password is an operator's mistake to fix, and throwing the rows away meanwhile would lose them.
 */
export const isPermanentIlpStatus = (status: number) =>
  status >= 400 && status < 500 && ![401, 403, 404, 408, 429].includes(status);

/**
 * One ILP/HTTP request per `send`: the rows of one table, one transaction. It either resolves
 * (QuestDB accepted them), or throws `IlpRejectedError` (a permanent refusal, rows attached) or
 * `QuestDbUnavailableError` (worth retrying). Retrying is the caller's business.
 */
export class IlpSender {
  private readonly encoders = new Map<TableName, RowEncoder>();

  private constructor(private readonly sender: Sender) {}

  static async open(connection: QuestDbConnection, options: IlpSenderOptions = {}): Promise<IlpSender> {
    // auto_flush off: we decide what one request holds.
    const sender = await Sender.fromConfig(senderConfig(connection, {
      auto_flush: 'off',
      // Explicit, so creating the sender needs no round trip: QuestDB may be down at start-up.
      protocol_version: 2,
      // Node's http transport fails fast on a refused connection; the Undici one keeps retrying
      // it past retry_timeout, which stalls every caller while QuestDB is down.
      stdlib_http: 'on',
      retry_timeout: options.clientRetryMs ?? 1_000,
      request_timeout: options.requestTimeoutMs ?? 10_000,
    }));
    return new IlpSender(sender);
  }

  async send(table: TableName, rows: readonly object[]): Promise<void> {
    let encode = this.encoders.get(table);
    if (!encode) this.encoders.set(table, (encode = rowEncoder(table)));
    // The client drops its buffer when a flush fails; start each request from a clean one.
    this.sender.reset();
    try {
      for (const row of rows) await encode(this.sender, row);
    } catch (error) {
      // A row the client cannot encode will never be accepted, however often it is retried.
      throw new IlpRejectedError(table, `could not encode a row: ${describe(error)}`, rows);
    }
    try {
      await this.sender.flush();
    } catch (error) {
      const status = ilpStatus(error);
      if (status !== undefined && isPermanentIlpStatus(status)) {
        throw new IlpRejectedError(table, describe(error).replace(/^HTTP request failed, /, ''), rows, status);
      }
      throw new QuestDbUnavailableError(`QuestDB did not accept ${rows.length} ${table} row(s): ${describe(error)}`, { cause: error });
    }
  }

  close(): Promise<void> {
    return this.sender.close();
  }
}
