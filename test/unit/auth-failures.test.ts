import { FailureCounter } from '../../api/auth';

describe('FailureCounter', () => {
  const limits = { failures: 3, windowMs: 60_000 };

  it('blocks an address after the limit until its window ends, and no other address', () => {
    const c = new FailureCounter(limits);
    for (let i = 0; i < 3; i++) {
      expect(c.blockedFor('a', 1000)).toBe(0);
      c.record('a', 1000 + i);
    }
    expect(c.blockedFor('a', 2000)).toBe(59_000);
    expect(c.blockedFor('b', 2000)).toBe(0);
    expect(c.blockedFor('a', 61_000)).toBe(0);
    // A new window starts from the next failure.
    c.record('a', 61_000);
    expect(c.blockedFor('a', 61_001)).toBe(0);
  });

  it('drops expired windows once it holds many addresses, keeping the live ones', () => {
    const c = new FailureCounter(limits, 100);
    for (let i = 0; i < 150; i++) c.record(`old-${i}`, 0);
    for (let i = 0; i < 3; i++) c.record('live', 50_000);
    expect(c.size).toBe(151);
    c.record('new', 70_000); // every old-* window ended at 60,000
    expect(c.size).toBe(2);
    expect(c.blockedFor('live', 70_000)).toBe(40_000);
    // The next scan comes a window later, not at every failure.
    for (let i = 0; i < 150; i++) c.record(`burst-${i}`, 71_000);
    c.record('later', 125_000); // the burst has expired, but the last scan was less than a window ago
    expect(c.size).toBe(153);
    c.record('after', 131_000);
    expect(c.size).toBe(2); // 'later' and 'after'
  });
});
