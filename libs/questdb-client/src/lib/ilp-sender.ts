import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import type { TableName } from '@tradewatch/models';
import { authHeader, type QuestDbConnection } from './connection';
import { IlpRejectedError, QuestDbUnavailableError } from './errors';
import { batchEncoder, type BatchEncoder } from './ilp-text-encoder';
import { describeError } from './rest-client';

export interface IlpSenderOptions {
  /** How long one request may take before it counts as failed (default 10 s, plus 1 s per 100 KB). */
  requestTimeoutMs?: number;
}

/**
 * HTTP statuses of ILP answers that no retry will fix. 401/403/404 are left out on purpose: a
 * wrong password or URL is an operator's mistake to fix, and throwing rows away meanwhile would lose them.
 */
export const isPermanentIlpStatus = (status: number) =>
  status >= 400 && status < 500 && ![401, 403, 404, 408, 429].includes(status);

/** QuestDB's own words from an ILP error answer (`{"code","message","line","errorId"}`), else the raw text; and the line it names. */
function questDbAnswer(body: string): { message: string; line?: number } {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; line?: unknown };
    if (typeof parsed.message === 'string') {
      return { message: parsed.message, ...(Number.isInteger(parsed.line) && (parsed.line as number) > 0 && { line: parsed.line as number }) };
    }
  } catch {
    // not JSON: use the text as it is
  }
  return { message: body.trim() || '(empty answer)' };
}

/**
 * One ILP/HTTP request per `send` or `sendIlp`: the rows of one table, one transaction. It either
 * resolves (QuestDB accepted them), or throws `IlpRejectedError` (a permanent refusal, with
 * QuestDB's message and the line it names) or `QuestDbUnavailableError` (worth retrying).
 * Retrying is the caller's business.
 *
 * Rows are encoded by `batchEncoder` (ILP text, as the client writes it, but much faster) and the
 * request is our own: the client's Undici transport keeps retrying a refused connection past its
 * retry timeout, and its Node http transport loses QuestDB's error message; an operator needs
 * both a prompt failure and the reason.
 */
export class IlpSender {
  private readonly encoders = new Map<TableName, BatchEncoder>();
  private readonly endpoint: string;
  private readonly headers: Record<string, string>;
  private readonly requestTimeoutMs: number;
  /** Keep-alive connections of this sender (undici's `request`: unlike `fetch`, it sends a Buffer body without copying it). */
  private readonly agent = new Agent({ connections: 4 });

  private constructor(
    connection: QuestDbConnection,
    options: IlpSenderOptions,
  ) {
    // The client's own HTTP transports post to this path too: timestamps in the body carry their unit.
    this.endpoint = `${connection.url.replace(/\/+$/, '')}/write?precision=n`;
    this.headers = { 'content-type': 'text/plain; charset=utf-8', ...authHeader(connection) };
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  static async open(connection: QuestDbConnection, options: IlpSenderOptions = {}): Promise<IlpSender> {
    return new IlpSender(connection, options);
  }

  /** Encodes `rows` (validated rows of `table`) and sends them as one request. */
  async send(table: TableName, rows: readonly object[]): Promise<void> {
    let encode = this.encoders.get(table);
    if (!encode) this.encoders.set(table, (encode = batchEncoder(table)));
    let body: Buffer;
    try {
      body = encode(rows);
    } catch (error) {
      // A row the client cannot encode will never be accepted, however often it is retried.
      throw new IlpRejectedError(table, `could not encode a row: ${describeError(error)}`, rows);
    }
    try {
      await this.sendIlp(table, body, rows.length);
    } catch (error) {
      // Give the caller the rows themselves, to keep or dead-letter.
      if (error instanceof IlpRejectedError) throw new IlpRejectedError(table, error.questdbMessage, rows, error.httpStatus, error.line);
      throw error;
    }
  }

  /**
   * Sends `body`, `rows` ILP lines of `table` (already encoded), as one request. `body` may be
   * given in parts (whole lines each): they are written one after another under one
   * content-length, so that a request of many spool records is never copied into one buffer.
   */
  async sendIlp(table: TableName, body: Buffer | readonly Buffer[], rows: number): Promise<void> {
    const bytes = Buffer.isBuffer(body) ? body.length : body.reduce((n, part) => n + part.length, 0);
    if (bytes === 0) return;
    let status: number;
    let text: string;
    try {
      const response = await request(this.endpoint, {
        method: 'POST',
        headers: Buffer.isBuffer(body) ? this.headers : { ...this.headers, 'content-length': String(bytes) },
        body: Buffer.isBuffer(body) ? body : body.length === 1 ? body[0] : Readable.from(body),
        dispatcher: this.agent,
        signal: AbortSignal.timeout(Math.round(this.requestTimeoutMs + bytes / 100)),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw new QuestDbUnavailableError(`QuestDB did not take ${rows} ${table} row(s): ${describeError(error)}`, { cause: error });
    }
    if (status === 204 || status === 200) return;
    const { message, line } = questDbAnswer(text);
    if (isPermanentIlpStatus(status)) throw new IlpRejectedError(table, message, rows, status, line);
    throw new QuestDbUnavailableError(`QuestDB answered HTTP ${status} to ${rows} ${table} row(s): ${message}`);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
