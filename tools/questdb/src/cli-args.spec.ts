import { CliUsageError, helpText, parseCliArgs } from './cli-args';

describe('parseCliArgs', () => {
  it('parses a command with both flag styles, before or after it', () => {
    expect(
      parseCliArgs([
        '--http-port', '29000', 'start', '--pg-port=28812', '--ilp-port', '29009', '--min-port=29003',
        '--data-dir', '/tmp/q', '--bind', '0.0.0.0', '--start-timeout', '90', '--stop-timeout=5',
        '--java-opts', '-Xmx2g -Xms1g',
      ]),
    ).toEqual({
      command: 'start',
      help: false,
      options: {
        httpPort: 29000,
        pgPort: 28812,
        ilpPort: 29009,
        minPort: 29003,
        dataDir: '/tmp/q',
        bind: '0.0.0.0',
        startTimeoutMs: 90_000,
        stopTimeoutMs: 5_000,
        javaOpts: ['-Xmx2g', '-Xms1g'],
      },
    });
  });

  it('takes a value that starts with a single dash after --java-opts', () => {
    expect(parseCliArgs(['start', '--java-opts', '-Xmx512m']).options.javaOpts).toEqual(['-Xmx512m']);
  });

  it('accepts --help and -h without a command', () => {
    expect(parseCliArgs(['--help']).help).toBe(true);
    expect(parseCliArgs(['stop', '-h']).help).toBe(true);
  });

  it.each([
    [['start', '--verbose'], "Unknown option '--verbose'. Run with --help for the list."],
    [['start', '--http-port'], 'Option --http-port needs a value.'],
    [['start', '--http-port='], 'Option --http-port needs a value.'],
    [['start', '--http-port', '--pg-port', '1'], 'Option --http-port needs a value.'],
    [['start', '--http-port', 'x'], "--http-port must be a port number 1-65535, got 'x'"],
    [['start', '--start-timeout=0'], "--start-timeout must be a positive number of seconds, got '0'"],
    [['restart'], "Unknown command 'restart'. Commands: start, stop, status, fetch."],
    [['start', 'stop'], "Unexpected argument 'stop': give one command (start, stop, status, fetch)."],
    [[], 'No command given. Commands: start, stop, status, fetch. Run with --help.'],
  ])('%p is a usage error', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(new CliUsageError(message));
  });

  it('documents every flag and env var in --help', () => {
    const help = helpText();
    for (const word of [
      '--http-port', '--pg-port', '--ilp-port', '--min-port', '--data-dir', '--bind',
      '--start-timeout', '--stop-timeout', '--java-opts', 'QUESTDB_HTTP_PORT', 'QUESTDB_PG_PORT',
      'QUESTDB_ILP_PORT', 'QUESTDB_MIN_PORT', 'QUESTDB_DATA_DIR', 'QUESTDB_BIND', 'QUESTDB_JAVA_OPTS',
    ]) {
      expect(help).toContain(word);
    }
  });
});
