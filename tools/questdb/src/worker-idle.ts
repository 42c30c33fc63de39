/**
 * How QuestDB's worker threads wait for work, for the pools that ingestion keeps busy (shared
 * network/query/write, WAL apply, materialized-view refresh). Out of the box a worker that finds
 * nothing to do spins (`Os.pause`) through 7,000 rounds of its jobs before it naps 1 ms, and only
 * after 10,000 rounds sleeps 10 ms. Between the collector's requests (tens of ms apart) every
 * worker spun: measured on 2 cores, QuestDB spent 2.0–2.2 µs of CPU per row shipped, against
 * 1.2–1.4 µs with these settings, and the idle server 3.9 % of a core against 5.5 %.
 *
 * A worker naps 1 ms after 100 idle rounds (so a request waits at most about 1 ms for it) and
 * sleeps 10 ms, QuestDB's `*.worker.sleep.timeout`, after 3,000 (seconds of idleness).
 *
 * The same keys and values are in deploy/questdb/server.conf (docker-compose and Helm); a
 * deploy-check test keeps the two equal.
 */
export const WORKER_IDLE_SETTINGS: Readonly<Record<string, number>> = {
  'shared.worker.nap.threshold': 100,
  'shared.worker.sleep.threshold': 3_000,
  'wal.apply.worker.nap.threshold': 100,
  'wal.apply.worker.sleep.threshold': 3_000,
  'mat.view.refresh.worker.nap.threshold': 100,
  'mat.view.refresh.worker.sleep.threshold': 3_000,
};
