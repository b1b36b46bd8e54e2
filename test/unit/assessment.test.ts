import {
  ACCURACY_THRESHOLDS,
  drawSample,
  figure,
  figuresOf,
  findingFits,
  poolCounts,
  spotCheckRatio,
  type AccuracyCounts,
} from '../../domain/assessment';

const r = (numerator: number, denominator: number) => ({ numerator, denominator });

describe('the accuracy figures', () => {
  it('judges 错退率 and 漏评率 at most 2 %, the boundary included, in exact integers', () => {
    // 1 of 50 is exactly 2 %: a pass; 2 of 99 is 2.02 %: a fail; 0 of 1 passes.
    expect(figure('wronglyExited', r(1, 50))).toMatchObject({ rate: 0.02, pass: true, label: '错退率', percent: 2 });
    expect(figure('wronglyExited', r(2, 99))).toMatchObject({ pass: false });
    expect(figure('missed', r(0, 1))).toMatchObject({ rate: 0, pass: true, label: '漏评率' });
    // 3 of 10 (0.3): 30 % is far above the line.
    expect(figure('missed', r(3, 10))).toMatchObject({ rate: 0.3, pass: false });
  });

  it('judges 群众认可度 at least 90 %, the boundary included', () => {
    // 135 of 150 is exactly 90 %; 89 of 99 is 89.9 %; 87.5 % (70 of 80) fails.
    expect(figure('approval', r(135, 150))).toMatchObject({ rate: 0.9, pass: true, comparison: 'AT_LEAST' });
    expect(figure('approval', r(89, 99))).toMatchObject({ pass: false });
    expect(figure('approval', r(70, 80))).toMatchObject({ rate: 0.875, pass: false });
  });

  it('says "no data" (null), not a pass, when nothing was checked', () => {
    for (const name of ['wronglyExited', 'missed', 'approval'] as const) {
      expect(figure(name, r(0, 0))).toMatchObject({ numerator: 0, denominator: 0, rate: null, pass: null });
    }
  });

  it('pools a county from its townships’ numerators and denominators, never averaging their rates', () => {
    const a: AccuracyCounts = { wronglyExited: r(2, 11), missed: r(0, 8), approval: r(135, 150) };
    const b: AccuracyCounts = { wronglyExited: r(0, 0), missed: r(1, 10), approval: r(70, 80) };
    const pooled = poolCounts([a, b]);
    expect(pooled).toEqual({ wronglyExited: r(2, 11), missed: r(1, 18), approval: r(205, 230) });
    const f = figuresOf(pooled);
    // 205 / 230 = 89.13 %: a fail, though the townships' rates 90 % and 87.5 % average to 88.75 %.
    expect(f.approval.rate).toBeCloseTo(0.8913, 4);
    expect(f.approval.pass).toBe(false);
    // 1 / 18 = 5.56 %.
    expect(f.missed.rate).toBeCloseTo(0.0556, 4);
    expect(f.missed.pass).toBe(false);
    expect(poolCounts([])).toEqual({ wronglyExited: r(0, 0), missed: r(0, 0), approval: r(0, 0) });
  });

  it('counts a round’s spot check of an EXIT NOT_CONFIRMED as a wrong exit, and ignores other actions', () => {
    expect(
      spotCheckRatio([
        { action: 'EXIT', finding: 'CONFIRMED' },
        { action: 'EXIT', finding: 'NOT_CONFIRMED' },
        { action: 'EXIT', finding: 'CONFIRMED' },
        { action: 'ENTER', finding: 'NOT_CONFIRMED' },
        { action: 'RECLASSIFY', finding: 'CONFIRMED' },
      ]),
    ).toEqual(r(1, 3));
    expect(spotCheckRatio([])).toEqual(r(0, 0));
  });

  it('lets a sample record CONFIRMED and only the finding of its kind', () => {
    expect(findingFits('EXITED', 'CONFIRMED')).toBe(true);
    expect(findingFits('EXITED', 'WRONGLY_EXITED')).toBe(true);
    expect(findingFits('EXITED', 'MISSED_POOR')).toBe(false);
    expect(findingFits('NOT_REGISTERED', 'MISSED_POOR')).toBe(true);
    expect(findingFits('NOT_REGISTERED', 'WRONGLY_EXITED')).toBe(false);
  });

  it('uses the thresholds DOMAIN.md gives', () => {
    expect(ACCURACY_THRESHOLDS).toEqual({
      wronglyExited: { label: '错退率', comparison: 'AT_MOST', percent: 2 },
      missed: { label: '漏评率', comparison: 'AT_MOST', percent: 2 },
      approval: { label: '群众认可度', comparison: 'AT_LEAST', percent: 90 },
    });
  });
});

describe('drawSample', () => {
  const population = Array.from({ length: 10 }, (_, i) => `h${i}`);

  it('draws distinct members of the population, as many as asked', () => {
    let seed = 7;
    const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    const drawn = drawSample(population, 4, random);
    expect(drawn).toHaveLength(4);
    expect(new Set(drawn).size).toBe(4);
    for (const h of drawn) expect(population).toContain(h);
    expect(drawSample(population, 10, random).sort()).toEqual([...population].sort());
    expect(drawSample(population, 0, random)).toEqual([]);
  });

  it('follows the random source alone (a partial Fisher–Yates shuffle)', () => {
    // randomInt always 0: each step keeps the next item in place.
    expect(drawSample(population, 3, () => 0)).toEqual(['h0', 'h1', 'h2']);
    // randomInt always the last: each step swaps in the population's last remaining item.
    expect(drawSample(['a', 'b', 'c', 'd'], 2, (n) => n - 1)).toEqual(['d', 'a']);
  });

  it('refuses a size outside 0..population', () => {
    expect(() => drawSample(population, 11, () => 0)).toThrow(RangeError);
    expect(() => drawSample(population, -1, () => 0)).toThrow(RangeError);
    expect(() => drawSample(population, 1.5, () => 0)).toThrow(RangeError);
  });
});
