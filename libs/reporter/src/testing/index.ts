/** Test helpers for code built on the reporter: the real collector app as a child process. */
export { NOT_SILENCE_ROW, freePort, startCollector, type CollectorProcess } from './collector-process';
export { FakeOkx, type FakeOkxMode } from './fake-okx';
