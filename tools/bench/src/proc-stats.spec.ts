import { cpuPercent, parseStatCpuSeconds, parseStatusRssBytes, sampleProcess } from './proc-stats';

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
  });
});
