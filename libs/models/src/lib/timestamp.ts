/**
 * Timestamps travel inside Tradewatch as whole microseconds since the Unix epoch in a plain
 * `number`: QuestDB stores microseconds, and today's values (~1.8e15) are far below 2^53, so
 * they are exact without bigint.
 */
export type EpochMicros = number;

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const daysInMonth = (y: number, m: number) =>
  m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;

/** The value of `n` ASCII digits at `at`, or -1 when one is not a digit. */
function digits(text: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Parses an ISO-8601 UTC timestamp keeping microseconds; `undefined` when it is not one:
 * `YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}](Z|±00:00|±0000)`, a real calendar date (no 2026-02-30).
 * Hand-written rather than a regex and Date: it runs for every timestamp of every row.
 */
export function parseIsoMicros(text: string): EpochMicros | undefined {
  const n = text.length;
  if (n < 20 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  const t = text.charCodeAt(10);
  if (t !== 84 && t !== 32) return undefined; // 'T' or ' '
  const y = digits(text, 0, 4);
  const mo = digits(text, 5, 2);
  const d = digits(text, 8, 2);
  const h = digits(text, 11, 2);
  const mi = digits(text, 14, 2);
  const sec = digits(text, 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return undefined;
  let i = 19;
  let micros = 0;
  if (text.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < n && i - start < 10) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      if (i - start < 6) micros = micros * 10 + c;
      i++;
    }
    const count = i - start;
    if (count < 1 || count > 9) return undefined;
    for (let k = count; k < 6; k++) micros *= 10;
  }
  const zone = text.slice(i);
  if (zone !== 'Z' && zone !== '+00:00' && zone !== '-00:00' && zone !== '+0000' && zone !== '-0000') return undefined;
  const ms = daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + sec) * 1000;
  return ms * 1000 + micros;
}

/** Formats epoch microseconds as QuestDB does: `2026-11-22T16:23:25.123456Z`. */
export function formatIsoMicros(micros: EpochMicros): string {
  const ms = Math.floor(micros / 1000);
  const rest = micros - ms * 1000;
  const iso = new Date(ms).toISOString(); // …:25.123Z
  return `${iso.slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}

export function nowMicros(): EpochMicros {
  return Date.now() * 1000;
}
