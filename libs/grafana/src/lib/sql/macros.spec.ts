import { expandMacros, grafanaInterval, MacroExpansionError, parseInterval, sampleByInterval } from './macros';

const ctx = {
  fromMs: 1_700_000_000_000,
  toMs: 1_700_086_400_000,
  intervalMs: 60_000,
  variables: { env: 'all', host: ['a', 'b'], exchange: ['okx'] } as const,
};

describe('expandMacros', () => {
  it('expands $__timeFilter, $__fromTime and $__toTime to microsecond casts, as the plugin does', () => {
    expect(expandMacros('WHERE $__timeFilter(timestamp) AND x < $__toTime AND x > $__fromTime', ctx)).toBe(
      'WHERE timestamp >= cast(1700000000000000 as timestamp) AND timestamp <= cast(1700086400000000 as timestamp)' +
        ' AND x < cast(1700086400000000 as timestamp) AND x > cast(1700000000000000 as timestamp)',
    );
  });

  it('turns $__conditionalAll into 1=1 at All and into the condition otherwise', () => {
    const sql = "$__conditionalAll(env IN (${env:sqlstring}), $env) AND $__conditionalAll(host IN (${host:sqlstring}), $host)";
    expect(expandMacros(sql, ctx)).toBe("1=1 AND host IN ('a','b')");
  });

  it('turns $__conditionalAll into 1=1 for an empty or missing variable, as the plugin does (not IN ())', () => {
    const sql = '$__conditionalAll(host IN (${host:sqlstring}), $host) AND $__conditionalAll(x IN (${nope:sqlstring}), $nope)';
    expect(expandMacros(sql, { ...ctx, variables: { host: [] } })).toBe('1=1 AND 1=1');
  });

  it("formats values in Grafana's formats: sqlstring doubles a quote, singlequote escapes it with a backslash", () => {
    const v = { ...ctx, variables: { host: ["o'brien", 'b'], one: ["it's"] } };
    expect(expandMacros('${host:sqlstring}', v)).toBe("'o''brien','b'");
    expect(expandMacros('${host:singlequote}', v)).toBe("'o\\'brien','b'");
    expect(expandMacros('${host:doublequote}', v)).toBe('"o\'brien","b"');
    expect(expandMacros('${host:csv}|${host:raw}|${host:pipe}', v)).toBe("o'brien,b|o'brien,b|o'brien|b");
    // No format: several values are quoted like sqlstring, a single value goes in raw.
    expect(expandMacros('$host / ${host} / $one', v)).toBe("'o''brien','b' / 'o''brien','b' / it's");
    expect(() => expandMacros('${host:lucene}', v)).toThrow(/unsupported variable format :lucene/);
  });

  it('expands $__sampleByInterval and $__interval_ms from the query interval', () => {
    expect(expandMacros('SAMPLE BY $__sampleByInterval -- $__interval_ms', ctx)).toBe('SAMPLE BY 60s -- 60000');
  });

  it('refuses a variable at All outside $__conditionalAll without known values, and unknown macros', () => {
    expect(() => expandMacros('env = $env', ctx)).toThrow(MacroExpansionError);
    expect(expandMacros('env IN (${env:sqlstring})', { ...ctx, allValues: { env: ['prod', 'dev'] } })).toBe("env IN ('prod','dev')");
    expect(() => expandMacros('WHERE $__timeFiltr(ts)', ctx)).toThrow(/\$__timeFiltr/);
    expect(() => expandMacros('$__timeFilter(a, b)', ctx)).toThrow(/1 argument/);
  });
});

describe('sampleByInterval', () => {
  it('formats like the QuestDB plugin: days, hours, seconds, milliseconds', () => {
    expect(sampleByInterval(86_400_000)).toBe('1d');
    expect(sampleByInterval(7 * 86_400_000)).toBe('7d');
    expect(sampleByInterval(3_600_000)).toBe('1h');
    expect(sampleByInterval(1_800_000)).toBe('1800s');
    expect(sampleByInterval(20_000)).toBe('20s');
    expect(sampleByInterval(500)).toBe('500T');
  });
});

describe('grafanaInterval', () => {
  it('divides the range by the data points and rounds to Grafana steps', () => {
    expect(grafanaInterval(86_400_000)).toBe(60_000); // 24 h → 1m
    expect(grafanaInterval(30 * 86_400_000)).toBe(1_800_000); // 30 d → 30m
    expect(grafanaInterval(3_600_000, 1000, 30_000)).toBe(30_000); // min interval wins
    expect(grafanaInterval(3_600_000, 1000, parseInterval('1m'))).toBe(60_000); // a panel over a 1-minute rollup
  });
});

describe('parseInterval', () => {
  it('reads Grafana min intervals and refuses anything else', () => {
    expect(parseInterval('1m')).toBe(60_000);
    expect(parseInterval('30s')).toBe(30_000);
    expect(parseInterval('2h')).toBe(7_200_000);
    expect(() => parseInterval('1 minute')).toThrow(MacroExpansionError);
  });
});
