import { validateRows } from '@tradewatch/models';
import { batchEncoder } from '@tradewatch/questdb-client';
import { IlpBodies, PipelineBodies, pipelineRows, SERIES } from './bench-rows';

describe('benchmark rows', () => {
  it('are valid pipeline_metrics rows with unique dedup keys, in time order', () => {
    const rows = pipelineRows(2_500, 1_700_000_000_000_000);
    const keys = new Set(rows.map((r) => `${r.timestamp}|${r.exchange}|${r.symbol}|${r.data_type}|${r.host}`));
    expect(keys.size).toBe(2_500);
    expect(rows.every((r, i) => i === 0 || r.timestamp >= rows[i - 1].timestamp)).toBe(true);
    expect(rows.at(-1)?.timestamp).toBeLessThan(1_700_000_000_000_000);
  });

  // Whole seconds an hour ago: inside the retention and the future-skew window of validation.
  const recent = Math.floor(Date.now() / 1000) * 1_000_000 - 3_600_000_000;

  it('JSON bodies pass the collector validation and differ only by timestamp', () => {
    const bodies = new PipelineBodies(1_500);
    const parsed = JSON.parse(bodies.body(recent)) as unknown[];
    const rows = validateRows('pipeline_metrics', parsed);
    expect(rows).toHaveLength(1_500);
    expect(rows[0].timestamp).toBe(recent);
    expect(rows[SERIES.length].timestamp).toBe(recent + 1);
    expect(new Set(rows.map((r) => `${r.timestamp}|${r.exchange}|${r.symbol}|${r.data_type}`)).size).toBe(1_500);
  });

  it('ILP bodies hold the same rows as the JSON bodies, encoded as the collector encodes them', () => {
    const rows = validateRows('pipeline_metrics', JSON.parse(new PipelineBodies(1_200).body(recent)) as unknown[]);
    expect(new IlpBodies(1_200).body(recent)).toBe(batchEncoder('pipeline_metrics')(rows).toString('utf8'));
    expect(new IlpBodies(2, { suffix: false }).body(recent)).toMatch(new RegExp(`^pipeline_metrics,.* ${recent}\\n.* ${recent}\\n$`));
  });
});
