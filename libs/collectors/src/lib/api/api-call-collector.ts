import { z } from 'zod';
import type { ApiEvent, EpochMicros, ExchangeApiCallsRow } from '@tradewatch/models';
import { IntervalCollector, type IntervalCollectorDeps } from '../interval-collector';

export const apiCallOptionsSchema = z.strictObject({
  /** One exchange_api_calls row per exchange/method/outcome/host per interval with calls. */
  intervalMs: z.number().int().min(100).default(60_000),
});
export type ApiCallOptions = z.infer<typeof apiCallOptionsSchema>;

interface Aggregate {
  key: Pick<ExchangeApiCallsRow, 'exchange' | 'method' | 'outcome' | 'host' | 'env'>;
  calls: number;
  latencySum: number;
  latencyMax: number;
}

/**
 * Aggregates API-call events into exchange_api_calls rows: per interval and (exchange, method,
 * outcome, host) the number of calls and their mean and maximum latency. Only combinations with
 * calls in the interval give a row: silence is not an error here (the pipeline's gaps say that).
 * Events count in the interval in which they arrive (their own `timestamp` is only validated):
 * a late event never rewrites a row already stored under the same dedup key.
 */
export class ApiCallCollector extends IntervalCollector<'exchange_api_calls'> {
  readonly name = 'api-calls';
  private readonly aggregates = new Map<string, Aggregate>();

  constructor(options: ApiCallOptions, deps: IntervalCollectorDeps) {
    super('exchange_api_calls', options.intervalMs, deps);
  }

  /** Adds validated API-call events to the current interval. */
  record(events: readonly ApiEvent[]): void {
    for (const e of events) {
      // env is not a dedup key (a host runs in one env); kept in the key so a row never mixes two.
      const id = [e.exchange, e.method, e.outcome, e.host, e.env].join('\u0000');
      let a = this.aggregates.get(id);
      if (!a) {
        a = { key: { exchange: e.exchange, method: e.method, outcome: e.outcome, host: e.host, env: e.env }, calls: 0, latencySum: 0, latencyMax: 0 };
        this.aggregates.set(id, a);
      }
      a.calls += 1;
      a.latencySum += e.latency_ms;
      a.latencyMax = Math.max(a.latencyMax, e.latency_ms);
    }
  }

  protected rows(now: EpochMicros): ExchangeApiCallsRow[] {
    const rows: ExchangeApiCallsRow[] = [];
    for (const a of this.aggregates.values()) {
      // Rounding can put a mean of equal values a hair above their maximum.
      rows.push({ timestamp: now, ...a.key, calls: a.calls, latency_ms_avg: Math.min(a.latencySum / a.calls, a.latencyMax), latency_ms_max: a.latencyMax });
    }
    this.aggregates.clear();
    return rows;
  }
}
