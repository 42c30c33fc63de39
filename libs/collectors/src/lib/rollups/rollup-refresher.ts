import type { Collector, ErrorReporter } from '../collector';

export interface RollupRefresherDeps {
  /** Asks QuestDB to refresh every rollup incrementally (`refreshRollups` of the questdb-client). */
  refresh: () => Promise<void>;
  /** How often; 0 turns the refresher off (another collector refreshes). */
  intervalMs: number;
  onError: ErrorReporter;
  /** Counts failed refresh requests (the app's metric). */
  failed?: () => void;
}

/**
 * Keeps the 1-minute rollups (`REFRESH MANUAL` materialized views) at most `intervalMs` behind
 * their raw tables: one incremental refresh request per interval, the first at start. A failure
 * (QuestDB unreachable) is reported once per streak and retried at the next interval. The app
 * calls `tick` once more after draining the spool at shutdown, so the last rows are rolled up too.
 */
export class RollupRefresher implements Collector {
  readonly name = 'rollups';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private failing = false;

  constructor(private readonly deps: RollupRefresherDeps) {}

  async start(): Promise<void> {
    if (this.deps.intervalMs <= 0) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.deps.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One refresh request (skipped while the previous one is still under way). */
  tick(): Promise<void> {
    this.running ??= this.deps
      .refresh()
      .then(
        () => {
          this.failing = false;
        },
        (error: Error) => {
          this.deps.failed?.();
          if (!this.failing) this.deps.onError(error, 'refreshing the rollups (retried every interval)');
          this.failing = true;
        },
      )
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
