import { z } from 'zod';
import { ValidationError, rowRangeIssues, type Environment, type FieldIssue, type TradingEvent, type TradingMetricsRow } from '@tradewatch/models';
import { nameMap } from '../name-map';
import { IntervalCollector, type IntervalCollectorDeps } from '../interval-collector';
import { Position } from './position';

export const tradingOptionsSchema = z.strictObject({
  /** A row per position at least this often. */
  intervalMs: z.number().int().min(100).max(1_000).default(1_000),
  /** Starting equity of each position's book, the base of `drawdown` (percent of peak equity). */
  capital: z
    .strictObject({
      default: z.number().positive().default(100_000),
      strategies: nameMap(z.number().positive()).default(new Map()),
    })
    .prefault({}),
});
export type TradingOptions = z.infer<typeof tradingOptionsSchema>;

export interface TradingCollectorDeps extends IntervalCollectorDeps {
  /** Sees the events: they are the strategies' reports (this collector's rows are derived from them). */
  onEvents?: (events: readonly TradingEvent[]) => void;
}

interface Book {
  key: { strategy: string; symbol: string; venue: string; env: Environment };
  position: Position;
  /** Whether the last emitted row showed a flat, idle position (no need to repeat it). */
  idle: boolean;
  /** Event time (epoch µs) of the mark the position holds and of the last snapshot applied. */
  markAt: number;
  snapshotAt: number;
}

interface Mark {
  price: number;
  at: number;
}

/**
 * Keeps average-cost positions per strategy/symbol/venue/env from trading events and writes a
 * trading_metrics row per open or active position every interval: realized and unrealized PnL,
 * position size, exposure, orders placed and filled in the interval, fill rate, drawdown.
 */
export class TradingCollector extends IntervalCollector<'trading_metrics'> {
  readonly name = 'trading';
  private readonly books = new Map<string, Book>();
  /** Latest mark per symbol/venue (by event time), so a position opened after the mark starts with it. */
  private readonly marks = new Map<string, Mark>();
  /** Capital per strategy: a Map, so a strategy named `constructor` or `__proto__` is just a name. */
  private readonly capital: ReadonlyMap<string, number>;

  constructor(
    private readonly options: TradingOptions,
    private readonly deps: TradingCollectorDeps,
  ) {
    super('trading_metrics', options.intervalMs, deps);
    this.capital = options.capital.strategies;
  }

  /**
   * Applies validated events in event-time order (events without a timestamp: when received), all
   * or nothing: a mark or position snapshot older than the one already applied does not override
   * it, and an event that would make a derived value unstorable (PnL or exposure beyond a DOUBLE,
   * NaN) is refused with a ValidationError, leaving every position as it was.
   */
  record(events: readonly TradingEvent[]): void {
    const received = this.now() * 1000;
    const ordered = events
      .map((e, i) => ({ e, i, at: e.timestamp ?? received }))
      .sort((a, b) => a.at - b.at || a.i - b.i);
    const undo = new Undo(this.books, this.marks);
    const issues: FieldIssue[] = [];
    const check = (b: Book, row: number, path: string) => {
      for (const issue of rowRangeIssues('trading_metrics', [derived(b.position)])) {
        issues.push({ row, path, message: `would make ${issue.path} of ${b.key.strategy}/${b.key.symbol}/${b.key.venue} ${issue.message.slice(3)}` });
      }
    };
    for (const { e, i, at } of ordered) {
      if (e.type === 'mark') {
        const key = markKey(e.symbol, e.venue);
        const last = this.marks.get(key);
        if (last && last.at > at) continue;
        undo.mark(key);
        this.marks.set(key, { price: e.price, at });
        for (const b of this.books.values()) {
          if (b.key.symbol !== e.symbol || b.key.venue !== e.venue || b.markAt > at) continue;
          undo.book(b);
          b.position.setMark(e.price);
          b.markAt = at;
          check(b, i, 'price');
        }
        continue;
      }
      const book = this.book(e, undo);
      undo.book(book);
      if (e.type === 'order_placed') book.position.placed += 1;
      else if (e.type === 'order_filled') book.position.fill(e.side, e.quantity, e.price, e.fee);
      else if (at >= book.snapshotAt) {
        book.position.snapshot(e.size, e.avg_price);
        book.snapshotAt = at;
      }
      book.idle = false;
      check(book, i, e.type === 'position' ? 'size' : 'quantity');
    }
    if (issues.length > 0) {
      undo.restore();
      throw new ValidationError('trading_events', issues);
    }
    this.deps.onEvents?.(events);
  }

  /** One row per position that is open or saw activity. */
  protected rows(now: number): TradingMetricsRow[] {
    const rows: TradingMetricsRow[] = [];
    for (const b of this.books.values()) {
      const p = b.position;
      const { placed, filled } = p.takeInterval();
      if (b.idle && p.size === 0 && placed === 0 && filled === 0) continue;
      rows.push({
        timestamp: now,
        ...b.key,
        pnl: p.realized,
        unrealized_pnl: p.unrealized,
        position_size: p.size,
        orders_placed: placed,
        orders_filled: filled,
        fill_rate: placed > 0 ? filled / placed : null,
        exposure: p.exposure,
        drawdown: p.drawdown,
      });
      b.idle = p.size === 0 && placed === 0 && filled === 0;
    }
    return rows;
  }

  private book(e: Book['key'], undo: Undo): Book {
    const id = [e.strategy, e.symbol, e.venue, e.env].join('\u0000');
    let b = this.books.get(id);
    if (!b) {
      const mark = this.marks.get(markKey(e.symbol, e.venue));
      b = {
        key: { strategy: e.strategy, symbol: e.symbol, venue: e.venue, env: e.env },
        position: new Position(this.capital.get(e.strategy) ?? this.options.capital.default),
        idle: false,
        markAt: mark?.at ?? -Infinity,
        snapshotAt: -Infinity,
      };
      b.position.mark = mark?.price;
      this.books.set(id, b);
      undo.created(id);
    }
    return b;
  }
}

const markKey = (symbol: string, venue: string) => `${symbol}\u0000${venue}`;

/** The values of a position's row that can overflow a column. */
function derived(p: Position) {
  return { pnl: p.realized, unrealized_pnl: p.unrealized, position_size: p.size, exposure: p.exposure, drawdown: p.drawdown };
}

/** What one `record` call changed, to put back when it refuses the events. */
class Undo {
  private readonly books = new Map<Book, Omit<Book, 'key'>>();
  private readonly newBooks: string[] = [];
  private readonly marks = new Map<string, Mark | undefined>();

  constructor(
    private readonly allBooks: Map<string, Book>,
    private readonly allMarks: Map<string, Mark>,
  ) {}

  book(b: Book): void {
    if (!this.books.has(b)) this.books.set(b, { ...b, position: b.position.clone() });
  }

  created(id: string): void {
    this.newBooks.push(id);
  }

  mark(key: string): void {
    if (!this.marks.has(key)) this.marks.set(key, this.allMarks.get(key));
  }

  restore(): void {
    for (const [b, saved] of this.books) Object.assign(b, saved);
    for (const id of this.newBooks) this.allBooks.delete(id);
    for (const [key, mark] of this.marks) {
      if (mark) this.allMarks.set(key, mark);
      else this.allMarks.delete(key);
    }
  }
}
