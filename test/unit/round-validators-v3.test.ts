// The workflow's validators under rules v3: an EXIT as REACHED_STANDARD and an ENTER are checked against the evidence
// the API attached (the same domain/facts.ts rules), so a proposal that bypasses the API is refused too; a round of
// the rules of version 2 takes the same proposals without evidence.
import type { ApplicationFailure } from '@temporalio/common';
import { evidenceOf, type Indicators } from '../../domain/facts';
import type { Actor, ProposalInput, RoundRules } from '../../domain/round';
import { Round } from '../../workflows/round-context';
import { RoundError } from '../../workflows/round-contract';
import { validators } from '../../workflows/round-validators';

const village = '620522100201';
const official = (role: Actor['role'], scopeCode: string): Actor => ({ id: role, name: role, role, scopeCode });
const villager = official('VILLAGE', village);
const township = official('TOWNSHIP', village.slice(0, 9));
const meeting = { heldOn: '2026-11-20', representativesPresent: 20, representativesTotal: 30 };
const rules = (version: 2 | 3): RoundRules => ({ version, minPublicityPeriod: '7 days', countySampleShare: 0.1 });
const LINES = [
  { year: 2019, perCapita: 3218 },
  { year: 2020, perCapita: 4000 },
];
const MET: Indicators = {
  foodClothing: true,
  education: true,
  medical: true,
  housing: true,
  drinkingWater: true,
  assessedOn: '2020-12-01',
};
const above = evidenceOf(
  {
    incomes: [
      { year: 2019, perCapita: 3300 },
      { year: 2020, perCapita: 4100 },
    ],
    indicators: MET,
  },
  LINES,
);
const below = evidenceOf({ incomes: [{ year: 2020, perCapita: 3000 }], indicators: MET }, LINES);

function assess(version: 2 | 3, proposals: Omit<ProposalInput, 'id' | 'votesFor' | 'votesAgainst'>[]) {
  const round = new Round({
    roundId: 'round-1',
    villageCode: village,
    townshipCode: village.slice(0, 9),
    roundNo: 1,
    policy: { publicityPeriod: '7 days', stageDeadline: '14 days' },
    startedBy: township,
    rules: rules(version),
  });
  try {
    validators(round).assessment({
      actor: villager,
      meeting,
      proposals: proposals.map((p, i) => ({ ...p, id: `p${i}`, votesFor: 15, votesAgainst: 1 })),
    });
    return undefined;
  } catch (err) {
    expect((err as ApplicationFailure).type).toBe(RoundError.INVALID);
    return (err as ApplicationFailure).message;
  }
}

const exit = { action: 'EXIT' as const, householdId: 'h1', exitReason: 'REACHED_STANDARD' as const };
const enter = {
  action: 'ENTER' as const,
  householdId: 'h2',
  category: 'TARGETED' as const,
  cause: 'ILLNESS' as const,
  entryReason: 'RETURNED_TO_POVERTY' as const,
};

describe('rules v3 in the workflow', () => {
  it('takes an EXIT and an ENTER supported by their evidence', () => {
    expect(
      assess(3, [
        { ...exit, evidence: above },
        { ...enter, evidence: below },
      ]),
    ).toBeUndefined();
  });

  it('refuses an EXIT as REACHED_STANDARD whose evidence is below the line, naming the year', () => {
    expect(assess(3, [{ ...exit, evidence: below }])).toMatch(
      /^Proposal 1 \(EXIT\) is not supported by the household's facts: incomes\.2020: per-capita income 3000 元 is not above the 2020 line of 4000 元\.$/,
    );
  });

  it('refuses an ENTER whose evidence shows no need, unless it carries an override', () => {
    expect(assess(3, [{ ...enter, evidence: above }])).toMatch(
      /Proposal 1 \(ENTER\).*indicators: all five indicators are met/,
    );
    expect(assess(3, [{ ...enter, evidence: above, override: { reason: '突发重病' } }])).toBeUndefined();
  });

  it('refuses proposals sent without the evidence (around the API); other exits need none', () => {
    expect(assess(3, [exit])).toMatch(/evidence: the facts the proposal was checked against are missing/);
    expect(assess(3, [{ ...exit, exitReason: 'WRONGLY_INCLUDED' }])).toBeUndefined();
  });

  it('leaves a round of the rules of version 2 as it was: no facts checked', () => {
    expect(assess(2, [exit, { ...enter, evidence: above }])).toBeUndefined();
  });
});
