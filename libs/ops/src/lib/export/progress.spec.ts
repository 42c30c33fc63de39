import { ProgressDisplay, formatBytes, formatProgress } from './progress';

describe('formatProgress', () => {
  it('shows rows against the expected total, bytes and both rates', () => {
    expect(formatProgress({ rows: 12_345, expectedRows: 100_000, bytes: 2 * 1024 * 1024, elapsedMs: 2_000 })).toBe(
      '12,345 / 100,000 rows (12%), 2.0 MiB, 6,173 rows/s, 1.0 MiB/s, 2s',
    );
    expect(formatProgress({ rows: 10, bytes: 500, elapsedMs: 500 })).toBe('10 rows, 500 B, 20 rows/s, 1000 B/s, 500ms');
  });

  it('formats sizes in binary units', () => {
    expect([formatBytes(0), formatBytes(1536), formatBytes(5 * 1024 ** 3)]).toEqual(['0 B', '1.5 KiB', '5.0 GiB']);
  });
});

describe('ProgressDisplay (fake streams)', () => {
  const snap = { rows: 1, bytes: 10, elapsedMs: 1_000 };

  it('redraws one line on a terminal, at most every interval', () => {
    const written: string[] = [];
    const display = new ProgressDisplay({ isTTY: true, write: (t: string) => written.push(t) }, 200);
    display.update(snap, 1_000);
    display.update(snap, 1_100); // too soon
    display.update(snap, 1_300);
    display.done(snap, 'done');
    expect(written).toHaveLength(3);
    expect(written[0].startsWith('\r\x1b[2K')).toBe(true);
    expect(written[2].startsWith('\r\x1b[2Kdone: 1 rows, ')).toBe(true);
  });

  it('prints plain lines when not on a terminal', () => {
    const written: string[] = [];
    const display = new ProgressDisplay({ isTTY: false, write: (t: string) => written.push(t) });
    display.update(snap, 10_000);
    display.done(snap, 'wrote x.csv');
    expect(written).toEqual(['1 rows, 10 B, 1 rows/s, 10 B/s, 1s\n', 'wrote x.csv: 1 rows, 10 B, 1 rows/s, 10 B/s, 1s\n']);
  });
});
