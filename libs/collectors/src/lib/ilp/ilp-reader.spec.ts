import fc from 'fast-check';
import { TABLES as MODEL_TABLES, type QuestDbType, type TableName } from '@tradewatch/models';
import { parseIlp, type IlpPrecision } from './ilp-parser';
import { readIlp } from './ilp-reader';
import { ilpToRows, type IlpLineIssue } from './ilp-rows';

const TABLES: ReadonlySet<TableName> = new Set(['daemon_metrics', 'exchange_status', 'pipeline_metrics', 'trading_metrics'] as const);
const NOW = 1_700_000_000_000_000;
const now = () => NOW;

/** The reference: the line-by-line parser, then the converter, as `/write` read bodies before. */
function reference(body: string, precision: IlpPrecision) {
  const parsed = parseIlp(body, precision);
  const converted = ilpToRows(parsed.lines, TABLES, now);
  const issues: IlpLineIssue[] = [...parsed.errors.map((e) => ({ line: e.line, column: e.column, message: e.message })), ...converted.issues];
  return { batches: converted.batches, issues, count: parsed.lines.length + parsed.errors.length };
}

/** Issues in line order (the error message sorts them so too); rows with their keys in order. */
function comparable(read: { batches: { table: string; rows: Record<string, unknown>[]; lines: number[] }[]; issues: IlpLineIssue[]; count: number }) {
  return {
    batches: read.batches.map((b) => ({ ...b, keys: b.rows.map((r) => Object.keys(r)) })),
    issues: [...read.issues].sort((a, b) => a.line - b.line),
    count: read.count,
  };
}

function expectSameAsReference(body: string, precision: IlpPrecision = 'n') {
  const { slow, ...fast } = readIlp(body, precision, TABLES, now);
  const expected = comparable(reference(body, precision));
  expect(comparable(fast)).toEqual(expected);
  // Read again: every tag section of a plain line is now known (read whole, not a character at a time).
  const again = readIlp(body, precision, TABLES, now);
  expect(comparable(again)).toEqual(expected);
  return { slow, count: fast.count, rows: fast.batches.reduce((n, b) => n + b.rows.length, 0) };
}

// Pieces of lines: mostly plain ones, with every kind of oddity the reference parser handles mixed in.
const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
const sign = fc.constantFrom('', '', '', '-', '+');
const integer = fc.oneof(
  fc.integer({ min: -1e6, max: 1e9 }).map(String),
  fc.tuple(sign, digits(1, 20)).map(([s, d]) => s + d),
  fc.constantFrom('9007199254740991', '9007199254740992', '-9007199254740991', '9223372036854775807', '9223372036854775808', '-0', '00012'),
);
const float = fc.oneof(
  fc.double({ noNaN: true }).map(String),
  fc.tuple(sign, digits(0, 17), fc.constantFrom('', '.', '.'), digits(0, 17)).map(([s, a, dot, b]) => s + a + dot + b),
  fc.tuple(sign, digits(1, 3), fc.constantFrom('e', 'E'), fc.constantFrom('', '-', '+'), digits(0, 4)).map((p) => p.join('')),
  fc.constantFrom('1.5', '.5', '5.', '.', '-.5', '+1', '1e999', '0x10', 'NaN', 'Infinity', '1.2.3', '1e', '-0.0', '0.1', '123.456789012345', '1_000'),
);
const timestampDigits = fc.oneof(digits(1, 20), digits(1, 16), fc.constantFrom('1700000000000000', '1700000000000000000', '9007199254740991', '9007199254740992', '999', '1000'));
const fieldValue = fc.oneof(
  { weight: 3, arbitrary: integer.map((v) => `${v}i`) },
  { weight: 3, arbitrary: float },
  { weight: 2, arbitrary: fc.constantFrom('t', 'T', 'true', 'True', 'TRUE', 'f', 'F', 'false', 'False', 'FALSE', 'tRue', 'yes') },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('', '-', '+'), timestampDigits, fc.constantFrom('t', 'n')).map((p) => p.join('')) },
  { weight: 3, arbitrary: fc.string({ maxLength: 8 }).filter((s) => !/["\\\n]/.test(s)).map((s) => `"${s}"`) },
  { weight: 1, arbitrary: fc.constantFrom('"unclosed', '"a"b', '', 'i', 'abc', '"x\\"y"', '"a\\\nb"', '1.5i', '12ti', '"a b,c=d"') },
);
const anyColumn = fc.constantFrom(
  'host', 'env', 'exchange', 'symbol', 'records_count', 'latency_ms', 'gap_detected', 'running', 'fetch_count', 'last_error', 'last_error_at',
  'pnl', 'timestamp', 'unknown', '__proto__', 'constructor', 'a\\ b', '', 'x"y',
);
const tagValue = fc.oneof(
  fc.constantFrom('h1', 'prod', 'dev', 'binance', 'okx', 'BTC/USDT:USDT', 'trades', 'a=b', '"q"'),
  fc.constantFrom('v\\ a\\,l', ''),
  fc.string({ maxLength: 6 }).filter((s) => !/[ ,\\\n]/.test(s)),
);
/** Plain values of each column type. */
const plainValue: Record<QuestDbType, fc.Arbitrary<string>> = {
  SYMBOL: fc.string({ maxLength: 8 }).filter((s) => !/["\\\n]/.test(s)).map((s) => `"${s}"`),
  VARCHAR: fc.string({ maxLength: 8 }).filter((s) => !/["\\\n]/.test(s)).map((s) => `"${s}"`),
  LONG: integer.map((v) => `${v}i`),
  DOUBLE: fc.oneof(float, integer.map((v) => `${v}i`)),
  BOOLEAN: fc.constantFrom('t', 'T', 'true', 'True', 'TRUE', 'f', 'F', 'false', 'False', 'FALSE'),
  TIMESTAMP: fc.tuple(fc.constantFrom('', '', '', '-', '+'), timestampDigits, fc.constantFrom('t', 'n')).map((p) => p.join('')),
};
const TYPES = Object.keys(plainValue) as QuestDbType[];
/** A column's value: of its own type mostly, a plain value of another type sometimes. */
const valueOf = (type: QuestDbType) =>
  fc.oneof({ weight: 8, arbitrary: plainValue[type] }, { weight: 1, arbitrary: fc.constantFrom(...TYPES).chain((t) => plainValue[t]) });
const knownTables = [...TABLES];
/** A line of a known table: its symbols as tags, its other columns as fields, in any order, some left out. */
const tableLine = fc.constantFrom(...knownTables).chain((name) => {
  // Tags only now and then: a line may end right after a tag value.
  const columns = Object.entries(MODEL_TABLES[name].columns as Record<string, { type: QuestDbType }>).filter(([c]) => c !== 'timestamp');
  const pick = (entries: [string, { type: QuestDbType }][], tag: boolean) =>
    fc.shuffledSubarray(entries).chain((chosen) =>
      fc.tuple(
        ...chosen.map(([c, { type }]) =>
          fc.oneof({ weight: 12, arbitrary: tag ? tagValue : valueOf(type) }, { weight: 1, arbitrary: fieldValue }).map((v) => `${c}=${v}`),
        ),
        fc.constant(''),
      ),
    );
  const symbols = columns.filter(([, c]) => c.type === 'SYMBOL');
  const others = columns.filter(([, c]) => c.type !== 'SYMBOL');
  const rarely = <T,>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });
  return fc
    .tuple(fc.shuffledSubarray(symbols), fc.oneof({ weight: 9, arbitrary: fc.shuffledSubarray(others, { minLength: 1 }) }, { weight: 1, arbitrary: fc.constant([]) }))
    .chain(([tagged, fielded]) =>
      fc.tuple(pick(tagged, true), pick([...symbols.filter((c) => !tagged.includes(c)), ...fielded], false), rarely(fc.tuple(anyColumn, fieldValue)), rarely(fc.tuple(anyColumn, tagValue))),
    )
    .map(([t, f, extraField, extraTag]) => {
      const tagText = [...t.slice(0, -1), ...(extraTag ? [`${extraTag[0]}=${extraTag[1]}`] : [])].map((x) => `,${x}`).join('');
      const fieldText = [...f.slice(0, -1), ...(extraField ? [`${extraField[0]}=${extraField[1]}`] : [])].join(',');
      return fieldText === '' ? `${name}${tagText}` : `${name}${tagText} ${fieldText}`;
    });
});
const table = fc.constantFrom('pipeline_metrics', 'daemon_metrics', 'other', 'pipeline_metricsx', 'daemon_metrics=', 'daemon\\ metrics', '', ' pipeline_metrics');
const tags = fc.array(fc.tuple(anyColumn, tagValue).map(([k, v]) => `,${k}=${v}`), { maxLength: 4 }).map((t) => t.join(''));
const fields = fc.array(fc.tuple(anyColumn, fieldValue).map(([k, v]) => `${k}=${v}`), { maxLength: 5 }).map((f) => f.join(','));
const gap = fc.constantFrom(' ', ' ', ' ', '  ', '', ',', ', ');
const lineTimestamp = fc.oneof(fc.constant(''), timestampDigits, fc.tuple(fc.constantFrom('-', '+'), timestampDigits).map((p) => p.join('')), fc.constantFrom('1700000000000000000 ', '17x', '\t'));
const line = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(tableLine, fc.oneof({ weight: 6, arbitrary: fc.constant(' ') }, { weight: 1, arbitrary: gap }), fc.oneof({ weight: 4, arbitrary: digits(1, 19) }, { weight: 1, arbitrary: lineTimestamp }, { weight: 1, arbitrary: fc.constant('') })).map((p) => p.join('')) },
  { weight: 3, arbitrary: fc.tuple(table, tags, gap, fields, gap, lineTimestamp).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('', '# a comment', '   ', '\r', '\t', 'pipeline_metrics', 'pipeline_metrics,host=h 1700000000000000000', 'x\\') },
);
const eol = fc.oneof({ weight: 4, arbitrary: fc.constant('\n') }, { weight: 1, arbitrary: fc.constantFrom('\r\n', '\r\r\n', '\\\n') });
const body = fc.tuple(fc.array(fc.tuple(line, eol).map(([l, e]) => l + e), { maxLength: 8 }), fc.boolean()).map(([lines, trailing]) => {
  const text = lines.join('');
  return trailing ? text : text.replace(/\n$/, '');
});
const precision = fc.constantFrom<IlpPrecision>('n', 'ns', 'u', 'us', 'ms', 's');

/** A plain pipeline_metrics line as clients write it, with every column filled. */
const plainLine = fc
  .record({
    exchange: fc.constantFrom('binance', 'okx', 'bybit'),
    symbol: fc.stringMatching(/^[A-Z]{2,5}\/USDT(:USDT)?$/),
    records: fc.integer({ min: -5, max: 1e12 }),
    bytes: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    latency: fc.oneof(fc.double({ min: -1, max: 20_000, noNaN: true }).map(String), fc.integer({ min: 0, max: 100 }).map((n) => `${n}i`)),
    gap: fc.constantFrom('t', 'f', 'true', 'false'),
    seconds: fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }).map(String), fc.constant('')),
    ts: fc.integer({ min: 1_600_000_000_000_000, max: 1_800_000_000_000_000 }),
  })
  .map(
    (r) =>
      `pipeline_metrics,exchange=${r.exchange},symbol=${r.symbol},data_type=trades,host=h1,env=prod records_count=${r.records}i,bytes_written=${r.bytes}i,latency_ms=${r.latency},gap_detected=${r.gap}` +
      `${r.seconds === '' ? '' : `,gap_duration_seconds=${r.seconds}`} ${r.ts}\n`,
  );

describe('readIlp', () => {
  it('gives the same rows, issues, line numbers and count as parseIlp then ilpToRows, on any body (property)', () => {
    const seen = { lines: 0, fast: 0, slowRows: 0 };
    fc.assert(
      fc.property(body, precision, (text, p) => {
        const { slow, count, rows } = expectSameAsReference(text, p);
        seen.lines += count;
        seen.fast += count - slow;
        seen.slowRows += rows - (count - slow);
      }),
      { numRuns: 3000 },
    );
    // The bodies exercise both paths: many lines are plain, many are not, some of those are still rows.
    expect(seen.fast).toBeGreaterThan(seen.lines * 0.1);
    expect(seen.lines - seen.fast).toBeGreaterThan(seen.lines * 0.2);
    expect(seen.slowRows).toBeGreaterThan(100);
  });

  it('reads plain lines as the reference does, all on the fast path (property)', () => {
    fc.assert(
      fc.property(fc.array(plainLine, { minLength: 1, maxLength: 20 }), (lines) => {
        expect(expectSameAsReference(lines.join(''), 'u').slow).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('reads a body in pieces cut after newlines as the whole body: same rows, issues, line numbers and count (property)', () => {
    // Bodies without backslashes, as decodeLinePieces cuts only those.
    const unescaped = body.filter((text) => !text.includes('\\'));
    fc.assert(
      fc.property(unescaped, precision, fc.array(fc.nat(), { maxLength: 4 }), (text, p, picks) => {
        const newlines = [...text.matchAll(/\n/g)].map((m) => (m.index ?? 0) + 1);
        const cuts = [...new Set(picks.map((k) => newlines[k % Math.max(newlines.length, 1)]).filter((c) => c !== undefined))].sort((a, b) => a - b);
        const pieces = [0, ...cuts].map((from, i) => text.slice(from, cuts[i] ?? text.length));
        expect(pieces.join('')).toBe(text);
        expect(readIlp(pieces, p, TABLES, now)).toEqual(readIlp(text, p, TABLES, now));
      }),
      { numRuns: 1500 },
    );
  });

  it('reads a plain line of every table and type straight from the text', () => {
    const text =
      'daemon_metrics,host=h1,env=prod running=t,fetch_count=12i,cpu_percent=1.5,uptime_seconds=3i,last_error="a b,c=d",last_error_at=1700000000000001t 1700000000123456789\n' +
      'exchange_status,exchange=okx,host=h,env=dev connected=F,latency_ms=-0.0,last_message_at=1700000000000000999n\r\n' +
      '\n# comment\n' +
      'trading_metrics,strategy=s,symbol=BTC/USDT,venue=v,env=prod pnl=-12.25,orders_placed=-0i,fill_rate=1e-1 1700000000000000000\n';
    expect(expectSameAsReference(text).slow).toBe(0);
    const { batches, count } = readIlp(text, 'n', TABLES, now);
    expect(count).toBe(3);
    expect(batches.map((b) => [b.table, b.lines, b.rows])).toEqual([
      [
        'daemon_metrics',
        [1],
        [
          {
            timestamp: '2023-11-14T22:13:20.123456Z',
            host: 'h1',
            env: 'prod',
            running: true,
            fetch_count: 12,
            cpu_percent: 1.5,
            uptime_seconds: 3,
            last_error: 'a b,c=d',
            last_error_at: '2023-11-14T22:13:20.000001Z',
          },
        ],
      ],
      // No timestamp: the receiver's clock.
      ['exchange_status', [2], [{ timestamp: '2023-11-14T22:13:20.000000Z', exchange: 'okx', host: 'h', env: 'dev', connected: false, latency_ms: -0, last_message_at: '2023-11-14T22:13:20.000000Z' }]],
      ['trading_metrics', [5], [{ timestamp: '2023-11-14T22:13:20.000000Z', strategy: 's', symbol: 'BTC/USDT', venue: 'v', env: 'prod', pnl: -12.25, orders_placed: 0, fill_rate: 0.1 }]],
    ]);
  });

  it.each([
    ['an escape', 'pipeline_metrics,host=a\\ b records_count=1i 1\n'],
    ['an unknown table', 'other x=1i 1\n'],
    ['an unknown column', 'pipeline_metrics,host=h zone="a" 1\n'],
    ['a repeated column', 'pipeline_metrics,host=h host="h2" 1\n'],
    ['a type the column cannot take', 'pipeline_metrics,host=h records_count=1.5 1\n'],
    ['an integer beyond 2^53', 'pipeline_metrics,host=h records_count=9007199254740992i 1\n'],
    ['a negative timestamp', 'exchange_status,host=h last_message_at=-5t 1\n'],
    ['a syntax error', 'pipeline_metrics,host=h records_count= 1\n'],
  ])('leaves a line with %s to the reference parser and converter', (_what, text) => {
    expect(expectSameAsReference(text).slow).toBe(1);
  });

  it('reads a symbol value exactly as sent (held once per table: a lone surrogate and non-ASCII survive the copy), on every line and body that has it', () => {
    const long = 'LONGSYMBOL\ud800/USDT:USDT-é';
    const line = `pipeline_metrics,exchange=okx,symbol=${long},data_type=oi,host=h,env=prod records_count=1i 1700000000000000000\n`;
    expect(expectSameAsReference(line + line).slow).toBe(0);
    const [first, second] = readIlp(line + line, 'n', TABLES, now).batches[0].rows as Record<string, unknown>[];
    const [third] = readIlp(line, 'n', TABLES, now).batches[0].rows as Record<string, unknown>[];
    expect(first['symbol']).toBe(long);
    expect(second['symbol']).toBe(first['symbol']);
    expect(third['symbol']).toBe(first['symbol']);
  });

  it('reads lines of more column orders than get a compiled row, in runs and alternating: each row has the values and key order of its line', () => {
    // A table set of its own: its row factories start empty. 48 orders of the same fields (more
    // than MAX_ROW_SHAPES, so the later ones take the property-by-property path), each on two
    // lines in a row, then all of them again interleaved with the first order.
    const own: ReadonlySet<TableName> = new Set(['pipeline_metrics']);
    const fields = ['records_count=1i', 'bytes_written=2i', 'latency_ms=3.5', 'gap_detected=t', 'gap_duration_seconds=4'];
    const orders = Array.from({ length: 48 }, (_, k) => {
      const rest = [...fields];
      // A distinct permutation per k (factorial number system over the 5 fields, 120 in all).
      let code = k;
      return Array.from({ length: fields.length }, (_, i) => {
        const pick = code % (fields.length - i);
        code = Math.floor(code / (fields.length - i));
        return rest.splice(pick, 1)[0];
      }).join(',');
    });
    const line = (order: string, k: number) => `pipeline_metrics,host=h${k},env=prod ${order.replace('1i', `${k}i`)} ${1_700_000_000_000_000 + k}000\n`;
    const runs = orders.flatMap((o, k) => [line(o, k), line(o, k + 1000)]);
    const interleaved = orders.flatMap((o, k) => [line(orders[0], 2000 + k), line(o, 3000 + k)]);
    const text = [...runs, ...interleaved].join('');
    const { slow, ...fast } = readIlp(text, 'n', own, now);
    expect(slow).toBe(0);
    const expected = reference(text, 'n');
    expect(comparable(fast)).toEqual(comparable({ ...expected, batches: expected.batches.filter((b) => own.has(b.table)) }));
    const rows = fast.batches[0].rows as Record<string, unknown>[];
    expect(rows).toHaveLength(4 * orders.length);
    expect(Object.keys(rows[0 * 2 + 1])).toEqual(['timestamp', 'host', 'env', ...orders[0].split(',').map((f) => f.split('=')[0])]);
    expect(Object.keys(rows[47 * 2])).toEqual(['timestamp', 'host', 'env', ...orders[47].split(',').map((f) => f.split('=')[0])]);
    expect(rows[47 * 2]['records_count']).toBe(47);
    expect(rows[47 * 2 + 1]['host']).toBe('h1047');
  });

  it('gives a line its own keys after a line that changed the column order and was then left to the reference parser', () => {
    const own: ReadonlySet<TableName> = new Set(['pipeline_metrics']);
    // Line 2 starts like line 3 (env first), then turns out not plain (a LONG column given a float).
    const text = 'pipeline_metrics,host=a records_count=1i 1\npipeline_metrics,env=b records_count=1.5 2\npipeline_metrics,env=c records_count=2i 3\n';
    const { batches, issues } = readIlp(text, 'n', own, now);
    expect(issues.map((i) => i.line)).toEqual([2]);
    expect(batches[0].rows).toEqual([
      { timestamp: '1970-01-01T00:00:00.000000Z', host: 'a', records_count: 1 },
      { timestamp: '1970-01-01T00:00:00.000000Z', env: 'c', records_count: 2 },
    ]);
  });

  it('reads tag sections that follow each other in a new order, or go unfollowed, as the reference does', () => {
    const line = (tags: string, fields = 'records_count=1i') => `pipeline_metrics,${tags} ${fields} 1700000000000000\n`;
    const [a, b, c] = ['exchange=okx,host=a,env=prod', 'exchange=okx,host=b,env=prod', 'exchange=okx,host=b,env=dev'];
    // b after a, then c after a (its section differs from the one that followed a), then b after a again,
    // then a line without a space after a, and one whose tags repeat a column.
    const bodies = [line(a) + line(b), line(a) + line(c), line(a) + line(b), line(a) + 'pipeline_metrics,host=x\n' + line(b), line(a) + line('host=b,host=c') + line(b)];
    for (const text of [...bodies, ...bodies]) expectSameAsReference(text, 'u');
    expect(readIlp(line(a) + line(c) + line(b), 'u', TABLES, now).batches[0].rows.map((r) => [r['host'], r['env']])).toEqual([['a', 'prod'], ['b', 'dev'], ['b', 'prod']]);
  });

  it('scans an unclosed quote only to the end of its line', () => {
    // Each line's search stops at its newline: a body of many such lines stays linear.
    const text = 'pipeline_metrics,host=h latency_ms="\n'.repeat(20_000);
    const { issues, count } = readIlp(text, 'n', TABLES, now);
    expect(count).toBe(20_000);
    expect(issues[19_999]).toEqual({ line: 20_000, column: 'latency_ms', message: 'string value has no closing quote' });
  });
});
