import { topSelfTime } from './cpu-profile';

describe('topSelfTime', () => {
  it('sums sample time per function, biggest first, with repo-relative locations', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 } },
        { id: 2, callFrame: { functionName: 'encode', url: 'file:///repo/libs/a.js', lineNumber: 9 } },
        { id: 3, callFrame: { functionName: '', url: 'file:///repo/libs/b.js', lineNumber: 0 } },
      ],
      samples: [2, 3, 2, 2],
      timeDeltas: [100, 100, 100, 100],
    };
    expect(topSelfTime(profile, '/repo')).toEqual([
      { fn: 'encode', where: 'libs/a.js:10', percent: 75 },
      { fn: '(anonymous)', where: 'libs/b.js:1', percent: 25 },
    ]);
  });
});
