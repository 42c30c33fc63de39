import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { QuestDbLauncherError } from './errors';
import { MIN_JAVA_MAJOR } from './version';

export interface JavaInfo {
  /** The java executable we will run. */
  path: string;
  /** Feature release: 8 for "1.8.0_392", 17 for "17.0.15", 25 for "25-ea". */
  major: number;
  /** The quoted version string from `java -version`. */
  version: string;
}

/**
 * `java -version` prints to stderr, e.g. `openjdk version "17.0.15" 2025-04-15`,
 * `java version "1.8.0_392"` or `openjdk version "25-ea" 2025-09-16`. Versions before 9 start
 * with "1.", so the feature release is the second number there.
 */
export function parseJavaVersion(output: string): { major: number; version: string } | undefined {
  const m = /version "([^"]+)"/.exec(output);
  if (!m) return undefined;
  const version = m[1];
  const parts = /^(\d+)(?:\.(\d+))?/.exec(version);
  if (!parts) return undefined;
  const first = Number(parts[1]);
  const major = first === 1 && parts[2] !== undefined ? Number(parts[2]) : first;
  return { major, version };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * JAVA_HOME wins when set, as with Maven and Gradle. A JAVA_HOME without bin/java is an error
 * rather than a silent fall-back to PATH, which would hide the misconfiguration.
 */
export function locateJava(env: NodeJS.ProcessEnv = process.env): string {
  const javaHome = env['JAVA_HOME']?.trim();
  if (javaHome) {
    const candidate = join(javaHome, 'bin', 'java');
    if (isExecutable(candidate)) return candidate;
    throw new QuestDbLauncherError(
      'JAVA_NOT_FOUND',
      `JAVA_HOME is set to '${javaHome}' but ${candidate} is not an executable file. ` +
        `Point JAVA_HOME at a Java ${MIN_JAVA_MAJOR}+ installation or unset it to use java from PATH.`,
    );
  }
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'java');
    if (isExecutable(candidate)) return candidate;
  }
  throw new QuestDbLauncherError(
    'JAVA_NOT_FOUND',
    `Java not found: QuestDB needs Java ${MIN_JAVA_MAJOR} or newer. Set JAVA_HOME or put java on PATH ` +
      `(Debian/Ubuntu: apt-get install openjdk-17-jre-headless).`,
  );
}

function runJavaVersion(javaPath: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(javaPath, ['-version'], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) {
        reject(
          new QuestDbLauncherError('JAVA_NOT_FOUND', `'${javaPath} -version' failed: ${err.message}`),
        );
        return;
      }
      resolvePromise(`${stderr}\n${stdout}`);
    });
  });
}

/** Finds java and checks it can run the pinned jar; throws a clear error otherwise. */
export async function requireJava(env: NodeJS.ProcessEnv = process.env): Promise<JavaInfo> {
  const path = locateJava(env);
  const output = await runJavaVersion(path);
  const parsed = parseJavaVersion(output);
  if (!parsed) {
    throw new QuestDbLauncherError(
      'JAVA_NOT_FOUND',
      `Could not read the Java version from '${path} -version':\n${output.trim()}`,
    );
  }
  if (parsed.major < MIN_JAVA_MAJOR) {
    throw new QuestDbLauncherError(
      'JAVA_TOO_OLD',
      `${path} is Java ${parsed.version}; QuestDB needs Java ${MIN_JAVA_MAJOR} or newer. ` +
        `Install a newer JDK/JRE and set JAVA_HOME to it.`,
    );
  }
  return { path, ...parsed };
}
