import { z } from 'zod';
import type { Environment, TradingEvent, TradingMetricsRow } from '@tradewatch/models';
import { IntervalCollector, type IntervalCollectorDeps } from '../interval-collector';
import { Position } from './position';

export const tradingOptionsSchema = z.strictObject({
  /** A row per position at least this often. */
  intervalMs: z.number().int().min(100).max(1_000).default(1_000),
  /** Starting equity of each position's book, the base of `drawdown` (percent of peak equity). */
  capital: z
    .strictObject({
      default: z.number().positive().default(100_000),
      strategies: z.record(z.string(), z.number().positive()).default({}),
    })
    .prefault({}),
});
export type TradingOptions = z.infer<typeof tradingOptionsSchema>;

export type TradingCollectorDeps = IntervalCollectorDeps;

interface Book {
  key: { strategy: string; symbol: string; venue: string; env: Environment };
  position: Position;
  /** Whether the last emitted row showed a flat, idle position (no need to repeat it). */
  idle: boolean;
}

/**
 * Keeps average-cost positions per strategy/symbol/venue/env from trading events and writes a
 * trading_metrics row per open or active position every interval: realized and unrealized PnL,
 * position size, exposure, orders placed and filled in the interval, fill rate, drawdown.
 */
export class TradingCollector extends IntervalCollector<'trading_metrics'> {
  readonly name = 'trading';
  private readonly books = new Map<string, Book>();
  /** Latest mark per symbol/venue, so a position opened after the mark starts with it. */
  private readonly marks = new Map<string, number>();

  constructor(
    private readonly options: TradingOptions,
    deps: TradingCollectorDeps,
  ) {
    super('trading_metrics', options.intervalMs, deps);
  }

  /** Applies validated events in order. */
  record(events: readonly TradingEvent[]): void {
    for (const e of events) {
      if (e.type === 'mark') {
        this.marks.set(`${e.symbol}\u0000${e.venue}`, e.price);
        for (const b of this.books.values()) {
          if (b.key.symbol === e.symbol && b.key.venue === e.venue) b.position.setMark(e.price);
        }
        continue;
      }
      const book = this.book(e);
      if (e.type === 'order_placed') book.position.placed += 1;
      else if (e.type === 'order_filled') book.position.fill(e.side, e.quantity, e.price, e.fee);
      else book.position.snapshot(e.size, e.avg_price);
      book.idle = false;
    }
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

  private book(e: Book['key']): Book {
    const id = [e.strategy, e.symbol, e.venue, e.env].join('\u0000');
    let b = this.books.get(id);
    if (!b) {
      const capital = this.options.capital.strategies[e.strategy] ?? this.options.capital.default;
      b = { key: { strategy: e.strategy, symbol: e.symbol, venue: e.venue, env: e.env }, position: new Position(capital), idle: false };
      b.position.mark = this.marks.get(`${e.symbol}\u0000${e.venue}`);
      this.books.set(id, b);
    }
    return b;
  }
}
