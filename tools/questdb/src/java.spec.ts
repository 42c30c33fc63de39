import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLauncherError } from './errors';
import { locateJava, parseJavaVersion, requireJava } from './java';

describe('parseJavaVersion', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)', 17, '17.0.15'],
    ['java version "1.8.0_392"\nJava(TM) SE Runtime Environment (build 1.8.0_392-b08)', 8, '1.8.0_392'],
    ['openjdk version "21" 2023-09-19', 21, '21'],
    ['openjdk version "25-ea" 2025-09-16', 25, '25-ea'],
    ['openjdk version "11.0.2" 2019-01-15', 11, '11.0.2'],
    ['Picked up JAVA_TOOL_OPTIONS: -Xss4m\nopenjdk version "17.0.1" 2021-10-19 LTS', 17, '17.0.1'],
  ])('reads %j', (output, major, version) => {
    expect(parseJavaVersion(output)).toEqual({ major, version });
  });

  it('returns undefined for output it does not understand', () => {
    expect(parseJavaVersion('bash: java: command not found')).toBeUndefined();
    expect(parseJavaVersion('openjdk version "abc"')).toBeUndefined();
  });
});

describe('locateJava and requireJava', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'java-spec-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A stand-in `java` that prints a version banner on stderr, as the real one does. */
  function fakeJava(binDir: string, banner: string): string {
    mkdirSync(binDir, { recursive: true });
    const file = join(binDir, 'java');
    writeFileSync(file, `#!/bin/sh\necho '${banner}' >&2\n`);
    chmodSync(file, 0o755);
    return file;
  }

  it('prefers JAVA_HOME/bin/java over PATH', () => {
    const home = fakeJava(join(dir, 'jdk', 'bin'), 'openjdk version "21"');
    fakeJava(join(dir, 'path'), 'openjdk version "17"');
    expect(locateJava({ JAVA_HOME: join(dir, 'jdk'), PATH: join(dir, 'path') })).toBe(home);
  });

  it('searches PATH when JAVA_HOME is unset', () => {
    const onPath = fakeJava(join(dir, 'b'), 'openjdk version "17"');
    expect(locateJava({ PATH: `${join(dir, 'a')}:${join(dir, 'b')}` })).toBe(onPath);
  });

  it('reports a JAVA_HOME without java instead of falling back', () => {
    fakeJava(join(dir, 'path'), 'openjdk version "17"');
    expect(() => locateJava({ JAVA_HOME: join(dir, 'nope'), PATH: join(dir, 'path') })).toThrow(
      /JAVA_HOME is set to '.*nope' but .*nope\/bin\/java is not an executable file/,
    );
  });

  it('says how to get Java when there is none', () => {
    let caught: unknown;
    try {
      locateJava({ PATH: join(dir, 'empty') });
    } catch (err) {
      caught = err;
    }
    expect(isLauncherError(caught, 'JAVA_NOT_FOUND')).toBe(true);
    expect((caught as Error).message).toMatch(/Java not found: QuestDB needs Java 17 or newer/);
  });

  it('accepts Java 17 and rejects Java 8', async () => {
    fakeJava(join(dir, 'new'), 'openjdk version "17.0.15" 2025-04-15');
    await expect(requireJava({ PATH: join(dir, 'new') })).resolves.toMatchObject({ major: 17, version: '17.0.15' });

    fakeJava(join(dir, 'old'), 'java version "1.8.0_392"');
    await expect(requireJava({ PATH: join(dir, 'old') })).rejects.toThrow(
      /is Java 1\.8\.0_392; QuestDB needs Java 17 or newer/,
    );
  });
});
