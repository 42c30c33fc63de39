import type { CollectorHeartbeatRow, DaemonMetricsRow, DataType, ExchangeApiCallsRow, ExchangeStatusRow, PipelineMetricsRow, TradingMetricsRow } from '@tradewatch/models';
import { DATA_TYPES } from '@tradewatch/models';
import type { DemoCadence, DemoUniverse } from './demo-universe';
import { hashSeed, seededRandom } from './random';

/**
 * Demo-like rows, in time order, with the incidents a monitoring stack exists for, at fixed times
 * of each UTC day so that any range of a day or more contains them:
 * - every daemon restarts once a day (uptime and counters start again from zero) at 03:00 + its index (h);
 * - the first daemon is down from 10:00 to 10:10 (running = false, reason in last_error);
 * - every exchange is disconnected for 3 minutes at 06:00 + its index (h);
 * - OI fetches of every exchange stop for 15 minutes at 12:00 + its index (h), then report the gap;
 * - every exchange rate-limits every host for 5 minutes at 08:00 + its index (h) (RateLimitExceeded).
 */
export interface RowRange {
  fromMs: number;
  toMs: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MIN_MS = 60_000;

const msOfDay = (ms: number) => ((ms % DAY_MS) + DAY_MS) % DAY_MS;
const inWindow = (ms: number, startMs: number, lengthMs: number) => {
  const t = msOfDay(ms);
  return t >= startMs && t < startMs + lengthMs;
};
/** Ticks of a cadence inside the range, aligned to the cadence. */
function* ticks(range: RowRange, cadenceSeconds: number): Generator<number> {
  const step = cadenceSeconds * 1000;
  for (let t = Math.ceil(range.fromMs / step) * step; t < range.toMs; t += step) yield t;
}

export function* daemonRows(u: DemoUniverse, c: DemoCadence, range: RowRange): Generator<DaemonMetricsRow> {
  const state = u.hosts.map((host, i) => ({
    host,
    rnd: seededRandom(hashSeed(host)),
    restartAt: (3 + i) * HOUR_MS,
    startedMs: range.fromMs - (i + 1) * HOUR_MS,
    fetch: 0,
    errors: 0,
    liquidations: 0,
    lastError: null as string | null,
    lastErrorAt: null as number | null,
    parquet: 50e9 + i * 5e9,
  }));
  const step = c.daemonSeconds * 1000;
  for (const t of ticks(range, c.daemonSeconds)) {
    for (const [i, s] of state.entries()) {
      if (inWindow(t, s.restartAt, step)) {
        s.startedMs = t;
        s.fetch = s.errors = s.liquidations = 0;
      }
      const down = i === 0 && inWindow(t, 10 * HOUR_MS, 10 * MIN_MS);
      if (!down) {
        s.fetch += Math.round(u.exchanges.length * u.symbols.length * 3 * (c.daemonSeconds / 60) * (0.9 + 0.2 * s.rnd()));
        s.liquidations += Math.round(s.rnd() * 4);
        if (s.rnd() < 0.02) {
          s.errors += 1 + Math.floor(s.rnd() * 3);
          s.lastError = `fetch_open_interest ${u.exchanges[Math.floor(s.rnd() * u.exchanges.length)]}: RequestTimeout after 10000 ms`;
          s.lastErrorAt = t * 1000 - Math.floor(s.rnd() * step * 1000);
        }
      }
      s.parquet += Math.round(c.daemonSeconds * 2000 * (0.5 + s.rnd()));
      const hourPhase = Math.sin((2 * Math.PI * msOfDay(t)) / DAY_MS + i);
      yield {
        timestamp: t * 1000,
        host: s.host,
        env: u.env,
        fetch_count: s.fetch,
        error_count: s.errors,
        liquidation_count: s.liquidations,
        uptime_seconds: (t - s.startedMs) / 1000,
        running: !down,
        memory_rss_bytes: Math.round((900 + 400 * hourPhase + 100 * s.rnd()) * 1024 * 1024),
        cpu_percent: Math.max(0, 25 + 15 * hourPhase + 10 * s.rnd()),
        parquet_bytes: s.parquet,
        last_error: down ? 'status endpoint unreachable: connect ECONNREFUSED' : s.lastError,
        last_error_at: down ? t * 1000 : s.lastErrorAt,
      };
    }
  }
}

export function* exchangeRows(u: DemoUniverse, c: DemoCadence, range: RowRange): Generator<ExchangeStatusRow> {
  const feeds = u.exchanges.flatMap((exchange, ei) =>
    u.hosts.map((host) => ({
      exchange,
      host,
      ei,
      rnd: seededRandom(hashSeed(`${exchange}@${host}`)),
      reconnects: 0,
      down: false,
      lastMessageMs: range.fromMs,
      disconnectedMs: 0,
    })),
  );
  for (const t of ticks(range, c.exchangeSeconds)) {
    for (const f of feeds) {
      const down = inWindow(t, (6 + f.ei) * HOUR_MS, 3 * MIN_MS);
      if (down && !f.down) f.disconnectedMs = t - Math.floor(f.rnd() * 1000);
      if (!down && f.down) f.reconnects += 1;
      f.down = down;
      if (!down) f.lastMessageMs = t - Math.floor(f.rnd() * 900);
      yield {
        timestamp: t * 1000,
        exchange: f.exchange,
        host: f.host,
        env: u.env,
        connected: !down,
        latency_ms: down ? null : 20 + 30 * f.ei + 60 * f.rnd() ** 3,
        reconnect_count: f.reconnects,
        last_message_at: f.lastMessageMs * 1000,
        disconnected_at: down ? f.disconnectedMs * 1000 : null,
      };
    }
  }
}

export function* pipelineRows(u: DemoUniverse, c: DemoCadence, range: RowRange): Generator<PipelineMetricsRow> {
  const feeds = u.exchanges.flatMap((exchange, ei) =>
    u.symbols.flatMap((symbol) =>
      DATA_TYPES.map((dataType: DataType) => ({
        exchange,
        ei,
        symbol,
        dataType,
        host: u.hosts[ei % u.hosts.length],
        rnd: seededRandom(hashSeed(`${exchange}/${symbol}/${dataType}`)),
        silentSinceMs: 0,
      })),
    ),
  );
  const step = c.pipelineSeconds * 1000;
  for (const t of ticks(range, c.pipelineSeconds)) {
    for (const f of feeds) {
      if (f.dataType === 'oi' && inWindow(t, (12 + f.ei) * HOUR_MS, 15 * MIN_MS)) {
        if (!f.silentSinceMs) f.silentSinceMs = t;
        continue;
      }
      const gapSeconds = f.silentSinceMs ? (t - f.silentSinceMs + step) / 1000 : 0;
      f.silentSinceMs = 0;
      const records = f.dataType === 'liquidation' ? Math.floor(f.rnd() * 12) : 1;
      yield {
        timestamp: t * 1000,
        exchange: f.exchange,
        symbol: f.symbol,
        data_type: f.dataType,
        host: f.host,
        env: u.env,
        records_count: records,
        bytes_written: records * (180 + Math.floor(f.rnd() * 60)),
        latency_ms: 40 + 25 * f.ei + 200 * f.rnd() ** 4,
        gap_detected: gapSeconds > 0,
        gap_duration_seconds: gapSeconds > 0 ? gapSeconds : null,
      };
    }
  }
}

export function* tradingRows(u: DemoUniverse, c: DemoCadence, range: RowRange): Generator<TradingMetricsRow> {
  const positions = u.strategies.flatMap((s) =>
    s.symbols.map((symbol, si) => ({
      strategy: s.name,
      venue: s.venue,
      symbol,
      rnd: seededRandom(hashSeed(`${s.name}/${symbol}`)),
      price: 1000 / (si + 1),
      position: 0,
      realized: 0,
      peak: 100_000,
    })),
  );
  for (const t of ticks(range, c.tradingSeconds)) {
    for (const p of positions) {
      p.price *= 1 + (p.rnd() - 0.5) * 0.002;
      const placed = Math.floor(p.rnd() * 4);
      const filled = Math.min(placed, Math.floor(p.rnd() * (placed + 1)));
      p.position = Math.max(-50, Math.min(50, p.position + (p.rnd() - 0.5) * filled * 2));
      p.realized += (p.rnd() - 0.48) * filled * 5;
      const unrealized = p.position * p.price * (p.rnd() - 0.5) * 0.01;
      const equity = 100_000 + p.realized + unrealized;
      p.peak = Math.max(p.peak, equity);
      yield {
        timestamp: t * 1000,
        strategy: p.strategy,
        symbol: p.symbol,
        venue: p.venue,
        env: u.env,
        pnl: p.realized,
        unrealized_pnl: unrealized,
        position_size: p.position,
        orders_placed: placed,
        orders_filled: filled,
        fill_rate: placed > 0 ? filled / placed : null,
        exposure: p.position * p.price,
        drawdown: Math.min(100, ((p.peak - equity) / p.peak) * 100),
      };
    }
  }
}

/** REST methods the demo daemons call; one aggregated row per minute per exchange, method, outcome and host. */
const DEMO_METHODS = ['fetchOpenInterest', 'fetchFundingRate', 'fetchTrades'] as const;

export function* apiCallRows(u: DemoUniverse, _c: DemoCadence, range: RowRange): Generator<ExchangeApiCallsRow> {
  const rnd = seededRandom(hashSeed(`api:${u.hosts.join(',')}`));
  for (const t of ticks(range, 60)) {
    for (const host of u.hosts) {
      for (const [x, exchange] of u.exchanges.entries()) {
        const limited = inWindow(t, (8 + x) * HOUR_MS, 5 * MIN_MS);
        for (const method of DEMO_METHODS) {
          const base = 40 + 20 * rnd();
          const calls = Math.max(1, Math.round(u.symbols.length * (limited ? 0.5 : 1)));
          yield { timestamp: t * 1000, exchange, method, outcome: 'ok', host, env: u.env, calls, latency_ms_avg: base, latency_ms_max: base * (1.5 + rnd()) };
          if (limited) {
            yield { timestamp: t * 1000, exchange, method, outcome: 'RateLimitExceeded', host, env: u.env, calls: 8, latency_ms_avg: 15, latency_ms_max: 30 };
          } else if (rnd() < 0.01) {
            yield { timestamp: t * 1000, exchange, method, outcome: 'RequestTimeout', host, env: u.env, calls: 1, latency_ms_avg: 10_000, latency_ms_max: 10_000 };
          }
        }
      }
    }
  }
}

/** The collectors' heartbeat every 10 s, with a small spool backlog. */
export function* heartbeatRows(u: DemoUniverse, _c: DemoCadence, range: RowRange): Generator<CollectorHeartbeatRow> {
  const rnd = seededRandom(hashSeed(`heartbeat:${u.collectors.join(',')}`));
  for (const t of ticks(range, 10)) {
    for (const collector of u.collectors) {
      const backlog = Math.round(rnd() * 200);
      yield {
        timestamp: t * 1000, collector, env: u.env, spool_backlog_rows: backlog, spool_backlog_bytes: backlog * 180,
        oldest_unshipped_age_seconds: backlog > 0 ? rnd() * 2 : 0, sources_silent: 0,
      };
    }
  }
}
