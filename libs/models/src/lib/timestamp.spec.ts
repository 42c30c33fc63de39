import fc from 'fast-check';
import { formatIsoMicros, parseIsoMicros } from './timestamp';

describe('timestamps in epoch microseconds', () => {
  it('round-trips microseconds through ISO text as QuestDB prints it', () => {
    const text = '2026-01-02T03:04:05.000006Z';
    expect(parseIsoMicros(text)).toBe(Date.UTC(2026, 0, 2, 3, 4, 5) * 1000 + 6);
    expect(formatIsoMicros(parseIsoMicros(text) as number)).toBe(text);
  });

  it('accepts Z, +00:00 and fewer or more fraction digits (truncating below a microsecond)', () => {
    expect(parseIsoMicros('2026-01-02T03:04:05Z')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5) * 1000);
    expect(parseIsoMicros('2026-01-02T03:04:05.5+00:00')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5) * 1000 + 500_000);
    expect(parseIsoMicros('2026-01-02T03:04:05.123456789Z')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5) * 1000 + 123_456);
  });

  it('refuses non-UTC and impossible times', () => {
    expect(parseIsoMicros('2026-01-02T03:04:05+01:00')).toBeUndefined();
    expect(parseIsoMicros('2026-01-02T24:00:00Z')).toBeUndefined();
    expect(parseIsoMicros('2026-02-29T00:00:00Z')).toBeUndefined();
    expect(parseIsoMicros('2028-02-29T00:00:00Z')).toBeDefined();
  });
});

describe('parseIsoMicros against a reference (regex + Date, property test)', () => {
  const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]00:?00)$/;
  function reference(text: string): number | undefined {
    const m = ISO.exec(text);
    if (!m) return undefined;
    const [, y, mo, d, h, mi, s, frac] = m;
    const date = new Date(0);
    date.setUTCFullYear(+y, +mo - 1, +d);
    date.setUTCHours(+h, +mi, +s, 0);
    if (date.getUTCMonth() !== +mo - 1 || date.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) return undefined;
    return date.getTime() * 1000 + (frac ? Number(frac.padEnd(6, '0').slice(0, 6)) : 0);
  }
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const candidate = fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 61 }),
      fc.option(fc.stringMatching(/^[0-9]{0,11}$/), { nil: undefined }),
      fc.constantFrom('T', ' ', 't', '_'),
      fc.constantFrom('Z', '+00:00', '-00:00', '+0000', '-0000', 'z', '+01:00', '', '+00'),
    )
    .map(([y, mo, d, h, mi, s, frac, sep, zone]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}${sep}${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${frac === undefined ? '' : `.${frac}`}${zone}`);

  it('agrees on well-formed and malformed timestamps alike', () => {
    fc.assert(fc.property(fc.oneof(candidate, fc.string({ maxLength: 40 })), (text) => expect(parseIsoMicros(text)).toBe(reference(text))), { numRuns: 5000 });
  });
});
