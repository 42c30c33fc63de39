import type { Row, TableName } from '@tradewatch/models';
import { BufferedWriter } from './buffered-writer';
import type { Collector, ErrorReporter, RowOutput } from './collector';

export interface IntervalCollectorDeps {
  output: RowOutput;
  onError: ErrorReporter;
  /** Clock in epoch ms; tests pin it. */
  now?: () => number;
}

/**
 * A collector that aggregates events in memory and writes one batch of rows per interval, and a
 * last one on `stop` so a shutdown loses nothing aggregated. Subclasses build the rows in `rows`.
 */
export abstract class IntervalCollector<T extends TableName> implements Collector {
  abstract readonly name: string;
  protected readonly now: () => number;
  private readonly writer: BufferedWriter<T>;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    table: T,
    private readonly intervalMs: number,
    deps: IntervalCollectorDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.writer = new BufferedWriter(table, deps.output, deps.onError);
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.tick();
  }

  /** Ends the current interval: writes its rows and starts the next. */
  async tick(): Promise<void> {
    await this.writer.write(this.rows(this.now() * 1000));
  }

  /** The rows of the interval ending at `now` (epoch µs); resets the interval's aggregates. */
  protected abstract rows(now: number): Row<T>[];
}
