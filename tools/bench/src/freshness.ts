import { Pool } from 'undici';
import { formatIsoMicros, type EpochMicros } from '@tradewatch/models';
import { MetricsClient } from '@tradewatch/questdb-client';
import { median, percentile } from './stats';

export interface FreshnessResult {
  probes: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Acknowledged probes not visible within the give-up time. */
  missing: number;
}

const PROBE_HOST = 'freshness-probe';
const POLL_MS = 50;
const GIVE_UP_MS = 30_000;

/** Unique, increasing row timestamps near the wall clock (the collector refuses future ones). */
export class Clock {
  private last = 0;
  next(step: number): EpochMicros {
    this.last = Math.max(Date.now() * 1000 - 1_000_000, this.last + step);
    return this.last;
  }
}

/**
 * Probe rows sent through the collector, and the one poller that looks for them in QuestDB:
 * from each probe's acknowledgement until a query returns it (polled every 50 ms).
 */
export class FreshnessProbes {
  private readonly waiting = new Map<string, number>();
  private readonly seen: number[] = [];
  private missing = 0;
  private readonly pool: Pool;
  private readonly poller: NodeJS.Timeout;
  private polling = false;
  private readonly client: Promise<MetricsClient>;

  constructor(collectorUrl: string, questDbUrl: string, private readonly clock: Clock) {
    this.pool = new Pool(collectorUrl, { connections: 1 });
    this.client = MetricsClient.connect({ url: questDbUrl });
    this.poller = setInterval(() => void this.poll(), POLL_MS);
  }

  send(): void {
    const iso = formatIsoMicros(this.clock.next(1));
    const row = { timestamp: iso, exchange: 'binance', symbol: 'PROBE/USDT:USDT', data_type: 'oi', host: PROBE_HOST, env: 'prod', gap_detected: false };
    void this.pool
      .request({ path: '/v1/metrics/pipeline', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(row) })
      .then(async (res) => {
        await res.body.text();
        // Only acknowledged probes count; a refused one has no freshness to measure.
        if (res.statusCode === 202) this.waiting.set(iso, performance.now());
      })
      .catch(() => undefined);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.waiting.size === 0) return;
    this.polling = true;
    try {
      const oldest = [...this.waiting.keys()].sort()[0];
      const client = await this.client;
      const { rows } = await client.query<{ ts: string }>(`SELECT timestamp ts FROM pipeline_metrics WHERE host = '${PROBE_HOST}' AND timestamp >= '${oldest}'`);
      const now = performance.now();
      for (const { ts } of rows) {
        const ackedAt = this.waiting.get(ts);
        if (ackedAt === undefined) continue;
        this.seen.push(now - ackedAt);
        this.waiting.delete(ts);
      }
      for (const [ts, ackedAt] of this.waiting) {
        if (now - ackedAt > GIVE_UP_MS) {
          this.missing++;
          this.waiting.delete(ts);
        }
      }
    } catch {
      // A failed poll (QuestDB busy) is retried at the next tick; a probe that never shows is counted as missing.
    } finally {
      this.polling = false;
    }
  }

  /** Waits for the outstanding probes (at most the give-up time), then summarises. */
  async finish(): Promise<FreshnessResult> {
    const deadline = performance.now() + GIVE_UP_MS + 1_000;
    while (this.waiting.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, POLL_MS));
    clearInterval(this.poller);
    this.missing += this.waiting.size;
    await this.pool.close();
    await (await this.client).close();
    return {
      probes: this.seen.length + this.missing,
      p50Ms: median(this.seen),
      p99Ms: percentile(this.seen, 99),
      maxMs: this.seen.length ? Math.max(...this.seen) : Number.NaN,
      missing: this.missing,
    };
  }
}
