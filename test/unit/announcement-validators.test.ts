// The round's validators under the rules of version 2, without Temporal: the county's spot checks of its sample,
// objections to the county during the announcement period, and the county's return; rounds without rules unchanged.
import type { ApplicationFailure } from '@temporalio/common';
import type { Actor, RoundInput } from '../../domain/round';
import { Round } from '../../workflows/round-context';
import { RoundError } from '../../workflows/round-contract';
import { validators } from '../../workflows/round-validators';

const village = '620522100201';
const official = (role: Actor['role'], scopeCode: string): Actor => ({ id: role, name: role, role, scopeCode });
const villager = official('VILLAGE', village);
const township = official('TOWNSHIP', village.slice(0, 9));
const county = official('COUNTY', village.slice(0, 6));
const RULES = { version: 2 as const, minPublicityPeriod: '7 days', countySampleShare: 0.1 };

function roundAt(stage: 'COUNTY_ANNOUNCEMENT' | 'ANNOUNCEMENT_PERIOD' | 'FIRST_PUBLICITY', rules: boolean) {
  const input: RoundInput = {
    roundId: 'round-1',
    villageCode: village,
    townshipCode: village.slice(0, 9),
    roundNo: 1,
    policy: { publicityPeriod: '7 days', stageDeadline: '14 days' },
    startedBy: township,
    ...(rules ? { rules: RULES } : {}),
  };
  const round = new Round(input);
  round.state.stage = stage;
  round.state.publicityEndsAt = new Date(Date.now() + 86_400_000).toISOString();
  for (const id of ['p1', 'p2'])
    round.state.proposals.push({ id, action: 'EXIT', status: 'PROPOSED', assessmentNo: 1 });
  if (rules && stage === 'COUNTY_ANNOUNCEMENT') round.state.countySample = ['p2'];
  return { round, valid: validators(round) };
}

function refusal(decide: () => void): string | undefined {
  try {
    decide();
    return undefined;
  } catch (err) {
    return (err as ApplicationFailure).type ?? String(err);
  }
}

const visit = (proposalId: string, finding: 'CONFIRMED' | 'NOT_CONFIRMED' = 'CONFIRMED') => ({
  proposalId,
  visitedOn: '2026-12-01',
  visitedBy: '县抽查组',
  finding,
});

describe('the county announcement under the rules of version 2', () => {
  const announce = { actor: county, decision: 'ANNOUNCE' as const, note: '同意' };

  it('needs a spot check of every sampled proposal', () => {
    const { valid } = roundAt('COUNTY_ANNOUNCEMENT', true);
    expect(refusal(() => valid.countyAnnouncement(announce))).toBe(RoundError.INVALID);
    expect(refusal(() => valid.countyAnnouncement({ ...announce, spotChecks: [visit('p1')] }))).toBe(
      RoundError.INVALID,
    );
    expect(refusal(() => valid.countyAnnouncement({ ...announce, spotChecks: [visit('p2')] }))).toBeUndefined();
  });

  it('rejects what a spot check did not confirm, names only proposals on the list, each once', () => {
    const { valid } = roundAt('COUNTY_ANNOUNCEMENT', true);
    const unconfirmed = { ...announce, spotChecks: [visit('p2', 'NOT_CONFIRMED')] };
    expect(refusal(() => valid.countyAnnouncement(unconfirmed))).toBe(RoundError.INVALID);
    const rejected = [{ proposalId: 'p2', reason: '抽查不属实' }];
    expect(refusal(() => valid.countyAnnouncement({ ...unconfirmed, rejected }))).toBeUndefined();
    expect(refusal(() => valid.countyAnnouncement({ ...unconfirmed, rejected: [...rejected, ...rejected] }))).toBe(
      RoundError.INVALID,
    );
    expect(
      refusal(() =>
        valid.countyAnnouncement({
          ...announce,
          spotChecks: [visit('p2')],
          rejected: [{ proposalId: 'px', reason: 'x' }],
        }),
      ),
    ).toBe(RoundError.INVALID);
  });

  it('returns without spot checks, but not with single rejections', () => {
    const { valid } = roundAt('COUNTY_ANNOUNCEMENT', true);
    const back = { actor: county, decision: 'RETURN' as const, note: '退回' };
    expect(refusal(() => valid.countyAnnouncement(back))).toBeUndefined();
    expect(refusal(() => valid.countyAnnouncement({ ...back, rejected: [{ proposalId: 'p1', reason: 'x' }] }))).toBe(
      RoundError.INVALID,
    );
  });

  it('takes no spot checks or rejections from a round started before the rules', () => {
    const { valid } = roundAt('COUNTY_ANNOUNCEMENT', false);
    expect(refusal(() => valid.countyAnnouncement(announce))).toBeUndefined();
    expect(refusal(() => valid.countyAnnouncement({ ...announce, spotChecks: [visit('p2')] }))).toBe(
      RoundError.INVALID,
    );
  });
});

describe('objections during the announcement period', () => {
  const objection = { objectionId: 'o1', proposalId: 'p1', objector: { name: '村民' }, reason: '不属实' };

  it('are recorded by the county only', () => {
    const { valid } = roundAt('ANNOUNCEMENT_PERIOD', true);
    expect(refusal(() => valid.objection({ actor: villager, ...objection }))).toBe(RoundError.NOT_ALLOWED);
    expect(refusal(() => valid.objection({ actor: township, ...objection }))).toBe(RoundError.NOT_ALLOWED);
    expect(refusal(() => valid.objection({ actor: county, ...objection }))).toBeUndefined();
    // During a publicity anyone in scope may still record one.
    expect(refusal(() => roundAt('FIRST_PUBLICITY', true).valid.objection({ actor: villager, ...objection }))).toBe(
      undefined,
    );
  });

  it('are resolved by the county; an upheld one may return the round when it is the only one open', () => {
    const { round, valid } = roundAt('ANNOUNCEMENT_PERIOD', true);
    round.state.objections.push({ id: 'o1', proposalId: 'p1', status: 'OPEN', noticeVersion: 3 });
    const upheld = { objectionId: 'o1', decision: 'UPHELD' as const, note: '属实' };
    expect(refusal(() => valid.resolution({ actor: township, ...upheld }))).toBe(RoundError.NOT_ALLOWED);
    expect(refusal(() => valid.resolution({ actor: county, ...upheld, returnTo: 'TOWNSHIP_REVIEW' }))).toBeUndefined();
    expect(
      refusal(() => valid.resolution({ actor: county, ...upheld, decision: 'DISMISSED', returnTo: 'TOWNSHIP_REVIEW' })),
    ).toBe(RoundError.INVALID);
    expect(
      refusal(() =>
        valid.resolution({ actor: county, ...upheld, withdrawProposal: true, returnTo: 'TOWNSHIP_REVIEW' }),
      ),
    ).toBe(RoundError.INVALID);
    round.state.objections.push({ id: 'o2', proposalId: 'p2', status: 'OPEN', noticeVersion: 3 });
    expect(refusal(() => valid.resolution({ actor: county, ...upheld, returnTo: 'TOWNSHIP_REVIEW' }))).toBe(
      RoundError.INVALID,
    );
  });

  it('a return belongs to the announcement period only', () => {
    const { round, valid } = roundAt('FIRST_PUBLICITY', true);
    round.state.objections.push({ id: 'o1', proposalId: 'p1', status: 'OPEN', noticeVersion: 1 });
    const r = { actor: township, objectionId: 'o1', decision: 'UPHELD' as const, note: '属实' };
    expect(refusal(() => valid.resolution({ ...r, returnTo: 'TOWNSHIP_REVIEW' }))).toBe(RoundError.INVALID);
    expect(refusal(() => valid.resolution({ ...r, actor: county }))).toBe(RoundError.NOT_ALLOWED);
  });
});
