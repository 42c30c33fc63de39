import type { Row } from '@tradewatch/models';
import { batchEncoder } from './ilp-text-encoder';

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
