import {
  approvalProblems,
  exitInScope,
  exitNotice,
  exitRefusals,
  exitVisible,
  exitWorkflowId,
  parseExitId,
  publicityBelowMinimum,
  roundedShare,
  verificationProblems,
  type CountyExitFigures,
  type TownshipExitFigures,
  type VillageExitFigures,
} from '../../domain/exit';
import { drawCountySample } from '../../domain/procedure';

const village = (over: Partial<VillageExitFigures> = {}): VillageExitFigures => ({
  level: 'VILLAGE',
  name: '杨家村',
  isPoor: true,
  exitedYear: null,
  population: 1000,
  poorPopulation: 20,
  poorShare: 0.02,
  threshold: 0.03,
  households: 18,
  ...over,
});

const township = (over: Partial<TownshipExitFigures> = {}): TownshipExitFigures => ({
  level: 'TOWNSHIP',
  name: '兴国镇',
  exitedYear: null,
  poorVillages: 12,
  exitedVillages: 12,
  villagesNotExited: [],
  population: 20_000,
  poorPopulation: 100,
  poorShare: 0.005,
  households: 200,
  ...over,
});

const county = (over: Partial<CountyExitFigures> = {}): CountyExitFigures => ({
  level: 'COUNTY',
  name: '秦安县',
  exitedYear: null,
  townships: 17,
  exitedTownships: 17,
  townshipsNotExited: [],
  poorVillages: 193,
  exitedVillages: 193,
  population: 300_000,
  poorPopulation: 900,
  poorShare: 0.003,
  households: 3400,
  ...over,
});

describe('exit ids', () => {
  it('names level, code and year, and parses back', () => {
    const id = exitWorkflowId('VILLAGE', '620522100201', 2026);
    expect(id).toBe('exit-VILLAGE-620522100201-2026');
    expect(parseExitId(id)).toEqual({ level: 'VILLAGE', code: '620522100201', year: 2026 });
    expect(parseExitId('exit-COUNTY-620522-2017')).toEqual({ level: 'COUNTY', code: '620522', year: 2017 });
  });

  it('refuses a code of the wrong length for its level and anything else', () => {
    expect(parseExitId('exit-VILLAGE-620522100-2026')).toBeUndefined();
    expect(parseExitId('exit-TOWNSHIP-620522-2026')).toBeUndefined();
    expect(parseExitId('round-620522100201-1')).toBeUndefined();
  });
});

describe('jurisdiction', () => {
  it('acts inside the scope; reads inside or above it', () => {
    expect(exitInScope('620522100', '620522100201')).toBe(true);
    expect(exitInScope('620522100201', '620522100')).toBe(false);
    expect(exitVisible('620522100201', '620522100')).toBe(true);
    expect(exitVisible('620522100201', '620522')).toBe(true);
    expect(exitVisible('620522101', '620522100201')).toBe(false);
  });
});

describe('exitRefusals', () => {
  it('lets a poor village below the threshold exit', () => {
    expect(exitRefusals(village(), 0.03)).toEqual([]);
  });

  it('refuses a village at or above the threshold, naming both shares', () => {
    const [r] = exitRefusals(village({ poorShare: 0.03 }), 0.03);
    expect(r).toEqual({ path: 'code', message: expect.stringMatching(/3 %.*not below the threshold 3 %/) });
    expect(exitRefusals(village({ poorShare: 0.052 }), 0.03)[0]!.message).toMatch(/5\.2 %/);
  });

  it('refuses a village whose population is unknown, a village that is not poor, one already exited', () => {
    expect(exitRefusals(village({ poorShare: null, population: null }), 0.03)[0]!.message).toMatch(/unknown/);
    expect(exitRefusals(village({ isPoor: false }), 0.03)[0]!.message).toMatch(/not a poor village/);
    expect(exitRefusals(village({ exitedYear: 2016 }), 0.03)[0]!.message).toMatch(/already exited.*2016/);
  });

  it('refuses a township while a poor village has not exited, listing it', () => {
    expect(exitRefusals(township(), 0.03)).toEqual([]);
    const r = exitRefusals(township({ exitedVillages: 11, villagesNotExited: ['620522100205'] }), 0.03);
    expect(r).toHaveLength(1);
    expect(r[0]!.message).toMatch(/1 poor village\(s\).*620522100205/);
  });

  it('refuses the county while a township has not exited, and once it has exited', () => {
    expect(exitRefusals(county(), 0.03)).toEqual([]);
    expect(exitRefusals(county({ townshipsNotExited: ['620522103'] }), 0.03)[0]!.message).toMatch(/620522103/);
    expect(exitRefusals(county({ exitedYear: 2017 }), 0.03)).toHaveLength(1);
  });
});

describe('roundedShare', () => {
  it('rounds to four places and is null without a population', () => {
    expect(roundedShare(29, 1000)).toBe(0.029);
    expect(roundedShare(1, 3)).toBe(0.3333);
    expect(roundedShare(5, null)).toBeNull();
    expect(roundedShare(5, 0)).toBeNull();
  });
});

describe('the county re-check', () => {
  const sample = ['a', 'b', 'c'];
  const ok = sample.map((householdId) => ({ householdId, finding: 'CONFIRMED' as const }));

  it('accepts an APPROVE that re-checks every sampled household, all CONFIRMED', () => {
    expect(approvalProblems(sample, ok)).toEqual([]);
  });

  it('names missing, unknown, duplicated and NOT_MET households', () => {
    const findings = [
      { householdId: 'a', finding: 'CONFIRMED' as const },
      { householdId: 'a', finding: 'CONFIRMED' as const },
      { householdId: 'b', finding: 'NOT_MET' as const },
      { householdId: 'z', finding: 'CONFIRMED' as const },
    ];
    expect(verificationProblems(sample, findings)).toEqual({
      missing: ['c'],
      unknown: ['z'],
      notMet: ['b'],
      duplicated: ['a'],
    });
    const messages = approvalProblems(sample, findings).map((p) => p.message);
    expect(messages).toEqual([
      expect.stringMatching(/c has no re-check/),
      expect.stringMatching(/z is not in the drawn sample/),
      expect.stringMatching(/a is re-checked twice/),
      expect.stringMatching(/b was found NOT_MET/),
    ]);
  });

  it('draws the sample like the round: 10 % at least, at least one, from the pool only', () => {
    const pool = Array.from({ length: 18 }, (_, i) => `h${i}`);
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const drawn = drawCountySample(pool, 0.1, random);
    expect(drawn).toHaveLength(2);
    for (const id of drawn) expect(pool).toContain(id);
  });
});

describe('policy and notices', () => {
  const rules = { minPublicityPeriod: '7 days', sampleShare: 0.1, exitPoorShareThreshold: 0.03 };

  it('refuses a publicity shorter than the captured minimum', () => {
    expect(publicityBelowMinimum({ publicityPeriod: '2s', stageDeadline: '1 hour' }, rules)).toBe(true);
    expect(publicityBelowMinimum({ publicityPeriod: '7 days', stageDeadline: '1 hour' }, rules)).toBe(false);
  });

  it('publishes the publicity with its period and the poor share, the announcement after it', () => {
    const input = { level: 'VILLAGE' as const, code: '620522100201', year: 2026 };
    const p = exitNotice('PUBLICITY', input, village(), '2026-12-01T00:00:00.000Z', '2026-12-08T00:00:00.000Z');
    expect(p.title).toBe('关于杨家村（620522100201）2026年脱贫退出的公示');
    expect(p.text).toContain('贫困发生率2%');
    expect(p.text).toContain('2026-12-01至2026-12-08');
    const a = exitNotice('ANNOUNCEMENT', input, village(), '2026-12-09T00:00:00.000Z', null);
    expect(a.title).toBe('关于杨家村（620522100201）2026年脱贫退出的公告');
    expect(a.endsAt).toBeNull();
  });
});
