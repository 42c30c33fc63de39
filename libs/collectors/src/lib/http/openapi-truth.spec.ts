import { DEFAULT_VALIDATION_OPTIONS, NAME_RULES, validateRows } from '@tradewatch/models';
import { openApiDocument } from './openapi';
import { ISO_UTC_PATTERN, explicitNamePattern } from './openapi-truth';

type Schema = { properties: Record<string, Record<string, unknown>>; description?: string };
const options = { ...DEFAULT_VALIDATION_OPTIONS, exchanges: ['okx', 'kraken'] };
const doc = openApiDocument(options) as { paths: Record<string, unknown>; components: { schemas: Record<string, Schema> } };
const daemon = doc.components.schemas['daemon_metrics'];

describe('the OpenAPI document states the real rules', () => {
  it('name patterns: one explicit class, the same verdict as the registry rules on every BMP character', () => {
    const pattern = daemon.properties['host']['pattern'] as string;
    expect(pattern).not.toMatch(/\\p\{/); // readable by Python's re and JSON Schema tools
    const explicit = new RegExp(pattern);
    const rules = NAME_RULES.map(([r]) => r);
    for (let cp = 0; cp < 0x10000; cp++) {
      const ch = String.fromCharCode(cp);
      expect([cp, explicit.test(ch)]).toEqual([cp, rules.every((r) => r.test(ch))]);
    }
    expect(explicitNamePattern(NAME_RULES.map(([r]) => r.source))).toBe(pattern);
  });

  it('timestamps: the accepted grammar and the time window in words', () => {
    const ts = daemon.properties['timestamp'];
    expect(ts['pattern']).toBe(ISO_UTC_PATTERN);
    expect(ts['description']).toMatch(/not before 1970-01-01; at most 5000 ms ahead .*retention of 90 days/);
    const re = new RegExp(ISO_UTC_PATTERN);
    for (const ok of ['2026-01-31T12:00:00Z', '2026-01-31 12:00:00.123456789+00:00', '2026-01-31T12:00:00.1-0000']) expect(re.test(ok)).toBe(true);
    for (const bad of ['2026-01-31T12:00:00+01:00', '2026-01-31', '2026-01-31T12:00Z']) expect(re.test(bad)).toBe(false);
  });

  it('the configured exchange list, numeric bounds and the cross-field rules', () => {
    expect(doc.components.schemas['exchange_status'].properties['exchange']['enum']).toEqual(['okx', 'kraken']);
    expect(daemon.properties['cpu_percent']).toEqual({ anyOf: [{ type: 'number', minimum: 0, maximum: 6400 }, { type: 'null' }] });
    expect(doc.components.schemas['trading_metrics'].description).toMatch(/Rules across fields: orders_filled must not exceed orders_placed/);
    expect(doc.components.schemas['pipeline_metrics'].description).toMatch(/gap_duration_seconds is only allowed when gap_detected is true/);
  });

  it('a documented cross-field rule is enforced', () => {
    const row = { timestamp: new Date(Date.now() - 1000).toISOString(), strategy: 's', symbol: 'X', venue: 'okx', env: 'prod', orders_placed: 1, orders_filled: 2 };
    expect(() => validateRows('trading_metrics', row, options)).toThrow(/orders_filled: must not exceed orders_placed/);
  });

  it('documents line protocol at QuestDB\'s paths', () => {
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/write', '/api/v2/write', '/settings']));
    expect(doc.components.schemas['IlpError']).toMatchObject({ required: ['code', 'message', 'line', 'errorId'] });
  });
});
