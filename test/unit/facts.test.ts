// The facts rules as pure functions: stably above the poverty line, the indicators, what an exit as REACHED_STANDARD
// and an entry need, the check the round's validator repeats on the evidence, and the field-level diff of a change.
import {
  entryProblems,
  evidenceOf,
  exitProblems,
  factsDiff,
  indicatorsUnmet,
  proposalFactsProblems,
  stablyAboveLine,
  type Indicators,
} from '../../domain/facts';
import { maskIdNumber, makeIdNumber } from '../../domain/idNumber';

const LINES = [
  { year: 2019, perCapita: 3218 },
  { year: 2020, perCapita: 4000 },
];
const ALL_MET: Indicators = {
  foodClothing: true,
  education: true,
  medical: true,
  housing: true,
  drinkingWater: true,
  assessedOn: '2020-12-01',
};
const incomes = (...pairs: [number, number][]) => pairs.map(([year, perCapita]) => ({ year, perCapita }));

describe('evidenceOf', () => {
  it('attaches each year its line, null where the year has none, in year order', () => {
    expect(evidenceOf({ incomes: incomes([2021, 5000], [2019, 3300]), indicators: ALL_MET }, LINES)).toEqual({
      incomes: [
        { year: 2019, perCapita: 3300, line: 3218 },
        { year: 2021, perCapita: 5000, line: null },
      ],
      indicators: ALL_MET,
    });
    expect(evidenceOf({}, LINES)).toEqual({ incomes: [], indicators: null });
  });
});

describe('stablyAboveLine', () => {
  const above = (list: [number, number][]) => stablyAboveLine(evidenceOf({ incomes: incomes(...list) }, LINES));

  it('holds when the last two recorded years are each above their own line', () => {
    expect(
      above([
        [2019, 3219],
        [2020, 4001],
      ]),
    ).toEqual([]);
  });

  it('reads only the last two years: an earlier poor year does not matter', () => {
    expect(
      above([
        [2014, 1000],
        [2019, 3300],
        [2020, 4100],
      ]),
    ).toEqual([]);
  });

  it('needs only the last year when only one is recorded', () => {
    expect(above([[2020, 4100]])).toEqual([]);
    expect(above([[2020, 3900]])).toEqual([
      { path: 'incomes.2020', reason: 'per-capita income 3900 元 is not above the 2020 line of 4000 元' },
    ]);
  });

  it('is not above at the line itself, and names each year that fails', () => {
    expect(
      above([
        [2019, 3218],
        [2020, 4000],
      ]).map((p) => p.path),
    ).toEqual(['incomes.2019', 'incomes.2020']);
    expect(
      above([
        [2019, 3000],
        [2020, 4500],
      ]).map((p) => p.path),
    ).toEqual(['incomes.2019']);
  });

  it('cannot tell for a year without a line, and names the missing year', () => {
    expect(
      above([
        [2020, 4500],
        [2021, 9000],
      ]),
    ).toEqual([{ path: 'incomes.2021', reason: 'no poverty line for 2021: cannot tell (the county enters it)' }]);
  });

  it('fails without any income recorded', () => {
    expect(above([])).toEqual([{ path: 'incomes', reason: 'no income is recorded' }]);
  });
});

describe('indicatorsUnmet', () => {
  it('lists the indicators not met, all five when never assessed', () => {
    expect(indicatorsUnmet(ALL_MET)).toEqual([]);
    expect(indicatorsUnmet({ ...ALL_MET, housing: false, medical: false })).toEqual(['medical', 'housing']);
    expect(indicatorsUnmet(null)).toHaveLength(5);
  });
});

describe('exitProblems (REACHED_STANDARD)', () => {
  it('passes with income stably above the line and all five indicators met', () => {
    expect(
      exitProblems(evidenceOf({ incomes: incomes([2019, 3500], [2020, 4200]), indicators: ALL_MET }, LINES)),
    ).toEqual([]);
  });

  it('names each unmet indicator, and unassessed indicators', () => {
    const e = evidenceOf({ incomes: incomes([2020, 4200]), indicators: { ...ALL_MET, drinkingWater: false } }, LINES);
    expect(exitProblems(e)).toEqual([{ path: 'indicators.drinkingWater', reason: 'not met' }]);
    expect(exitProblems(evidenceOf({ incomes: incomes([2020, 4200]) }, LINES))).toEqual([
      { path: 'indicators', reason: 'the indicators have not been assessed' },
    ]);
  });

  it('names income and indicators together when both fail', () => {
    const e = evidenceOf({ incomes: incomes([2020, 3000]), indicators: { ...ALL_MET, housing: false } }, LINES);
    expect(exitProblems(e).map((p) => p.path)).toEqual(['incomes.2020', 'indicators.housing']);
  });
});

describe('entryProblems', () => {
  it('passes with the last year below its line, or with an indicator unmet', () => {
    expect(
      entryProblems(evidenceOf({ incomes: incomes([2019, 5000], [2020, 3900]), indicators: ALL_MET }, LINES)),
    ).toEqual([]);
    expect(
      entryProblems(evidenceOf({ incomes: incomes([2020, 9000]), indicators: { ...ALL_MET, medical: false } }, LINES)),
    ).toEqual([]);
  });

  it('reads the last recorded year only: poor before, above now is no evidence', () => {
    const e = evidenceOf({ incomes: incomes([2019, 2000], [2020, 4500]), indicators: ALL_MET }, LINES);
    expect(entryProblems(e)).toEqual([
      { path: 'incomes.2020', reason: 'per-capita income 4500 元 is not below the 2020 line of 4000 元' },
      { path: 'indicators', reason: 'all five indicators are met' },
    ]);
  });

  it('cannot tell from a year without a line, and has nothing without facts', () => {
    expect(entryProblems(evidenceOf({ incomes: incomes([2022, 100]), indicators: ALL_MET }, LINES))[0]).toEqual({
      path: 'incomes.2022',
      reason: 'no poverty line for 2022: cannot tell (the county enters it)',
    });
    expect(entryProblems(evidenceOf({}, LINES)).map((p) => p.path)).toEqual(['incomes', 'indicators']);
  });
});

describe('proposalFactsProblems (what the round validator checks again)', () => {
  const above = evidenceOf({ incomes: incomes([2020, 4500]), indicators: ALL_MET }, LINES);
  const below = evidenceOf({ incomes: incomes([2020, 3000]), indicators: ALL_MET }, LINES);

  it('checks an EXIT as REACHED_STANDARD and an ENTER, nothing else', () => {
    expect(proposalFactsProblems({ action: 'EXIT', exitReason: 'REACHED_STANDARD', evidence: above })).toEqual([]);
    expect(proposalFactsProblems({ action: 'EXIT', exitReason: 'REACHED_STANDARD', evidence: below })).toHaveLength(1);
    expect(proposalFactsProblems({ action: 'EXIT', exitReason: 'WRONGLY_INCLUDED' })).toEqual([]);
    expect(proposalFactsProblems({ action: 'RECLASSIFY' })).toEqual([]);
    expect(proposalFactsProblems({ action: 'ENTER', evidence: below })).toEqual([]);
    expect(proposalFactsProblems({ action: 'ENTER', evidence: above }).map((p) => p.path)).toEqual([
      'incomes.2020',
      'indicators',
    ]);
  });

  it('lets an ENTER with an override through, and refuses a checked proposal without evidence', () => {
    expect(proposalFactsProblems({ action: 'ENTER', evidence: above, override: { reason: '突发重病' } })).toEqual([]);
    expect(proposalFactsProblems({ action: 'ENTER' })).toEqual([
      { path: 'evidence', reason: 'the facts the proposal was checked against are missing' },
    ]);
    expect(proposalFactsProblems({ action: 'EXIT', exitReason: 'REACHED_STANDARD' })).toHaveLength(1);
  });
});

describe('factsDiff', () => {
  const id = makeIdNumber('620522', { y: 1970, m: 3, d: 4 }, 11);
  const head = {
    name: '王建国',
    relation: 'HEAD' as const,
    idNumber: id,
    birthYear: 1970,
    sex: 'MALE' as const,
    health: 'HEALTHY' as const,
    schooling: 'PRIMARY' as const,
    labour: 'FULL' as const,
  };

  it('records each changed field of the sections given, ID numbers masked, and leaves other sections alone', () => {
    const before = { members: [head], incomes: incomes([2019, 3000]), indicators: ALL_MET };
    const after = {
      members: [{ ...head, health: 'CHRONIC_ILLNESS' as const }],
      incomes: incomes([2019, 3000], [2020, 3500]),
    };
    expect(factsDiff(before, after, maskIdNumber)).toEqual([
      { path: 'members.1.health', from: 'HEALTHY', to: 'CHRONIC_ILLNESS' },
      { path: 'incomes.2020', from: null, to: 3500 },
    ]);
  });

  it('masks an ID number that changes or disappears', () => {
    const other = makeIdNumber('620522', { y: 1970, m: 3, d: 4 }, 13);
    const changes = factsDiff({ members: [head] }, { members: [{ ...head, idNumber: other }] }, maskIdNumber);
    expect(changes).toEqual([{ path: 'members.1.idNumber', from: maskIdNumber(id), to: maskIdNumber(other) }]);
    expect(JSON.stringify(changes)).not.toContain(id);
    const removed = factsDiff({ members: [head, { ...head, relation: 'SPOUSE' }] }, { members: [head] }, maskIdNumber);
    expect(removed.filter((c) => c.path === 'members.2.idNumber')).toEqual([
      { path: 'members.2.idNumber', from: maskIdNumber(id), to: null },
    ]);
  });

  it('is empty when the sections given are recorded as they are', () => {
    expect(factsDiff({ incomes: incomes([2020, 3000]) }, { incomes: incomes([2020, 3000]) }, maskIdNumber)).toEqual([]);
  });
});
