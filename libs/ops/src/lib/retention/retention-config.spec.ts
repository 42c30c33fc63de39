import { OpsConfigError } from '../errors';
import { parseRetentionCommand } from './retention-config';

describe('parseRetentionCommand', () => {
  it('runs once against the default QuestDB by default', () => {
    expect(parseRetentionCommand([], {})).toEqual({ kind: 'run', connection: { url: 'http://127.0.0.1:9000' }, dryRun: false, everyMs: undefined, statusFile: undefined });
  });

  it('reads --dry-run, --every and --status-file, flags over environment', () => {
    const env = { QUESTDB_URL: 'http://questdb:9000', RETENTION_EVERY: '12h', RETENTION_STATUS_FILE: '/state/s.json' };
    expect(parseRetentionCommand([], env)).toMatchObject({ everyMs: 43_200_000, statusFile: '/state/s.json', connection: { url: 'http://questdb:9000' } });
    expect(parseRetentionCommand(['--dry-run', '--every', '24h', '--status-file', '/tmp/x.json'], env)).toMatchObject({
      dryRun: true,
      everyMs: 86_400_000,
      statusFile: '/tmp/x.json',
    });
  });

  it('names a bad duration by where it came from', () => {
    expect(() => parseRetentionCommand(['--every', 'daily'], {})).toThrow('--every: "daily" is not a duration');
    expect(() => parseRetentionCommand([], { RETENTION_EVERY: '1 day' })).toThrow('RETENTION_EVERY: "1 day" is not a duration');
  });

  it('rejects unknown flags and a bad QUESTDB_URL as configuration errors', () => {
    expect(() => parseRetentionCommand(['--force'], {})).toThrow(OpsConfigError);
    expect(() => parseRetentionCommand([], { QUESTDB_URL: 'localhost' })).toThrow(/^QUESTDB_URL/);
  });

  it('has help and a status check mode', () => {
    expect(parseRetentionCommand(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseRetentionCommand(['--check-status', '/s.json'], {})).toEqual({ kind: 'check-status', statusFile: '/s.json' });
  });
});
