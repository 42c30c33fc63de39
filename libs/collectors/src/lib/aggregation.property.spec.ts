import fc from 'fast-check';
import { ValidationError, rowRangeIssues, type FetchEvent, type TableName, type TradingEvent } from '@tradewatch/models';
import type { RowOutput } from './collector';
import { PipelineCollector, pipelineOptionsSchema } from './pipeline/pipeline-collector';
import { TradingCollector, tradingOptionsSchema } from './trading/trading-collector';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

/** A fake output (pure aggregation logic, no QuestDB) that keeps what the collectors write. */
function fakeOutput() {
  const written: { table: TableName; rows: readonly object[] }[] = [];
  const output: RowOutput = { write: async (table, rows) => void written.push({ table, rows }) };
  return { output, written };
}

const amount = fc.oneof(fc.double({ min: 1e-9, max: 1e6, noNaN: true }), fc.constantFrom(1e150, 1e200, 1e300, Number.MAX_VALUE));
const name = fc.constantFrom('constructor', '__proto__', 'toString', 's1', 's2');
const pos = fc.record({ strategy: name, symbol: fc.constantFrom('BTC', 'ETH'), venue: fc.constantFrom('okx', 'valueOf'), env: fc.constant('prod' as const) });
const at = fc.integer({ min: -60_000, max: 0 }).map((ms) => (NOW + ms) * 1000);
const tradingEvent: fc.Arbitrary<TradingEvent> = fc.oneof(
  fc.record({ type: fc.constant('order_placed' as const), timestamp: at, side: fc.constantFrom('buy' as const, 'sell' as const), quantity: amount }).chain((e) => pos.map((p) => ({ ...e, ...p }))),
  fc.record({ type: fc.constant('order_filled' as const), timestamp: at, side: fc.constantFrom('buy' as const, 'sell' as const), quantity: amount, price: amount }).chain((e) => pos.map((p) => ({ ...e, ...p }))),
  fc.record({ type: fc.constant('mark' as const), timestamp: at, symbol: fc.constantFrom('BTC', 'ETH'), venue: fc.constantFrom('okx', 'valueOf'), price: amount }),
  fc.record({ type: fc.constant('position' as const), timestamp: at, size: fc.oneof(amount, amount.map((a) => -a)), avg_price: amount }).chain((e) => pos.map((p) => ({ ...e, ...p }))),
);

describe('event aggregation (property tests, fake output)', () => {
  it('trading: every batch is either refused whole or every derived value is finite and in its column range', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(tradingEvent, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }), async (batches) => {
        const { output, written } = fakeOutput();
        const collector = new TradingCollector(tradingOptionsSchema.parse({ capital: { strategies: { constructor: 10 } } }), { output, onError: (e) => { throw e; }, now: () => NOW });
        for (const batch of batches) {
          try {
            collector.record(batch);
          } catch (e) {
            if (!(e instanceof ValidationError)) throw e;
          }
          await collector.tick();
        }
        for (const { table, rows } of written) expect(rowRangeIssues(table, rows)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('pipeline: sums stay within LONG range; refused batches change nothing', async () => {
    const count = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(Number.MAX_SAFE_INTEGER));
    const fetchEvent: fc.Arbitrary<FetchEvent> = fc.record({
      timestamp: at,
      host: name,
      env: fc.constant('prod' as const),
      exchange: fc.constant('okx'),
      symbol: fc.constantFrom('BTC', 'hasOwnProperty'),
      data_type: fc.constant('oi' as const),
      records: count,
      bytes: count,
      latency_ms: fc.double({ min: 0, max: 10_000, noNaN: true }),
      data_timestamp: at,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fetchEvent, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }), async (batches) => {
        const { output, written } = fakeOutput();
        const collector = new PipelineCollector(pipelineOptionsSchema.parse({}), { output, onError: (e) => { throw e; }, now: () => NOW });
        let accepted = 0n;
        for (const batch of batches) {
          try {
            collector.record(batch);
            accepted += batch.reduce((s, e) => s + BigInt(e.records), 0n);
          } catch (e) {
            if (!(e instanceof ValidationError)) throw e;
          }
        }
        await collector.tick();
        const rows = written.flatMap((w) => w.rows) as { records_count: number }[];
        expect(rowRangeIssues('pipeline_metrics', rows)).toEqual([]);
        // What is stored is what was acknowledged: the interval's sums are exactly the accepted events'.
        expect(rows.reduce((s, r) => s + BigInt(r.records_count), 0n)).toBe(accepted);
      }),
      { numRuns: 300 },
    );
  });
});
