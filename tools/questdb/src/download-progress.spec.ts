import { DownloadProgress, formatProgress } from './download-progress';

const MB = 1024 * 1024;

function fakeStream(isTTY: boolean): { write: (s: string) => void; isTTY: boolean; text: () => string } {
  const chunks: string[] = [];
  return { isTTY, write: (s) => void chunks.push(s), text: () => chunks.join('') };
}

describe('DownloadProgress', () => {
  it('formats percent and MB', () => {
    expect(formatProgress('jar', 15 * MB, 30 * MB)).toBe('jar: 50% (15.0 / 30.0 MB)');
    expect(formatProgress('jar', 2.5 * MB, undefined)).toBe('jar: 2.5 MB');
  });

  it('prints nothing for a download that ends within a second', () => {
    let now = 0;
    const out = fakeStream(false);
    const p = new DownloadProgress(out, 'jar', 10 * MB, () => now);
    now = 900;
    p.add(10 * MB);
    p.finish();
    expect(out.text()).toBe('');
  });

  it('prints a line per 10 % when stderr is not a terminal', () => {
    let now = 0;
    const out = fakeStream(false);
    const p = new DownloadProgress(out, 'jar', 10 * MB, () => now);
    now = 1500;
    for (let i = 0; i < 20; i++) p.add(MB / 2);
    now = 3000;
    p.finish();
    const lines = out.text().trimEnd().split('\n');
    expect(lines[0]).toBe('jar: 5% (0.5 / 10.0 MB)');
    expect(lines).toContain('jar: 50% (5.0 / 10.0 MB)');
    expect(lines[lines.length - 1]).toBe('jar: 100% (10.0 / 10.0 MB) done in 3.0 s');
    expect(lines.length).toBe(12); // 0 %..100 % in steps of ten, plus "done"
  });

  it('rewrites one line on a terminal', () => {
    let now = 0;
    const out = fakeStream(true);
    const p = new DownloadProgress(out, 'jar', 4 * MB, () => now);
    for (let i = 1; i <= 4; i++) {
      now = 1000 + i * 300;
      p.add(MB);
    }
    p.finish();
    expect(out.text()).toBe(
      '\rjar: 25% (1.0 / 4.0 MB)\rjar: 50% (2.0 / 4.0 MB)\rjar: 75% (3.0 / 4.0 MB)' +
        '\rjar: 100% (4.0 / 4.0 MB)\rjar: 100% (4.0 / 4.0 MB) done in 2.2 s\n',
    );
  });
});
