import { IlpLineSplitter, IlpSyntaxError, parseIlp, parseIlpLine } from './ilp-parser';

describe('parseIlpLine', () => {
  it('reads tags, every field type and the timestamp (ns by default)', () => {
    const line = parseIlpLine('daemon_metrics,host=h1,env=prod running=t,fetch_count=12i,cpu_percent=1.5,last_error="boom",last_error_at=1700000000000001t 1700000000123456789', 3);
    expect(line).toEqual({
      line: 3,
      table: 'daemon_metrics',
      tags: [['host', 'h1'], ['env', 'prod']],
      fields: [
        ['running', { kind: 'boolean', value: true }],
        ['fetch_count', { kind: 'integer', value: 12n }],
        ['cpu_percent', { kind: 'float', value: 1.5 }],
        ['last_error', { kind: 'string', value: 'boom' }],
        ['last_error_at', { kind: 'timestamp', micros: 1700000000000001n }],
      ],
      timestampMicros: 1700000000123456n,
    });
  });

  it.each([
    ['n', '1700000000123456789', 1700000000123456n],
    ['u', '1700000000123456', 1700000000123456n],
    ['ms', '1700000000123', 1700000000123000n],
    ['s', '1700000000', 1700000000000000n],
    ['n', '-1500', -2n], // floor, like QuestDB's epoch arithmetic
  ] as const)('precision %s: %s → %s µs', (precision, ts, micros) => {
    expect(parseIlpLine(`t a=1i ${ts}`, 1, precision)?.timestampMicros).toBe(micros);
  });

  it('unescapes spaces, commas, equals signs, quotes, backslashes and newlines', () => {
    const line = parseIlpLine('my\\ table,ta\\,g=v\\ a\\=l f\\ 1="say \\"hi\\"\\\\ \\\nnext",f2=1e3', 1);
    expect(line).toMatchObject({ table: 'my table', tags: [['ta,g', 'v a=l']], fields: [['f 1', { kind: 'string', value: 'say "hi"\\ \nnext' }], ['f2', { kind: 'float', value: 1000 }]] });
    expect(line?.timestampMicros).toBeUndefined();
  });

  it.each(['t', 'T', 'true', 'True', 'TRUE', 'f', 'F', 'false', 'False', 'FALSE'])('boolean %s', (b) => {
    expect(parseIlpLine(`t x=${b}`, 1)?.fields[0][1]).toEqual({ kind: 'boolean', value: b.toLowerCase().startsWith('t') });
  });

  it('reads a line of tags only, with or without a timestamp', () => {
    expect(parseIlpLine('t,a=b 1000', 1)).toEqual({ line: 1, table: 't', tags: [['a', 'b']], fields: [], timestampMicros: 1n });
    expect(parseIlpLine('t,a=b', 1)).toEqual({ line: 1, table: 't', tags: [['a', 'b']], fields: [], timestampMicros: undefined });
  });

  it('skips blank lines and comments; strips a CR', () => {
    expect(parseIlpLine('', 1)).toBeUndefined();
    expect(parseIlpLine('  ', 1)).toBeUndefined();
    expect(parseIlpLine('# comment', 1)).toBeUndefined();
    expect(parseIlpLine('t x=1i 1000\r', 1)?.timestampMicros).toBe(1n);
  });

  it.each([
    ['t', /at least one tag or field/, undefined],
    [',a=b x=1i', /table name is missing/, undefined],
    ['t,a x=1i', /tag a has no value/, 'a'],
    ['t,a= x=1i', /tag a has an empty value/, 'a'],
    ['t x', /field x has no value/, 'x'],
    ['t x=', /field value is invalid: \(empty\)/, 'x'],
    ['t x=abc', /field value is invalid: abc/, 'x'],
    ['t x="open', /no closing quote/, 'x'],
    ['t x="a"b', /unexpected character after field x/, 'x'],
    ['t x=1.5i', /integer value is not an integer/, 'x'],
    ['t x=9223372036854775808i', /outside the 64-bit integer range/, 'x'],
    ['t x=1e999', /float value out of range/, 'x'],
    ['t x=NaN', /field value is invalid: NaN/, 'x'],
    ['t x=12ut', /timestamp value is not an integer/, 'x'],
    ['t x=1i 17000000000x', /timestamp is not an integer/, undefined],
    ['t x=1i 9223372036854775808', /outside the 64-bit integer range/, undefined],
  ])('refuses %j naming the line and column', (text, message, column) => {
    let error: unknown;
    try {
      parseIlpLine(text, 7);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IlpSyntaxError);
    expect((error as IlpSyntaxError).message).toMatch(message);
    expect((error as IlpSyntaxError).line).toBe(7);
    expect((error as IlpSyntaxError).column).toBe(column);
  });

  it('refuses a seconds timestamp beyond the date range', () => {
    expect(() => parseIlpLine('t x=1i 9000000000000000', 1, 's')).toThrow(/timestamp is out of range/);
  });
});

describe('IlpLineSplitter', () => {
  it('cuts chunks into lines at unescaped newlines only, numbering physical lines', () => {
    const s = new IlpLineSplitter();
    expect(s.push('a x=1i\nb x="one\\')).toEqual([{ line: 1, text: 'a x=1i' }]);
    expect(s.push('\ntwo"\n\nc x=')).toEqual([{ line: 2, text: 'b x="one\\\ntwo"' }, { line: 3, text: '' }]);
    expect(s.push('2i')).toEqual([]);
    expect(s.end()).toEqual([{ line: 4, text: 'c x=2i' }]);
  });

  it('an escaped backslash does not escape the newline after it', () => {
    const s = new IlpLineSplitter();
    expect(s.push('a x="\\\\"\nb x=1i\n')).toEqual([{ line: 1, text: 'a x="\\\\"' }, { line: 2, text: 'b x=1i' }]);
  });
});

describe('parseIlp', () => {
  it('returns every good line and every bad line', () => {
    const { lines, errors } = parseIlp('a x=1i\nb x=bad\n\nc y="z"\nd\n', 'n');
    expect(lines.map((l) => [l.line, l.table])).toEqual([[1, 'a'], [4, 'c']]);
    expect(errors.map((e) => [e.line, e.column])).toEqual([[2, 'x'], [5, undefined]]);
  });
});
