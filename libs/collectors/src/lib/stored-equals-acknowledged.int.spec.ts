import fc from 'fast-check';
import { ValidationError, formatIsoMicros, nowMicros, tableDef } from '@tradewatch/models';
import { uniqueName } from '@tradewatch/questdb-client/testing';
import { recorderFixture, waitForRows, type RecorderFixture } from '../testing/recorder-fixture';

const DAY_MICROS = 86_400_000_000;

/**
 * Property: whatever rows validation accepts are stored exactly as acknowledged (names with any
 * accepted Unicode, ILP-special characters, text with quotes and line breaks, doubles at any
 * magnitude, counters up to 2^53 - 1, timestamps anywhere inside the retention). Real QuestDB.
 */
describe('what is stored equals what was acknowledged (fast-check, real QuestDB)', () => {
  let f: RecorderFixture;
  beforeAll(async () => (f = await recorderFixture()));
  afterAll(() => f.close());

  const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('a b,c=d', 'q"uote\\back', 'line\nbreak\r', 'é 策略 🚀', 'lone \ud800 surrogate', 'nul \u0000 char'));
  const double = (min: number, max: number) => fc.oneof(fc.double({ min, max, noNaN: true }), fc.constantFrom(min, max, 0.1, 1e-300));
  const row = fc.record(
    {
      suffix: text,
      offset: fc.integer({ min: 60_000_000, max: 89 * DAY_MICROS }),
      fetch_count: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 1000 }), fc.constant(Number.MAX_SAFE_INTEGER)),
      uptime_seconds: fc.oneof(fc.constant(null), double(0, Number.MAX_VALUE)),
      cpu_percent: fc.oneof(fc.constant(null), double(0, 6400)),
      running: fc.boolean(),
      last_error: fc.oneof(fc.constant(null), text),
    },
    { requiredKeys: ['suffix', 'offset', 'running'] },
  );

  it('daemon_metrics rows round-trip exactly', async () => {
    const marker = uniqueName('roundtrip');
    let run = 0;
    let acceptedRuns = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 4 }), async (rows) => {
        run++;
        const now = nowMicros();
        const inputs = rows.map((r, i) => {
          const { suffix, offset, ...fields } = r;
          return { ...fields, timestamp: formatIsoMicros(now - offset), host: `${marker}-${run}-${i}-${suffix}`, env: 'prod' };
        });
        let accepted;
        try {
          accepted = await f.recorder.ingest('daemon_metrics', inputs);
        } catch (e) {
          if (e instanceof ValidationError) return; // refused: nothing acknowledged
          throw e;
        }
        expect(accepted).toBe(inputs.length);
        acceptedRuns++;
        const columns = tableDef('daemon_metrics').columnNames;
        const expected = inputs
          .map((input) => Object.fromEntries(columns.map((c) => [c, (input as Record<string, unknown>)[c] ?? null])))
          .sort((a, b) => String(a['host']).localeCompare(String(b['host'])));
        const stored = await waitForRows<Record<string, unknown>>(
          f.client,
          `SELECT * FROM daemon_metrics WHERE host LIKE '${marker}-${run}-%'`,
          (r) => r.length >= inputs.length,
          10_000,
        );
        expect(stored.sort((a, b) => String(a['host']).localeCompare(String(b['host'])))).toEqual(expected);
      }),
      { numRuns: 25 },
    );
    // The property says something only if rows were accepted: most runs must be.
    expect(acceptedRuns).toBeGreaterThanOrEqual(10);
  });
});
