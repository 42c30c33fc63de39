import { cpuPercent, machineCpuPercent, mainThreadPercent, parseMachineCpu, parseSchedstat, parseStatCpuSeconds, parseStatusRssBytes, sampleProcess } from './proc-stats';

describe('/proc parsing', () => {
  it('reads utime + stime past a command name with spaces and parentheses', () => {
    const stat = '4242 (node (my app)) S 1 4242 4242 0 -1 4194560 8101 0 0 0 250 130 0 0 20 0 11 0 100 1000000 5000';
    expect(parseStatCpuSeconds(stat)).toBeCloseTo(3.8);
  });

  it('reads VmRSS in bytes', () => {
    expect(parseStatusRssBytes('Name:\tnode\nVmRSS:\t  123456 kB\nThreads:\t11\n')).toBe(123456 * 1024);
    expect(() => parseStatusRssBytes('Name:\tzombie\n')).toThrow('no VmRSS');
  });

  it('samples this very process and sees it use CPU', () => {
    const first = sampleProcess(process.pid);
    const until = Date.now() + 300;
    let x = 0;
    while (Date.now() < until) x += Math.sqrt(x + 1);
    const second = sampleProcess(process.pid);
    expect(x).toBeGreaterThan(0);
    expect(second.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(cpuPercent(first, second)).toBeGreaterThan(0);
    // This busy loop ran on the main thread: it was on a CPU for most of the interval.
    expect(mainThreadPercent(first, second)?.running).toBeGreaterThan(30);
  });

  it('reads a thread\'s time on a CPU and waiting for one, and makes them shares of the interval', () => {
    expect(parseSchedstat('490798152 207430215 1612\n')).toEqual({ runNs: 490_798_152, waitNs: 207_430_215 });
    expect(() => parseSchedstat('')).toThrow('unexpected schedstat');
    const at = (atMs: number, runNs: number, waitNs: number) => ({ cpuSeconds: 0, rssBytes: 0, atMs, mainThread: { runNs, waitNs } });
    expect(mainThreadPercent(at(1_000, 0, 0), at(3_000, 1.5e9, 0.2e9))).toEqual({ running: 75, waiting: 10 });
    expect(mainThreadPercent({ cpuSeconds: 0, rssBytes: 0, atMs: 0 }, at(1_000, 1, 1))).toBeUndefined();
  });
});

describe('/proc/stat machine CPU', () => {
  it('counts everything but idle and iowait as busy, in percent of one core', () => {
    const a = parseMachineCpu('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3 4\n');
    const b = parseMachineCpu('cpu  250 0 100 850 100 0 0 0 0 0\ncpu0 1 2 3 4\n');
    expect(a).toEqual({ busy: 150, total: 1000 });
    // 200 busy of 300 jiffies on 2 cores: 133 % of one core.
    expect(machineCpuPercent(a, b, 2)).toBeCloseTo(133.33);
    expect(() => parseMachineCpu('intr 1 2 3')).toThrow('no aggregate cpu line');
  });
});
