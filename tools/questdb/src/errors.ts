/**
 * One error type with a machine-readable code, so callers (the CLI, the jest glue, fault tests)
 * can react to a situation, e.g. "already running" is success for `questdb:start`, without
 * matching on message text.
 */
export type QuestDbErrorCode =
  | 'CONFIG'
  | 'JAVA_NOT_FOUND'
  | 'JAVA_TOO_OLD'
  | 'DOWNLOAD_FAILED'
  | 'CHECKSUM_MISMATCH'
  | 'ALREADY_RUNNING'
  | 'PORT_IN_USE'
  | 'EXITED_EARLY'
  | 'START_TIMEOUT'
  | 'NOT_REACHABLE';

export class QuestDbLauncherError extends Error {
  constructor(
    readonly code: QuestDbErrorCode,
    message: string,
    /** For ALREADY_RUNNING: the pid of the QuestDB that owns the data dir. */
    readonly pid?: number,
  ) {
    super(message);
    this.name = 'QuestDbLauncherError';
  }
}

export function isLauncherError(err: unknown, code?: QuestDbErrorCode): err is QuestDbLauncherError {
  return err instanceof QuestDbLauncherError && (code === undefined || err.code === code);
}
