import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_CALL_OUTCOMES, TABLES } from '@tradewatch/models';
import { CCXT_DATA_TYPES } from '@tradewatch/reporter';

// docs/integrations.md documents every field of the daemon status the collector polls (the
// daemon_metrics and exchange_status columns) and every public method of the Node reporter.
const doc = readFileSync(join(__dirname, '../../../docs/integrations.md'), 'utf8');

function section(heading: string): string {
  const start = doc.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/integrations.md has no section "${heading}"`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

describe('docs/integrations.md', () => {
  it('the status format section names every daemon_metrics and exchange_status column, and exchanges', () => {
    const text = section('The daemon status format');
    const fields = [...Object.keys(TABLES.daemon_metrics.columns), ...Object.keys(TABLES.exchange_status.columns), 'exchanges'];
    expect(fields.filter((f) => !text.includes(`\`${f}\``))).toEqual([]);
  });

  it('the Node reporter section names every public member of Reporter', () => {
    // Public members are the class body's methods and getters without `private`.
    const source = readFileSync(join(__dirname, '../../../libs/reporter/src/lib/reporter.ts'), 'utf8');
    const members = [...source.matchAll(/^ {2}(?:async |get )?([a-z]\w*)\(/gm)].map((m) => m[1]).filter((m) => m !== 'constructor');
    expect(members).toEqual(expect.arrayContaining(['daemon', 'fetchEvent', 'flush', 'close', 'counters']));
    const text = section('Node reporter');
    expect(members.filter((m) => !text.includes(`\`${m}(`) && !text.includes(`\`${m}\``))).toEqual([]);
  });

  it('the CCXT section names every outcome, every exchange_api_calls column and every instrumented data method', () => {
    const text = section('CCXT instrumentation');
    const names = [...API_CALL_OUTCOMES, ...Object.keys(TABLES.exchange_api_calls.columns), ...CCXT_DATA_TYPES.keys()];
    expect(names.filter((n) => !text.includes(`\`${n}\``) && !text.includes(`\`${n.replace(/s$/, '')}(s)\``))).toEqual([]);
  });

  it('keeps the headings the Python, CCXT and ILP sections live under', () => {
    for (const heading of ['Python', 'CCXT instrumentation', 'ILP endpoint']) expect(() => section(heading)).not.toThrow();
  });
});
