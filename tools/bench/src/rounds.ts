import type { IngestResult } from './ingest-bench';

/**
 * One target's runs of an HTTP load, one per round (rounds interleave every target, so that a
 * slow spell of a shared machine falls on all of them alike), and the run the report quotes.
 */
export interface IngestRuns {
  /** The run with the median rows/s (the lower middle of an even count): its figures belong together. */
  median: IngestResult;
  /** Every round's run, in round order. */
  all: IngestResult[];
}

/** The runs of one target, with the median one picked out; throws on none (a bench bug). */
export function ingestRuns(all: readonly IngestResult[]): IngestRuns {
  if (all.length === 0) throw new Error('no runs to summarize');
  const byRate = [...all].sort((a, b) => a.rowsPerSecond - b.rowsPerSecond);
  return { median: byRate[Math.floor((byRate.length - 1) / 2)], all: [...all] };
}
