import { PassThrough } from 'node:stream';
import { OpsConfigError } from '../errors';
import { errorLine, exitCodesHelp, runCli } from './cli-main';

describe('errorLine', () => {
  it('names the program once, however often the message already does', () => {
    expect(errorLine('export', new OpsConfigError("export: Unknown option '--x' (see export --help)"))).toBe("export: Unknown option '--x' (see export --help)");
    expect(errorLine('export', new Error('export: export: disk full'))).toBe('export: disk full');
    expect(errorLine('healthcheck', 'QuestDB down')).toBe('healthcheck: QuestDB down');
  });

  it('never prints a stack', () => {
    const error = new Error('boom');
    expect(errorLine('job', error)).toBe('job: boom');
    expect(error.stack).toContain('at ');
  });
});

describe('runCli', () => {
  const run = async (main: () => Promise<number>) => {
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (c: Buffer) => (text += c.toString()));
    const code = await runCli('job', main, stderr);
    process.exitCode = undefined;
    return { code, text };
  };

  it('exits with what main returns', async () => {
    expect(await run(async () => 0)).toEqual({ code: 0, text: '' });
    expect(await run(async () => 1)).toEqual({ code: 1, text: '' });
  });

  it('exits 2 on a configuration error and 1 on any other failure, with one line each', async () => {
    expect(await run(() => Promise.reject(new OpsConfigError('--every: "x" is not a duration')))).toEqual({ code: 2, text: 'job: --every: "x" is not a duration\n' });
    expect(await run(() => Promise.reject(new Error('QuestDB at http://q:9000 is unreachable')))).toEqual({ code: 1, text: 'job: QuestDB at http://q:9000 is unreachable\n' });
  });
});

describe('exitCodesHelp', () => {
  it('states the three codes', () => {
    expect(exitCodesHelp({ ok: 'healthy' })).toBe('Exit status: 0 healthy, 1 failed, 2 misconfigured (bad flag, variable or argument).');
  });
});
