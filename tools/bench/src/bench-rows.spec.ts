import { validateRows } from '@tradewatch/models';
import { PipelineBodies, pipelineRows, SERIES } from './bench-rows';

describe('benchmark rows', () => {
  it('are valid pipeline_metrics rows with unique dedup keys, in time order', () => {
    const rows = pipelineRows(2_500, 1_700_000_000_000_000);
    const keys = new Set(rows.map((r) => `${r.timestamp}|${r.exchange}|${r.symbol}|${r.data_type}|${r.host}`));
    expect(keys.size).toBe(2_500);
    expect(rows.every((r, i) => i === 0 || r.timestamp >= rows[i - 1].timestamp)).toBe(true);
    expect(rows.at(-1)?.timestamp).toBeLessThan(1_700_000_000_000_000);
  });

  it('JSON bodies pass the collector validation and differ only by timestamp', () => {
    const bodies = new PipelineBodies(1_500);
    const parsed = JSON.parse(bodies.body(1_700_000_000_000_000)) as unknown[];
    const rows = validateRows('pipeline_metrics', parsed);
    expect(rows).toHaveLength(1_500);
    expect(rows[0].timestamp).toBe(1_700_000_000_000_000);
    expect(rows[SERIES.length].timestamp).toBe(1_700_000_000_000_001);
    expect(new Set(rows.map((r) => `${r.timestamp}|${r.exchange}|${r.symbol}|${r.data_type}`)).size).toBe(1_500);
  });
});
