import fc from 'fast-check';
import { DEFAULT_VALIDATION_OPTIONS, ValidationError, formatIsoMicros, nowMicros, tableDef, type Column, type TableName } from '@tradewatch/models';
import { uniqueName } from '@tradewatch/questdb-client/testing';
import { recorderFixture, waitForRows, type RecorderFixture } from '../testing/recorder-fixture';

const DAY_MICROS = 86_400_000_000;

/**
 * Property: whatever rows validation accepts are stored exactly as acknowledged (names with any
 * accepted Unicode, ILP-special characters, text with quotes and line breaks, doubles at any
 * magnitude and sign, counters up to 2^53 - 1, timestamps anywhere inside the retention).
 * Columns vary by their registry type; enum-like columns keep a valid base value. Real QuestDB,
 * through a spool.
 */
describe('what is stored equals what was acknowledged (fast-check, real QuestDB)', () => {
  let f: RecorderFixture;
  // Through a spool, as the collector stores rows.
  beforeAll(async () => (f = await recorderFixture(DEFAULT_VALIDATION_OPTIONS, 'spool')));
  afterAll(() => f.close());

  const text = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.constantFrom('a b,c=d', 'q"uote\\back', 'line\nbreak\r', 'é 策略 🚀', 'lone \ud800 surrogate', 'nul \u0000 char'),
  );
  /** Names: mostly valid (visible Unicode, ILP-special characters), sometimes not. */
  const nameText = fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }) },
    { weight: 2, arbitrary: fc.constantFrom('a b,c=d', 'q"uote\\back', 'é 策略 🚀', 'constructor', '__proto__') },
    { weight: 1, arbitrary: text },
  );
  const double = (c: Column) => {
    const { min, max } = c.range ?? { min: -Number.MAX_VALUE, max: Number.MAX_VALUE };
    return fc.oneof(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), fc.constantFrom(min, max, 0.1, 1e-300, -0));
  };
  const NAME_COLUMNS = ['host', 'strategy', 'collector'];
  /** A valid base row per table: what the random columns vary around. */
  const bases: Record<TableName, Record<string, unknown>> = {
    daemon_metrics: { env: 'prod', running: true },
    exchange_status: { exchange: 'okx', env: 'dev', connected: false },
    exchange_api_calls: { exchange: 'okx', method: 'fetchTicker', outcome: 'ok', env: 'dev', calls: 1 },
    pipeline_metrics: { exchange: 'okx', symbol: 'X', data_type: 'oi', env: 'dev', gap_detected: true },
    trading_metrics: { symbol: 'X', venue: 'v', env: 'prod' },
    collector_heartbeat: { env: 'prod' },
  } as Record<TableName, Record<string, unknown>>;

  /** Columns bound to others by cross-field rules stay out (null), so that most rows are accepted. */
  const KEEP_NULL = new Set(['orders_filled', 'fill_rate', 'latency_ms_avg']);

  function arbitraryRow(table: TableName): fc.Arbitrary<Record<string, unknown>> {
    const def = tableDef(table);
    const fields: Record<string, fc.Arbitrary<unknown>> = { offset: fc.integer({ min: 60_000_000, max: Math.floor(def.retentionDays * 0.98) * DAY_MICROS }), suffix: nameText };
    for (const name of def.columnNames) {
      const c = def.columns[name] as Column;
      if (name === 'timestamp' || NAME_COLUMNS.includes(name) || KEEP_NULL.has(name)) continue;
      if (c.type === 'TIMESTAMP') fields[name] = fc.option(fc.integer({ min: 0, max: 3600_000_000 }), { nil: null });
      else if (c.type === 'LONG') fields[name] = fc.option(fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(Number.MAX_SAFE_INTEGER)), { nil: null });
      else if (c.type === 'DOUBLE') fields[name] = fc.option(double(c), { nil: null });
      else if (c.type === 'VARCHAR') fields[name] = fc.option(text, { nil: null });
      else if (c.type === 'SYMBOL' && (name === 'symbol' || name === 'venue')) fields[name] = nameText;
    }
    return fc.record(fields, { requiredKeys: ['offset', 'suffix'] });
  }

  /** One row per input: its columns as stored (QuestDB stores -0 as 0, a missing value as null). */
  const storedForm = (def: ReturnType<typeof tableDef>, inputs: readonly Record<string, unknown>[]) =>
    inputs.map((input) => Object.fromEntries(def.columnNames.map((c) => [c, Object.is(input[c], -0) ? 0 : (input[c] ?? null)])));

  /**
   * `again`: every row is sent a second time, a microsecond later, after the first was stored, so
   * that its series is held and the row is appended with the series' line prefix (its symbols
   * encoded once, when the series was first seen) instead of being encoded whole.
   */
  const roundTrip = (again: boolean, numRuns: number) => async (table: TableName) => {
    const def = tableDef(table);
    const nameColumn = def.columnNames.find((n) => NAME_COLUMNS.includes(n)) as string;
    const marker = uniqueName('roundtrip');
    let run = 0;
    let acceptedRuns = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryRow(table), { minLength: 1, maxLength: 4 }), async (rows) => {
        run++;
        const now = nowMicros();
        const inputsAt = (shift: number) =>
          rows.map((r, i) => {
            const { suffix, offset, ...fields } = r as { suffix: string; offset: number } & Record<string, unknown>;
            const at = now - offset + shift;
            const row: Record<string, unknown> = { ...bases[table], ...fields, timestamp: formatIsoMicros(at), [nameColumn]: `${marker}-${run}-${i}-${suffix}` };
            for (const name of def.columnNames) {
              // Secondary timestamps: given as µs before the row's own, sent as ISO text.
              if (name !== 'timestamp' && def.columns[name].type === 'TIMESTAMP' && typeof row[name] === 'number') row[name] = formatIsoMicros(at - (row[name] as number));
            }
            return row;
          });
        const inputs = inputsAt(0);
        try {
          expect(await f.recorder.ingest(table, inputsAt(0))).toBe(inputs.length);
        } catch (e) {
          if (e instanceof ValidationError) return; // refused: nothing acknowledged
          throw e;
        }
        const later = again ? inputsAt(1) : [];
        if (again) expect(await f.recorder.ingest(table, inputsAt(1))).toBe(later.length);
        acceptedRuns++;
        const sortKey = (r: Record<string, unknown>) => `${String(r[nameColumn])} ${String(r['timestamp'])}`;
        const expected = storedForm(def, [...inputs, ...later]).sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
        const stored = await waitForRows<Record<string, unknown>>(
          f.client,
          `SELECT * FROM ${table} WHERE ${nameColumn} LIKE '${marker}-${run}-%'`,
          (r) => r.length >= expected.length,
          10_000,
        );
        expect(stored.sort((a, b) => sortKey(a).localeCompare(sortKey(b)))).toEqual(expected);
      }),
      { numRuns },
    );
    // The property says something only if rows were accepted: many runs must be.
    expect(acceptedRuns).toBeGreaterThanOrEqual(numRuns / 6);
  };

  it.each(Object.keys(bases) as TableName[])('%s rows round-trip exactly', roundTrip(false, 30));
  it.each(Object.keys(bases) as TableName[])('%s rows of series already held (appended with their line prefix) round-trip exactly', roundTrip(true, 12));
});
