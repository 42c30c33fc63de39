import { TABLES } from '@tradewatch/models';
import { registryRetention, retentionCutoff } from './retention';

describe('retentionCutoff', () => {
  it('is the start of the UTC day retentionDays ago, so no younger row is ever dropped', () => {
    const now = Date.parse('2026-11-22T16:40:00.123Z');
    expect(new Date(retentionCutoff(now, 90) / 1000).toISOString()).toBe('2026-08-24T00:00:00.000Z');
    expect(new Date(retentionCutoff(now, 1) / 1000).toISOString()).toBe('2026-11-21T00:00:00.000Z');
  });

  it('does not move at midnight itself', () => {
    const midnight = Date.parse('2026-11-22T00:00:00.000Z');
    expect(new Date(retentionCutoff(midnight, 90) / 1000).toISOString()).toBe('2026-08-24T00:00:00.000Z');
  });
});

describe('registryRetention', () => {
  it('takes every table and its retention from the registry', () => {
    expect(registryRetention()).toEqual(
      Object.values(TABLES).map((t) => ({ table: t.name, retentionDays: t.retentionDays })),
    );
  });
});
