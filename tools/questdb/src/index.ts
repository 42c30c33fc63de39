/**
 * The repo's own QuestDB launcher: start/stop a pinned QuestDB for dev, tests and fault tests.
 * Jest projects use ./jest/global-setup and ./jest/global-teardown directly by path.
 */
export { startQuestDb, javaArgs, type QuestDbHandle, type StartOptions } from './server';
export { DEFAULTS, ENV_VARS, resolveOptions, type QuestDbOptions, type ResolvedOptions } from './options';
export { findFreePort, findFreePorts, isPortFree, isPortOpen } from './ports';
export { execSql, probeQuestDb, type ExecResult, type ProbeResult } from './questdb-http';
export { ensureJar, type EnsureJarOptions } from './jar-cache';
export { requireJava, parseJavaVersion, type JavaInfo } from './java';
export { questDbStatus, stopQuestDb, type QuestDbStatus, type StopOutcome } from './control';
export { serverSettings, toQdbEnv, toQdbEnvName } from './server-env';
export { WORKER_IDLE_SETTINGS } from './worker-idle';
export { QuestDbLauncherError, isLauncherError, type QuestDbErrorCode } from './errors';
export { QUESTDB_VERSION, MIN_JAVA_MAJOR, jarUrl, jarSha1Url } from './version';
