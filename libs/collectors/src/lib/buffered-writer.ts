import { ColumnRangeError, ValidationError, type Row, type TableName } from '@tradewatch/models';
import type { ErrorReporter, RowOutput } from './collector';

/**
 * Writes a collector's rows and, when the sink refuses them (QuestDB down without a spool, spool
 * full), keeps them for the next attempt instead of dropping them, up to `maxRows` (oldest go first).
 */
export class BufferedWriter<T extends TableName> {
  private unsent: Row<T>[] = [];

  constructor(
    private readonly table: T,
    private readonly output: RowOutput,
    private readonly onError: ErrorReporter,
    private readonly maxRows = 100_000,
  ) {}

  get pendingRows(): number {
    return this.unsent.length;
  }

  async write(rows: readonly Row<T>[]): Promise<void> {
    const batch = this.unsent.length > 0 ? [...this.unsent, ...rows] : [...rows];
    this.unsent = [];
    if (batch.length === 0) return;
    try {
      await this.output.write(this.table, batch);
    } catch (error) {
      // A rejected row will be rejected again: only transient failures are worth keeping.
      // Concatenated, not assigned: a concurrent write may have failed and kept rows meanwhile.
      const refused = error instanceof ValidationError || error instanceof ColumnRangeError;
      if (!refused) this.unsent = batch.concat(this.unsent).slice(-this.maxRows);
      const kept = refused ? 'dropped' : `kept ${this.unsent.length} for the next attempt`;
      this.onError(error as Error, `${this.table}: writing ${batch.length} row(s) failed, ${kept}`);
    }
  }
}
