import { SenderBufferV1 } from '@questdb/nodejs-client';
import { TABLE_NAMES, tableDef, type Row, type TableName } from '@tradewatch/models';
import fc from 'fast-check';
import { rowEncoder } from './ilp-encoder';
import { batchEncoder, bytesEncoder, linePrefixEncoder } from './ilp-text-encoder';

const row: Row<'pipeline_metrics'> = {
  timestamp: 1_700_000_000_123_456,
  exchange: 'binance',
  symbol: 'BTC/USDT:USDT',
  data_type: 'oi',
  host: 'pipeline-1',
  env: 'prod',
  records_count: 12,
  bytes_written: 9_007_199_254_740_000,
  latency_ms: 12.5,
  gap_detected: false,
  gap_duration_seconds: null,
};

/** Text with everything ILP escapes (space, comma, equals sign, quote, backslash, line breaks) and non-ASCII. */
const text = fc.oneof(
  fc.string({ unit: fc.constantFrom(' ', ',', '=', '"', '\\', '\n', '\r', 'a', 'Z', '0', '/', ':', 'ü', '€', '😀'), maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
/** Integers a LONG holds: small, safe, and beyond 2^53 up to 2^63 (exclusive) either sign. */
const long = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n }).map(Number).filter((v) => Math.abs(v) < 2 ** 63),
  fc.constantFrom(0, -1, 2 ** 53, 2 ** 62, -(2 ** 62), 1_764_000_000_123_456),
);
/** Finite doubles: any bit pattern, plain decimals, and the ones String() writes with an exponent. */
const double = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -1e9, max: 1e9 }).chain((m) => fc.integer({ min: 0, max: 12 }).map((k) => m / 10 ** k)),
  fc.constantFrom(1e21, 5e-7, 1e-6, -0, 0.1 + 0.2, 1e15 - 0.5, 999_999_999_999_999.9, 2 ** 53 + 2, 1.7976931348623157e308, 5e-324),
);
// Timestamps within ±2^53 µs (year 2255): beyond, the client writes a TIMESTAMP field's exact
// integer (BigInt) where the encoder, like for a LONG, writes String()'s shortest digits.
const VALUES = { SYMBOL: text, VARCHAR: text, LONG: long, TIMESTAMP: fc.maxSafeInteger(), DOUBLE: double, BOOLEAN: fc.boolean() } as const;

/**
 * Random valid rows of a table: symbols and the designated timestamp always there, every other
 * column absent, null or a value (the designated timestamp where QuestDB keeps it: 0 to 2^53).
 */
function rowsOf(table: TableName, maxLength = 12) {
  const def = tableDef(table);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const required: string[] = [];
  for (const name of def.columnNames) {
    const type = def.columns[name].type;
    if (name === 'timestamp') model[name] = fc.maxSafeNat();
    else if (type === 'SYMBOL') model[name] = VALUES.SYMBOL;
    else model[name] = fc.option<unknown, null>(VALUES[type], { nil: null });
    if (name === 'timestamp' || type === 'SYMBOL') required.push(name);
  }
  // Runs of one timestamp, as batches have them (the encoder copies a repeated timestamp's digits).
  const rows = fc.array(fc.record(model, { requiredKeys: required }), { maxLength });
  return fc.tuple(rows, fc.maxSafeNat()).map(([rs, shared]) => rs.map((r, i) => (i % 3 === 1 ? { ...r, timestamp: shared } : r)));
}

/**
 * The reference: the official client's text buffer (protocol version 1) filled by `rowEncoder`,
 * with its designated timestamp (nanoseconds, no suffix) rewritten as microseconds with `t`.
 */
function officialClientText(table: TableName, rows: readonly object[]): string {
  const buffer = new SenderBufferV1({ init_buf_size: 1024 } as never);
  const encode = rowEncoder(table);
  for (const r of rows) void encode(buffer, r);
  const out = rows.length === 0 ? '' : buffer.toBufferView().toString('utf8');
  return out.replace(/ (-?\d+)\n/g, (_, nanos: string) => ` ${BigInt(nanos) / 1000n}t\n`);
}

/** Bytes as a string of the same length (latin1), so that a mismatch shows where. */
const bytesText = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('batchEncoder (ILP text lines from the registry)', () => {
  it('writes symbols first, then fields in registry order, nulls left out, the timestamp in microseconds', () => {
    expect(batchEncoder('pipeline_metrics')([row]).toString()).toBe(
      'pipeline_metrics,exchange=binance,symbol=BTC/USDT:USDT,data_type=oi,host=pipeline-1,env=prod ' +
        'records_count=12i,bytes_written=9007199254740000i,latency_ms=12.5,gap_detected=f 1700000000123456t\n',
    );
  });

  it('escapes symbols outside quotes and strings inside them', () => {
    const daemon: Row<'daemon_metrics'> = { timestamp: 1, host: 'a b,c=d\\e', env: 'dev', running: true, last_error: 'say "hi"\\\nbye', last_error_at: 2 };
    expect(batchEncoder('daemon_metrics')([daemon]).toString()).toBe(
      'daemon_metrics,host=a\\ b\\,c\\=d\\\\e,env=dev running=t,last_error="say \\"hi\\"\\\\\\\nbye",last_error_at=2t 1t\n',
    );
  });

  it('writes doubles in the shortest form that reads back the same', () => {
    const out = batchEncoder('pipeline_metrics')([{ ...row, latency_ms: 1e-7 }, { ...row, latency_ms: 1e21 }]).toString();
    expect(out).toContain('latency_ms=1e-7,');
    expect(out).toContain('latency_ms=1e+21,');
  });

  it('names the column of a value that does not fit its type', () => {
    const encode = batchEncoder('pipeline_metrics');
    expect(() => encode([{ ...row, records_count: 1.5 }])).toThrow('records_count: 1.5 is not an integer');
    expect(() => encode([{ ...row, symbol: 7 }])).toThrow('symbol: 7 is not a string');
    expect(() => encode([{ ...row, timestamp: Number.NaN }])).toThrow('timestamp: NaN is not an integer');
  });

  it('refuses what QuestDB would refuse or store as something else: non-finite doubles, integers beyond a LONG', () => {
    const encode = batchEncoder('pipeline_metrics');
    for (const latency_ms of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => encode([{ ...row, latency_ms }])).toThrow(expect.objectContaining({ code: 'row_not_encodable', column: 'latency_ms' }));
    }
    for (const records_count of [2 ** 63, -(2 ** 63), 1e21]) {
      expect(() => encode([{ ...row, records_count }])).toThrow(`pipeline_metrics.records_count: ${records_count} is outside the range of a LONG`);
    }
    expect(encode([{ ...row, records_count: 2 ** 62 }]).toString()).toContain(`records_count=${2 ** 62}i`);
  });

  it('encodes an empty batch as an empty body', () => {
    expect(batchEncoder('trading_metrics')([]).length).toBe(0);
  });
});

describe('bytesEncoder against the official client', () => {
  it.each(TABLE_NAMES)('%s: random rows give exactly the bytes of the client (escapes, nulls, absent fields, big integers, doubles)', (table) => {
    const encode = bytesEncoder(table);
    fc.assert(
      fc.property(rowsOf(table), fc.nat(64), (rows, reserve) => {
        const reference = Buffer.from(officialClientText(table, rows), 'utf8');
        expect(bytesText(encode(rows, reserve).subarray(reserve))).toBe(bytesText(reference));
      }),
      { numRuns: 300 },
    );
  });

  it('repeats a timestamp equal to the one before by copying its digits, also after the buffer grew', () => {
    const encode = bytesEncoder('daemon_metrics');
    encode([{ timestamp: 1, host: 'h', env: 'dev' }]); // a first batch of short rows: the next one starts small
    const at = [1_764_000_000_123_456, 1_764_000_000_123_456, 5, 5, 1_764_000_000_123_456, 1_764_000_000_123_456];
    const rows = at.map((timestamp, i) => ({ timestamp, host: `h${i}`, env: 'dev', last_error: 'x'.repeat(300) }));
    expect(encode(rows).toString()).toBe(officialClientText('daemon_metrics', rows));
  });
});

describe('linePrefixEncoder (table name and symbols, encoded once per series)', () => {
  it('gives the start of the row’s line up to the space before the fields', () => {
    const prefix = linePrefixEncoder('pipeline_metrics')({ ...row, host: 'a b,c=d\\e', symbol: 'ü €' });
    expect(prefix.toString()).toBe('pipeline_metrics,exchange=binance,symbol=ü\\ €,data_type=oi,host=a\\ b\\,c\\=d\\\\e,env=prod');
  });

  it('refuses a symbol that is not a string, as the encoder does', () => {
    for (const bad of [{ ...row, host: undefined }, { ...row, host: null }, { ...row, exchange: 3 }]) {
      const message = (() => {
        try {
          batchEncoder('pipeline_metrics')([bad]);
        } catch (error) {
          return (error as Error).message;
        }
        throw new Error('the encoder took a row without a string symbol');
      })();
      expect(() => linePrefixEncoder('pipeline_metrics')(bad)).toThrow(expect.objectContaining({ code: 'row_not_encodable', message }));
    }
  });

  it.each(TABLE_NAMES)('%s: encoding with prefixes for some rows gives the bytes encoding without them gives, also when the buffer grows mid-batch', (table) => {
    const prefixOf = linePrefixEncoder(table);
    const longText = fc.string({ unit: fc.constantFrom('a', ' ', ',', 'ü', '\\'), minLength: 100, maxLength: 400 });
    const def = tableDef(table);
    const symbol = def.columnNames.find((name) => def.columns[name].type === 'SYMBOL') as string;
    // Some rows with a long symbol, so that a batch outgrows the first guess at its size.
    const rows = rowsOf(table, 30).chain((rs) => fc.tuple(fc.constant(rs), fc.array(fc.tuple(fc.boolean(), fc.option(longText, { nil: undefined })), { minLength: rs.length, maxLength: rs.length })));
    fc.assert(
      fc.property(rows, fc.nat(40), ([base, choices], reserve) => {
        const batch = base.map((r, i) => (choices[i][1] === undefined ? r : { ...r, [symbol]: choices[i][1] }));
        const prefixes = batch.map((r, i) => (choices[i][0] ? prefixOf(r) : undefined));
        const plain = bytesEncoder(table);
        const withPrefixes = bytesEncoder(table);
        // A batch of one short row first: the encoders' next buffer starts small and has to grow.
        const tiny = { ...batch[0], ...Object.fromEntries(def.columnNames.filter((n) => def.columns[n].type === 'SYMBOL').map((n) => [n, 's'])) };
        if (batch.length > 0) {
          plain([tiny]);
          withPrefixes([tiny], 0, [prefixOf(tiny)]);
        }
        const expected = plain(batch, reserve).subarray(reserve);
        expect(bytesText(withPrefixes(batch, reserve, prefixes).subarray(reserve))).toBe(bytesText(expected));
        expect(bytesText(expected)).toBe(bytesText(Buffer.from(officialClientText(table, batch), 'utf8')));
      }),
      { numRuns: 150 },
    );
  });

  it('takes a sparse prefixes array, and one shorter than the batch', () => {
    const encode = bytesEncoder('pipeline_metrics');
    const rows = [row, { ...row, symbol: 'ETH/USDT' }, { ...row, host: 'x y' }];
    const expected = encode(rows).toString();
    const prefixOf = linePrefixEncoder('pipeline_metrics');
    const sparse: (Uint8Array | undefined)[] = [];
    sparse[1] = prefixOf(rows[1]);
    expect(encode(rows, 0, sparse).toString()).toBe(expected);
    expect(encode(rows, 0, [prefixOf(rows[0])]).toString()).toBe(expected);
  });
});
