import { TradewatchError } from '@tradewatch/models';

/** The spool holds as much unshipped data as it may; the rows were not taken. Back-pressure: retry later. */
export class SpoolFullError extends TradewatchError {
  readonly code = 'spool_full';
  constructor(
    readonly depthBytes: number,
    readonly maxBytes: number,
    /** When a retry has a fair chance: from the recent shipping rate, or a default while QuestDB is away. */
    readonly retryAfterSeconds: number,
  ) {
    super(
      `the spool is full (${depthBytes} of ${maxBytes} bytes waiting for QuestDB); ` +
        `nothing was stored, retry in ${retryAfterSeconds} s`,
    );
  }
}

/** Another live process already uses this spool directory. */
export class SpoolLockedError extends TradewatchError {
  readonly code = 'spool_locked';
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`spool directory ${dir} is in use by process ${pid}; two writers would corrupt it`);
  }
}

/** The spool is closed, or a disk write failed and it stopped taking rows to avoid acknowledging lost data. */
export class SpoolUnavailableError extends TradewatchError {
  readonly code = 'spool_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
