import { resolve } from 'node:path';
import { collectorServeLaunch } from './collector-process';

const ROOT = resolve(__dirname, '../../..');

describe('collectorServeLaunch (the repository\'s own apps/collector/project.json)', () => {
  it('gives the bench the node options and environment `nx run collector:serve` starts the collector with', () => {
    expect(collectorServeLaunch(ROOT)).toEqual({ nodeArgs: ['--single-threaded-gc'], env: { MALLOC_MMAP_THRESHOLD_: '131072' } });
  });
});
