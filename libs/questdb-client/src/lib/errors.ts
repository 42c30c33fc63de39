import { TradewatchError } from '@tradewatch/models';

/** QuestDB answered a SQL statement with an error (HTTP 400 from `/exec`). */
export class QuestDbQueryError extends TradewatchError {
  readonly code = 'questdb_query_error';
  constructor(
    /** QuestDB's own message, e.g. "table does not exist [table=x]". */
    readonly questdbMessage: string,
    /** Character offset into the SQL where QuestDB found the problem, when it says. */
    readonly position: number | undefined,
    readonly sql: string,
    readonly httpStatus: number,
  ) {
    super(
      `QuestDB rejected the query: ${questdbMessage}` +
        (position !== undefined ? ` (at position ${position})` : '') +
        `\n  ${sql.length > 300 ? `${sql.slice(0, 300)}…` : sql}`,
    );
  }
}

/** QuestDB could not be reached or answered with a server error; worth retrying. */
export class QuestDbUnavailableError extends TradewatchError {
  readonly code = 'questdb_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** QuestDB refused an ILP batch for a reason a retry won't fix (e.g. a column type mismatch). */
export class IlpRejectedError extends TradewatchError {
  readonly code = 'ilp_rejected';
  /** The rejected rows, so the caller can keep them (e.g. in a dead-letter file); empty when the request was ILP text. */
  readonly rows: readonly unknown[];
  readonly rowCount: number;
  constructor(
    readonly table: string,
    readonly questdbMessage: string,
    /** The rejected rows, or how many lines the refused ILP body held. */
    rows: readonly unknown[] | number,
    /** QuestDB's HTTP status; absent when the rows could not even be encoded. */
    readonly httpStatus?: number,
    /** The line of the body QuestDB names (1-based), when it does. */
    readonly line?: number,
  ) {
    const rowCount = typeof rows === 'number' ? rows : rows.length;
    super(`QuestDB rejected ${rowCount} row(s) for ${table}: ${questdbMessage}`);
    this.rows = typeof rows === 'number' ? [] : rows;
    this.rowCount = rowCount;
  }
}

/** A row that cannot be written as ILP (a value of the wrong type, or outside its column's range): a bug upstream of the encoder. */
export class RowEncodingError extends TradewatchError {
  readonly code = 'row_not_encodable';
  constructor(
    readonly table: string,
    readonly column: string,
    reason: string,
  ) {
    super(`${table}.${column}: ${reason}`);
  }
}

/** An existing table differs from the registry; writing to it would corrupt or fail. */
export class SchemaMismatchError extends TradewatchError {
  readonly code = 'schema_mismatch';
  constructor(
    readonly table: string,
    readonly differences: string[],
    readonly kind: 'table' | 'materialized view' = 'table',
  ) {
    super(
      `${kind} ${table} exists but does not match the Tradewatch schema:\n  - ${differences.join('\n  - ')}\n` +
        (kind === 'table'
          ? `Migrate or rename the table; Tradewatch will not write to it as it is.`
          : `Drop it (DROP MATERIALIZED VIEW ${table}); the next start recreates it from its source table.`),
    );
  }
}

/** A QuestDB answer did not have the shape its API documents. */
export class QuestDbProtocolError extends TradewatchError {
  readonly code = 'questdb_protocol_error';
}

/** A rollup (materialized view) did not catch up with its source table, or QuestDB invalidated it. */
export class RollupRefreshError extends TradewatchError {
  readonly code = 'rollup_refresh_failed';
}
