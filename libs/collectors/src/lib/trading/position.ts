/**
 * Average-cost accounting for one strategy's position in one symbol on one venue. `size` is
 * signed (long > 0, short < 0). Realized PnL comes from closing quantity against the average
 * entry price; fees reduce it. Flipping through zero closes the old side and opens the new one at
 * the fill price.
 */
export class Position {
  size = 0;
  avgPrice = 0;
  realized = 0;
  mark: number | undefined;
  peakEquity: number;
  placed = 0;
  filled = 0;
  /** Fills of orders placed in an earlier interval, carried so that filled never exceeds placed. */
  private carriedFills = 0;

  constructor(readonly capital: number) {
    this.peakEquity = capital;
  }

  /** An independent copy (to undo a refused batch of events). */
  clone(): Position {
    return Object.assign(Object.create(Position.prototype) as Position, this);
  }

  fill(side: 'buy' | 'sell', quantity: number, price: number, fee = 0): void {
    const signed = side === 'buy' ? quantity : -quantity;
    if (this.size === 0 || Math.sign(this.size) === Math.sign(signed)) {
      this.avgPrice = (this.avgPrice * Math.abs(this.size) + price * quantity) / (Math.abs(this.size) + quantity);
      this.size += signed;
    } else {
      const closing = Math.min(quantity, Math.abs(this.size));
      this.realized += closing * (price - this.avgPrice) * Math.sign(this.size);
      const remaining = quantity - closing;
      this.size += signed;
      if (Math.abs(this.size) < 1e-12) {
        this.size = 0;
        this.avgPrice = 0;
      } else if (remaining > 0) {
        this.avgPrice = price;
      }
    }
    this.realized -= fee;
    if (this.mark === undefined) this.mark = price;
    this.filled += 1;
    this.updatePeak();
  }

  setMark(price: number): void {
    this.mark = price;
    this.updatePeak();
  }

  /** Replaces the tracked position with a snapshot (reconciliation). */
  snapshot(size: number, avgPrice: number): void {
    this.size = size;
    this.avgPrice = size === 0 ? 0 : avgPrice;
    this.updatePeak();
  }

  get unrealized(): number {
    return this.mark === undefined || this.size === 0 ? 0 : this.size * (this.mark - this.avgPrice);
  }

  /** Notional value of the position at the mark. */
  get exposure(): number {
    return Math.abs(this.size) * (this.mark ?? this.avgPrice);
  }

  get equity(): number {
    return this.capital + this.realized + this.unrealized;
  }

  /** Percent below the peak equity, 0..100. */
  get drawdown(): number {
    if (this.peakEquity <= 0) return 0;
    return Math.min(100, Math.max(0, ((this.peakEquity - this.equity) / this.peakEquity) * 100));
  }

  /** The interval's order counts (fills beyond the placed orders move to the next interval); resets them. */
  takeInterval(): { placed: number; filled: number } {
    const placed = this.placed;
    const fills = this.filled + this.carriedFills;
    const filled = Math.min(fills, placed);
    this.carriedFills = fills - filled;
    this.placed = 0;
    this.filled = 0;
    return { placed, filled };
  }

  private updatePeak(): void {
    this.peakEquity = Math.max(this.peakEquity, this.equity);
  }
}
