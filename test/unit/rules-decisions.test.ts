// The decision rules of issue 12 as pure functions: majority of those present, the township's visits, and the
// one definition of a village behind its exit plan.
import { verificationProblems, voteProblem } from '../../domain/procedure';
import { behindExitPlan, lastDuePlanYear } from '../../domain/supervision';

describe('voteProblem (majority of those present, art. 26)', () => {
  it.each([
    [16, 0, 30, undefined],
    [16, 14, 30, undefined],
    [11, 9, 21, undefined],
  ])('%i for, %i against, %i present: carried', (votesFor, votesAgainst, present, expected) => {
    expect(voteProblem({ votesFor, votesAgainst }, present)).toBe(expected);
  });

  it('refuses half of those present or fewer, even with no votes against', () => {
    expect(voteProblem({ votesFor: 15, votesAgainst: 0 }, 30)).toMatch(/not carried.*more than half of the 30/);
    expect(voteProblem({ votesFor: 10, votesAgainst: 1 }, 21)).toMatch(/not carried/);
  });

  it('refuses more votes than representatives present', () => {
    expect(voteProblem({ votesFor: 20, votesAgainst: 11 }, 30)).toMatch(
      /more votes \(31\) than representatives present \(30\)/,
    );
  });
});

describe('verificationProblems (入户核查 before approval)', () => {
  const list = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
  const visit = (proposalId: string, finding: 'CONFIRMED' | 'NOT_CONFIRMED' = 'CONFIRMED') => ({ proposalId, finding });

  it('is satisfied by a confirming visit to every proposal not rejected', () => {
    expect(verificationProblems(list, new Set(['c']), [visit('a'), visit('b')])).toEqual({
      missing: [],
      notConfirmed: [],
      unknown: [],
    });
  });

  it('lists the proposals without a visit, the unconfirmed ones kept, and visits off the list', () => {
    expect(verificationProblems(list, new Set(), [visit('a', 'NOT_CONFIRMED'), visit('x')])).toEqual({
      missing: ['b', 'c'],
      notConfirmed: ['a'],
      unknown: ['x'],
    });
  });

  it('accepts an unconfirmed proposal once it is rejected, and an empty list with no visits', () => {
    expect(verificationProblems(list, new Set(['a']), [visit('a', 'NOT_CONFIRMED'), visit('b'), visit('c')])).toEqual({
      missing: [],
      notConfirmed: [],
      unknown: [],
    });
    expect(verificationProblems([], new Set(), [])).toEqual({ missing: [], notConfirmed: [], unknown: [] });
  });
});

describe('behindExitPlan (one definition for /exit-plan and the sweep)', () => {
  it('judges a past year as at its end: its own plans are due', () => {
    expect(lastDuePlanYear(2018, 2026)).toBe(2018);
    expect(behindExitPlan({ plannedExitYear: 2018, exitedYear: null }, 2018, 2026)).toBe(true);
    expect(behindExitPlan({ plannedExitYear: 2018, exitedYear: 2019 }, 2018, 2026)).toBe(true);
    expect(behindExitPlan({ plannedExitYear: 2018, exitedYear: 2019 }, 2019, 2026)).toBe(false);
    expect(behindExitPlan({ plannedExitYear: 2019, exitedYear: null }, 2018, 2026)).toBe(false);
  });

  it('judges the current year as at now: a plan for this year is not yet missed (the sweep)', () => {
    expect(lastDuePlanYear(2026, 2026)).toBe(2025);
    expect(behindExitPlan({ plannedExitYear: 2026, exitedYear: null }, 2026, 2026)).toBe(false);
    expect(behindExitPlan({ plannedExitYear: 2025, exitedYear: null }, 2026, 2026)).toBe(true);
    expect(behindExitPlan({ plannedExitYear: 2025, exitedYear: 2026 }, 2026, 2026)).toBe(false);
    // A later year cannot be judged beyond now.
    expect(lastDuePlanYear(2030, 2026)).toBe(2025);
  });

  it('is never behind without a plan', () => {
    expect(behindExitPlan({ plannedExitYear: null, exitedYear: null }, 2030, 2030)).toBe(false);
  });
});
