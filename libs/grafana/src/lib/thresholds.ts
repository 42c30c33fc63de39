/**
 * Every alerting and display threshold in one place: dashboards draw them as threshold markers
 * and colours, alert rules fire on them. Change a number here and regenerate.
 */
export const THRESHOLDS = {
  /** A daemon or exchange feed with no row (or no message) for this long is stale. */
  staleSeconds: 60,
  memoryBytes: { warning: 2 * 1024 ** 3, critical: 4 * 1024 ** 3 },
  cpuPercent: { warning: 80, critical: 95 },
  errorsPerMinute: { warning: 1, critical: 5 },
  latencyMs: { warning: 500, critical: 2000 },
  /** Reconnects of one exchange feed within the alert window (10 minutes). */
  reconnectsPer10m: { warning: 5 },
  /** No OI fetch row for this long counts as stalled (OI cadence is 5 minutes). */
  oiStalledMinutes: 15,
  drawdownPercent: { warning: 5, critical: 10 },
  /** Share of an exchange's REST calls that failed over 10 minutes (at least `restMinCalls` calls). */
  restErrorPercent: { warning: 10 },
  restMinCalls: 20,
  /** Calls refused for rate limits (RateLimitExceeded, DDoSProtection) per exchange and host in 5 minutes. */
  rateLimitedPer5m: { warning: 10 },
  /** The collector writes a heartbeat every 10 s; none in QuestDB for this long pages someone. */
  heartbeatStaleSeconds: 120,
} as const;

export type Severity = 'warning' | 'critical';
