import { questDbUrl } from '../testing';
import { MetricsClient } from './metrics-client';

describe('RestClient result rows (real QuestDB)', () => {
  let client: MetricsClient;
  beforeAll(async () => (client = await MetricsClient.connect({ url: questDbUrl() })));
  afterAll(() => client.close());

  it('keeps a column named __proto__ or constructor as a column like any other', async () => {
    const { rows } = await client.query(`SELECT 1 AS "__proto__", 2 AS "constructor", 3 AS "toString"`);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(Object.keys(row)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe(1);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });
});
