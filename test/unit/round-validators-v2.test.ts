// The workflow's validators under rules v2 (issue 12), and rounds without rules keeping their old ones: the same
// checks as the API's, on the workflow's own state, so a decision that bypasses the API is refused too.
import type { ApplicationFailure } from '@temporalio/common';
import type { Actor, ProposalState, RoundRules, Visit } from '../../domain/round';
import { Round } from '../../workflows/round-context';
import { RoundError } from '../../workflows/round-contract';
import { validators } from '../../workflows/round-validators';

const village = '620522100201';
const official = (role: Actor['role'], scopeCode: string): Actor => ({ id: role, name: role, role, scopeCode });
const villager = official('VILLAGE', village);
const township = official('TOWNSHIP', village.slice(0, 9));
const meeting = { heldOn: '2026-11-20', representativesPresent: 20, representativesTotal: 30 };
const RULES: RoundRules = { version: 2, minPublicityPeriod: '7 days', countySampleShare: 0.1 };

function roundWith(rules: RoundRules | undefined, stage: Round['state']['stage'] = 'VILLAGE_ASSESSMENT') {
  const round = new Round({
    roundId: 'round-1',
    villageCode: village,
    townshipCode: village.slice(0, 9),
    roundNo: 1,
    policy: { publicityPeriod: '7 days', stageDeadline: '14 days' },
    startedBy: township,
    ...(rules ? { rules } : {}),
  });
  round.state.stage = stage;
  round.state.publicityEndsAt = new Date(Date.now() + 86_400_000).toISOString();
  const listed: ProposalState[] = [
    { id: 'p1', action: 'EXIT', householdId: 'h1', status: 'PROPOSED', assessmentNo: 1 },
    { id: 'p2', action: 'RECLASSIFY', householdId: 'h2', status: 'PROPOSED', assessmentNo: 1 },
  ];
  if (stage !== 'VILLAGE_ASSESSMENT') round.state.proposals.push(...listed);
  round.state.objections.push({ id: 'o1', status: 'OPEN', noticeVersion: 1 });
  return validators(round);
}

/** The refusal's message, or undefined when accepted. */
function refusal(decide: () => void): string | undefined {
  try {
    decide();
    return undefined;
  } catch (err) {
    const f = err as ApplicationFailure;
    expect(f.type).toBe(RoundError.INVALID);
    return f.message;
  }
}

const visit = (proposalId: string, finding: Visit['finding'] = 'CONFIRMED'): Visit => ({
  proposalId,
  visitedOn: '2026-11-25',
  visitedBy: '王干事',
  finding,
});

describe('rules v2 in the workflow', () => {
  const exit = { id: 'p1', action: 'EXIT' as const, householdId: 'h1', votesAgainst: 0 };

  it('assessment: majority of those present; an empty list only as "no change"', () => {
    const v2 = roundWith(RULES);
    expect(refusal(() => v2.assessment({ actor: villager, meeting, proposals: [{ ...exit, votesFor: 10 }] }))).toMatch(
      /more than half of the 20/,
    );
    expect(refusal(() => v2.assessment({ actor: villager, meeting, proposals: [{ ...exit, votesFor: 11 }] }))).toBe(
      undefined,
    );
    expect(refusal(() => v2.assessment({ actor: villager, meeting, proposals: [] }))).toMatch(/nothing changes/);
    expect(refusal(() => v2.assessment({ actor: villager, meeting, proposals: [], noChange: true }))).toBe(undefined);
    expect(
      refusal(() =>
        v2.assessment({ actor: villager, meeting, proposals: [{ ...exit, votesFor: 11 }], noChange: true }),
      ),
    ).toMatch(/proposes nothing/);
  });

  it('a round without rules keeps the old ones: no vote rule in the workflow, no empty list', () => {
    const v1 = roundWith(undefined);
    expect(refusal(() => v1.assessment({ actor: villager, meeting, proposals: [{ ...exit, votesFor: 10 }] }))).toBe(
      undefined,
    );
    expect(refusal(() => v1.assessment({ actor: villager, meeting, proposals: [], noChange: true }))).toMatch(
      /at least one proposal/,
    );
    const review = roundWith(undefined, 'TOWNSHIP_REVIEW');
    expect(refusal(() => review.townshipReview({ actor: township, decision: 'APPROVE', note: '同意' }))).toBe(
      undefined,
    );
    const publicity = roundWith(undefined, 'FIRST_PUBLICITY');
    const amend = { proposalId: 'p2', category: 'TARGETED' as const };
    expect(
      refusal(() =>
        publicity.resolution({ actor: township, objectionId: 'o1', decision: 'UPHELD', note: '属实', amend }),
      ),
    ).toMatch(/started before corrections/);
  });

  it('township review: a visit for every proposal not rejected, none NOT_CONFIRMED kept', () => {
    const v = roundWith(RULES, 'TOWNSHIP_REVIEW');
    const approve = (verification: Visit[], rejected: { proposalId: string; reason: string }[] = []) =>
      refusal(() => v.townshipReview({ actor: township, decision: 'APPROVE', note: '同意', verification, rejected }));
    expect(approve([])).toMatch(/p1, p2/);
    expect(approve([visit('p1'), visit('p2', 'NOT_CONFIRMED')])).toMatch(/did not confirm p2/);
    expect(approve([visit('p1'), visit('p2', 'NOT_CONFIRMED')], [{ proposalId: 'p2', reason: '不属实' }])).toBe(
      undefined,
    );
    expect(refusal(() => v.townshipReview({ actor: township, decision: 'RETURN', note: '退回' }))).toBe(undefined);
  });

  it('corrections: upheld, during a publicity, of a proposal on the list; a visit in the second publicity', () => {
    const first = roundWith(RULES, 'FIRST_PUBLICITY');
    const resolve = (v: ReturnType<typeof roundWith>, more: object) =>
      refusal(() => v.resolution({ actor: township, objectionId: 'o1', decision: 'UPHELD', note: '属实', ...more }));
    const add = {
      id: 'p3',
      action: 'ENTER' as const,
      householdId: 'h3',
      category: 'TARGETED' as const,
      cause: 'ILLNESS' as const,
      entryReason: 'MISSED' as const,
    };
    expect(resolve(first, { amend: { proposalId: 'p2', category: 'TARGETED' } })).toBe(undefined);
    expect(resolve(first, { amend: { proposalId: 'p1', cause: 'ILLNESS' } })).toMatch(/EXIT has no category/);
    expect(resolve(first, { amend: { proposalId: 'px', cause: 'ILLNESS' } })).toMatch(/not on the current list/);
    expect(resolve(first, { add })).toBe(undefined);
    expect(resolve(first, { add: { ...add, householdId: 'h1' } })).toMatch(/already on the list/);
    expect(
      refusal(() =>
        first.resolution({ actor: township, objectionId: 'o1', decision: 'DISMISSED', note: '不属实', add }),
      ),
    ).toMatch(/Only an upheld objection/);
    const second = roundWith(RULES, 'SECOND_PUBLICITY');
    expect(resolve(second, { add })).toMatch(/visits the household first/);
    expect(resolve(second, { add, verification: visit('p3', 'NOT_CONFIRMED') })).toMatch(/did not confirm/);
    expect(resolve(second, { add, verification: visit('p3') })).toBe(undefined);
  });
});
