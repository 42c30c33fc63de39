import { Position } from './position';

describe('Position (average-cost accounting, pure logic)', () => {
  it('a short position gains when the price falls and realizes on buy-back', () => {
    const p = new Position(1_000);
    p.fill('sell', 4, 50);
    p.setMark(40);
    expect(p.unrealized).toBe(40); // −4 × (40 − 50)
    p.fill('buy', 4, 45);
    expect(p.size).toBe(0);
    expect(p.realized).toBe(20); // 4 × (50 − 45)
    expect(p.unrealized).toBe(0);
    expect(p.drawdown).toBeCloseTo(((1_040 - 1_020) / 1_040) * 100, 12); // peak 1 040 at mark 40
  });

  it('carries fills beyond the interval’s placed orders to the next interval', () => {
    const p = new Position(1_000);
    p.placed = 1;
    p.fill('buy', 1, 10);
    p.fill('buy', 1, 10);
    expect(p.takeInterval()).toEqual({ placed: 1, filled: 1 });
    p.placed = 2;
    expect(p.takeInterval()).toEqual({ placed: 2, filled: 1 });
  });

  it('a position snapshot replaces size and average price', () => {
    const p = new Position(1_000);
    p.fill('buy', 1, 10);
    p.snapshot(-3, 12);
    p.setMark(11);
    expect(p.unrealized).toBe(3); // −3 × (11 − 12)
    expect(p.exposure).toBe(33);
  });
});
