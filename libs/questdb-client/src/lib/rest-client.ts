import { z } from 'zod';
import { authHeader, type QuestDbConnection } from './connection';
import { QuestDbProtocolError, QuestDbQueryError, QuestDbUnavailableError } from './errors';

const execResultSchema = z.object({
  query: z.string().optional(),
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  dataset: z.array(z.array(z.unknown())),
  count: z.number().optional(),
});
const ddlResultSchema = z.object({ ddl: z.string() });
const dmlResultSchema = z.object({ dml: z.string() });
const errorSchema = z.object({ error: z.string(), position: z.number().optional() });

export interface QueryColumn {
  name: string;
  /** QuestDB's type name, e.g. `TIMESTAMP`, `SYMBOL`, `DOUBLE`. */
  type: string;
}

export interface QueryResult<T> {
  columns: QueryColumn[];
  rows: T[];
}

export type PingResult = { ok: true; latencyMs: number } | { ok: false; error: string };

export interface QueryOptions {
  /** Bounds the statement on the server (QuestDB's `Statement-Timeout` header). */
  timeoutMs?: number;
}

/** SQL over QuestDB's REST `/exec` endpoint. */
export class RestClient {
  constructor(private readonly connection: QuestDbConnection) {}

  /**
   * Runs a statement. Rows come back as objects keyed by column name; with a zod schema each row
   * is validated into `T`, otherwise it is typed `Record<string, unknown>`.
   */
  async query<T = Record<string, unknown>>(
    sql: string,
    schema?: z.ZodType<T>,
    options: QueryOptions = {},
  ): Promise<QueryResult<T>> {
    const body = await this.exec(sql, options);
    if (ddlResultSchema.safeParse(body).success || dmlResultSchema.safeParse(body).success) {
      return { columns: [], rows: [] };
    }
    const parsed = execResultSchema.safeParse(body);
    if (!parsed.success) {
      throw new QuestDbProtocolError(`unexpected /exec answer: ${JSON.stringify(body).slice(0, 200)}`);
    }
    const { columns, dataset } = parsed.data;
    const rows = dataset.map((values, i) => {
      // fromEntries defines own properties: a column named __proto__ is a column like any other.
      const row: Record<string, unknown> = Object.fromEntries(columns.map((c, j) => [c.name, values[j]]));
      if (!schema) return row as T;
      const ok = schema.safeParse(row);
      if (!ok.success) {
        throw new QuestDbProtocolError(`row ${i} of "${sql.slice(0, 80)}" has an unexpected shape: ${ok.error.message}`);
      }
      return ok.data;
    });
    return { columns, rows };
  }

  /** Runs DDL/DML; resolves when QuestDB acknowledged it. */
  async execute(sql: string, options: QueryOptions = {}): Promise<void> {
    await this.exec(sql, options);
  }

  /** Whether QuestDB answers a trivial query, how fast, and if not, why. Never throws. */
  async ping(timeoutMs = 2_000): Promise<PingResult> {
    const started = performance.now();
    try {
      await this.exec('SELECT 1', { timeoutMs }, timeoutMs);
      return { ok: true, latencyMs: performance.now() - started };
    } catch (error) {
      return { ok: false, error: describeError(error) };
    }
  }

  private async exec(sql: string, options: QueryOptions, fetchTimeoutMs = 60_000): Promise<unknown> {
    const url = `${this.connection.url}/exec?${new URLSearchParams({ query: sql })}`;
    const headers: Record<string, string> = { ...authHeader(this.connection) };
    if (options.timeoutMs) headers['Statement-Timeout'] = String(options.timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, { headers, signal: AbortSignal.timeout(Math.max(fetchTimeoutMs, (options.timeoutMs ?? 0) + 1_000)) });
    } catch (cause) {
      throw new QuestDbUnavailableError(`QuestDB at ${this.connection.url} is unreachable: ${describeError(cause)}`, { cause });
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (res.ok) {
      if (body === undefined) throw new QuestDbProtocolError(`non-JSON answer from /exec: ${text.slice(0, 200)}`);
      return body;
    }
    const err = errorSchema.safeParse(body);
    if (res.status >= 500 || !err.success) {
      if (res.status === 401 || res.status === 403) {
        throw new QuestDbQueryError(`not authorized (HTTP ${res.status}); check QUESTDB_USER/QUESTDB_PASSWORD`, undefined, sql, res.status);
      }
      throw new QuestDbUnavailableError(`QuestDB answered HTTP ${res.status}: ${text.slice(0, 200)}`);
    }
    throw new QuestDbQueryError(err.data.error, err.data.position, sql, res.status);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    // Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, …) is in its cause.
    return cause instanceof Error && !error.message.includes(cause.message) ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
