/** One problem with one field of one input row. `row` is the index in the submitted batch. */
export interface FieldIssue {
  row: number;
  path: string;
  message: string;
}

/** Base of every Tradewatch error: a stable machine-readable `code` next to the human message. */
export abstract class TradewatchError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input rows failed validation; nothing of the batch was accepted. */
export class ValidationError extends TradewatchError {
  readonly code = 'validation_failed';
  constructor(
    readonly table: string,
    readonly issues: FieldIssue[],
  ) {
    super(
      `${table}: ${issues.length} invalid field(s): ` +
        issues
          .slice(0, 5)
          .map((i) => `row ${i.row} ${i.path || '(row)'}: ${i.message}`)
          .join('; ') +
        (issues.length > 5 ? '; …' : ''),
    );
  }
}
