import type { CollectorHeartbeatRow, Environment } from '@tradewatch/models';
import { BufferedWriter } from '../buffered-writer';
import type { Collector, ErrorReporter, RowOutput } from '../collector';

/** The spool's backlog as the heartbeat reports it (the app reads it from the spool's stats). */
export interface BacklogStats {
  depthRows: number;
  depthBytes: number;
  oldestAgeSeconds: number;
}

export interface HeartbeatDeps {
  /** The collector instance name (`collector` column). */
  collector: string;
  env: Environment;
  intervalMs: number;
  /** Through the same recorder, spool and shipper as every other row. */
  output: RowOutput;
  backlog: () => BacklogStats;
  sourcesSilent: () => number;
  onError: ErrorReporter;
  /** Clock in epoch ms; tests pin it. */
  now?: () => number;
}

/**
 * Writes a `collector_heartbeat` row every `intervalMs` (10 s by default). It travels the same
 * path as the data, so a stale newest heartbeat in QuestDB means a dead collector, a stuck
 * shipper or a stalled QuestDB: the one alert that treats no data as alerting.
 */
export class HeartbeatCollector implements Collector {
  readonly name = 'heartbeat';
  private timer: NodeJS.Timeout | undefined;
  private readonly writer: BufferedWriter<'collector_heartbeat'>;
  private readonly now: () => number;

  constructor(private readonly deps: HeartbeatDeps) {
    this.now = deps.now ?? Date.now;
    // Heartbeats are small and only the newest matters: a short buffer is enough.
    this.writer = new BufferedWriter('collector_heartbeat', deps.output, deps.onError, 1_000);
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => void this.beat(), this.deps.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Writes one heartbeat row now. */
  beat(): Promise<void> {
    return this.writer.write([this.row()]);
  }

  row(): CollectorHeartbeatRow {
    const b = this.deps.backlog();
    return {
      timestamp: this.now() * 1000,
      collector: this.deps.collector,
      env: this.deps.env,
      spool_backlog_rows: b.depthRows,
      spool_backlog_bytes: b.depthBytes,
      oldest_unshipped_age_seconds: b.oldestAgeSeconds,
      sources_silent: this.deps.sourcesSilent(),
    };
  }
}
