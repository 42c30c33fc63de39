import type { Row } from '@tradewatch/models';
import { linePrefixEncoder } from '@tradewatch/questdb-client';
import { CollectorMetrics } from './collector-metrics';
import { LatestValues } from './latest-values';
import { SeriesLinePrefixes } from './series-line-prefixes';

const row = (host: string, exchange: string, timestamp: number): Row<'exchange_status'> => ({ timestamp, exchange, host, env: 'prod', connected: true });

describe('SeriesLinePrefixes', () => {
  it("gives each row of a held series that series' prefix, encoded once; rows of new series get none", () => {
    const latest = new LatestValues(new CollectorMetrics({ defaultMetrics: false }).registry);
    const prefixes = new SeriesLinePrefixes();
    const first = [row('a b,c=d', 'okx', 1), row('h2', 'bybit', 1)];
    const admittedFirst = latest.admit('exchange_status', first);
    expect(admittedFirst && prefixes.of('exchange_status', admittedFirst)).toEqual([undefined, undefined]);
    latest.observe('exchange_status', first, admittedFirst);

    const next = [row('h2', 'bybit', 2), row('new', 'okx', 2), row('a b,c=d', 'okx', 2)];
    const admitted = latest.admit('exchange_status', next);
    if (!admitted) throw new Error('exchange_status has series');
    const got = prefixes.of('exchange_status', admitted);
    const encode = linePrefixEncoder('exchange_status');
    expect(got.map((p) => p && Buffer.from(p).toString('utf8'))).toEqual([encode(next[0]).toString('utf8'), undefined, encode(next[2]).toString('utf8')]);
    // Kept on the series: the same bytes, not encoded again.
    const again = prefixes.of('exchange_status', latest.admit('exchange_status', [row('h2', 'bybit', 3)]) ?? admitted);
    expect(again[0]).toBe(got[0]);
  });
});
