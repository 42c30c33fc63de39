import { parseIsoMicros, type EpochMicros } from './timestamp';
import type { ValidationOptions } from './validation-options';

const DAY_MICROS = 86_400_000_000;
/**
 * A designated timestamp must be this much younger than the table's TTL: QuestDB drops whole
 * partitions once they are older than the TTL, so a row just inside the limit could be dropped
 * while it is still on its way (spool, shipper, WAL apply).
 */
export const RETENTION_MARGIN_MICROS = 3_600_000_000;

/** What bounds a timestamp: the clock and skew always, the table's TTL for the designated one. */
export interface TimestampLimits {
  options: ValidationOptions;
  retentionDays?: number;
  table?: string;
}

/** The oldest designated timestamp a table accepts now (epoch µs). */
export function oldestAcceptedMicros(retentionDays: number, nowMs: number): EpochMicros {
  return nowMs * 1000 - retentionDays * DAY_MICROS + RETENTION_MARGIN_MICROS;
}

/**
 * Parses a timestamp and checks it can be stored and kept: the epoch micros, or a message saying
 * why not. Shared by the zod schema and the compiled validator, so both give the same answer.
 * `nowMs` defaults to the options' clock; a batch passes it once (reading the clock costs µs on some VMs).
 */
export function timestampProblem(text: string, limits: TimestampLimits, nowMs: number = limits.options.now()): EpochMicros | string {
  const micros = parseIsoMicros(text);
  if (micros === undefined) return 'must be an ISO-8601 UTC timestamp such as 2026-01-31T12:00:00.000000Z';
  if (micros < 0) return 'is before 1970-01-01T00:00:00Z, which QuestDB cannot store';
  const o = limits.options;
  if (micros > (nowMs + o.maxFutureSkewMs) * 1000) {
    return `is in the future (more than ${o.maxFutureSkewMs} ms ahead of the collector's clock)`;
  }
  const days = limits.retentionDays;
  if (days !== undefined && micros < oldestAcceptedMicros(days, nowMs)) {
    const table = limits.table ? `${limits.table} keeps` : 'the table keeps';
    return `is older than the retention: ${table} ${days} days and QuestDB would drop the row (the limit is ${days} days less 1 hour before now)`;
  }
  return micros;
}
