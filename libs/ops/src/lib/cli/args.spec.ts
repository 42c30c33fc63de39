import { OpsConfigError } from '../errors';
import { durationSetting, parseFlags } from './args';
import { questDbFromEnv } from './questdb-env';

describe('parseFlags', () => {
  const options = { 'dry-run': { type: 'boolean' }, every: { type: 'string' } } as const;

  it('reads known flags', () => {
    expect(parseFlags('job', ['--dry-run', '--every', '24h'], options)).toEqual({ 'dry-run': true, every: '24h' });
  });

  it('names an unknown flag and points to --help', () => {
    expect(() => parseFlags('job', ['--dryrun'], options)).toThrow(OpsConfigError);
    expect(() => parseFlags('job', ['--dryrun'], options)).toThrow(/--dryrun.*see job --help/s);
  });

  it('rejects stray positional arguments', () => {
    expect(() => parseFlags('job', ['now'], options)).toThrow(/now/);
  });
});

describe('durationSetting', () => {
  it('names the setting and shows examples', () => {
    expect(() => durationSetting('--every', 'daily')).toThrow('--every: "daily" is not a duration; use e.g. 30s, 5m, 24h or 7d');
    expect(durationSetting('--every', '24h')).toBe(86_400_000);
    expect(durationSetting('--every', undefined)).toBeUndefined();
  });
});

describe('questDbFromEnv', () => {
  it('defaults to the local QuestDB', () => {
    expect(questDbFromEnv({})).toEqual({ url: 'http://127.0.0.1:9000' });
  });

  it('names QUESTDB_URL when it is not an http URL', () => {
    expect(() => questDbFromEnv({ QUESTDB_URL: 'questdb:9000' })).toThrow(/^QUESTDB_URL: must be an http\(s\) URL/);
  });

  it('wants user and password together', () => {
    expect(() => questDbFromEnv({ QUESTDB_USER: 'admin' })).toThrow('QUESTDB_USER and QUESTDB_PASSWORD must be set together');
    expect(questDbFromEnv({ QUESTDB_URL: 'http://q:9000/', QUESTDB_USER: 'a', QUESTDB_PASSWORD: 'b' })).toEqual({
      url: 'http://q:9000',
      user: 'a',
      password: 'b',
    });
  });
});
