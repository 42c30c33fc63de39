/**
 * Timestamps travel inside Tradewatch as whole microseconds since the Unix epoch in a plain
 * `number`: QuestDB stores microseconds, and today's values (~1.8e15) are far below 2^53, so
 * they are exact without bigint.
 */
export type EpochMicros = number;

const ISO_UTC =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]00:?00)$/;

/** Parses an ISO-8601 UTC timestamp keeping microseconds; `undefined` when it is not one. */
export function parseIsoMicros(text: string): EpochMicros | undefined {
  const m = ISO_UTC.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac] = m;
  // Not Date.UTC(y, …): it reads years 0-99 as 1900-1999.
  const check = new Date(0);
  check.setUTCFullYear(+y, +mo - 1, +d);
  check.setUTCHours(+h, +mi, +s, 0);
  const ms = check.getTime();
  // Date.UTC silently rolls 2026-02-30 over to March; a real calendar date round-trips.
  if (check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) {
    return undefined;
  }
  const micros = frac ? Number(frac.padEnd(6, '0').slice(0, 6)) : 0;
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
