import { PassThrough } from 'node:stream';
import { OpsConfigError } from '../errors';
import { cliLogger, logFormat } from './cli-logger';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

describe('logFormat', () => {
  it('is human on a terminal and JSON otherwise, unless LOG_FORMAT says', () => {
    expect(logFormat({}, true)).toBe('pretty');
    expect(logFormat({}, false)).toBe('json');
    expect(logFormat({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormat({ LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
    expect(() => logFormat({ LOG_FORMAT: 'xml' }, true)).toThrow(OpsConfigError);
  });
});

describe('cliLogger', () => {
  const failure = new Error('connect ECONNREFUSED 127.0.0.1:9000');

  it('pretty: one line per event with time, level and message; no stack below debug', () => {
    const out = capture();
    const log = cliLogger('job', { format: 'pretty', level: 'info', stream: out.stream });
    log.info({ table: 'daemon_metrics' }, 'nothing to drop');
    log.error({ err: failure }, 'run failed: connect ECONNREFUSED 127.0.0.1:9000');
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: nothing to drop \{"table":"daemon_metrics"\}$/);
    expect(lines[1]).toMatch(/^\[\d\d:\d\d:\d\d\] ERROR: run failed: connect ECONNREFUSED 127\.0\.0\.1:9000$/);
  });

  it('pretty at debug level keeps the error with its stack', () => {
    const out = capture();
    cliLogger('job', { format: 'pretty', level: 'debug', stream: out.stream }).error({ err: failure }, 'run failed');
    expect(out.text()).toContain('at ');
  });

  it('json: one pino object a line, with the error serialised', () => {
    const out = capture();
    cliLogger('job', { format: 'json', level: 'info', stream: out.stream }).error({ err: failure }, 'run failed');
    const line = JSON.parse(out.text()) as { name: string; level: number; msg: string; err: { message: string } };
    expect(line).toMatchObject({ name: 'job', level: 50, msg: 'run failed', err: { message: failure.message } });
  });
});
