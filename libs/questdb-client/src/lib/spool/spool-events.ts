import type { RecoveryReport } from './segment-log';

/**
 * What the spool reports, for the application's logger and metrics. Every event carries a level
 * and a ready-made one-line message, so a logger hook can be `(e) => log[e.level](e, e.message)`.
 */
export type SpoolEvent =
  | { type: 'recovered'; level: 'info' | 'warn'; message: string; report: RecoveryReport; committed: number }
  | { type: 'checkpoint_invalid'; level: 'warn'; message: string; reason: string }
  | { type: 'shipped'; level: 'debug'; message: string; table: string; rows: number; seconds: number }
  | { type: 'ship_failed'; level: 'warn'; message: string; error: string; attempt: number; retryInMs: number }
  | { type: 'ship_resumed'; level: 'info'; message: string; failedForSeconds: number }
  /** QuestDB refused a request for good: it is split to find the refused rows (then `dead_letter` for each). */
  | { type: 'ship_refused'; level: 'warn'; message: string; table: string; rows: number; error: string }
  /** `row`: the refused row as its ILP line (cut at 300 characters). */
  | { type: 'dead_letter'; level: 'error'; message: string; table: string; rows: number; error: string; row: string; file: string }
  | { type: 'corrupt_skipped'; level: 'error'; message: string; offset: number; bytes: number; reason: string };

export type SpoolEventListener = (event: SpoolEvent) => void;
