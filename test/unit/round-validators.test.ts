// The round's validators on the workflow's own state, without Temporal: what each decision must satisfy.
import type { ApplicationFailure } from '@temporalio/common';
import type { Actor } from '../../domain/round';
import { Round } from '../../workflows/round-context';
import { RoundError } from '../../workflows/round-contract';
import { validators } from '../../workflows/round-validators';

const village = '620522100201';
const official = (role: Actor['role'], scopeCode: string): Actor => ({ id: role, name: role, role, scopeCode });
const villager = official('VILLAGE', village);
const township = official('TOWNSHIP', village.slice(0, 9));
const county = official('COUNTY', village.slice(0, 6));
const meeting = { heldOn: '2026-11-20', representativesPresent: 20, representativesTotal: 30 };
const proposal = { id: 'p1', action: 'EXIT' as const, householdId: 'h1', votesFor: 15, votesAgainst: 1 };

function newRound() {
  const round = new Round({
    roundId: 'round-1',
    villageCode: village,
    townshipCode: village.slice(0, 9),
    roundNo: 1,
    policy: { publicityPeriod: '7 days', stageDeadline: '14 days' },
    startedBy: township,
  });
  return { round, valid: validators(round) };
}

/** At a publicity with proposal p1 on the list and `objections` filed against it. */
function inPublicity(objections: { id: string; status: 'OPEN' | 'UPHELD' }[] = []) {
  const r = newRound();
  r.round.state.stage = 'FIRST_PUBLICITY';
  r.round.state.publicityEndsAt = new Date(Date.now() + 86_400_000).toISOString();
  r.round.state.proposals.push({ id: 'p1', action: 'EXIT', status: 'PROPOSED', assessmentNo: 1 });
  for (const o of objections) r.round.state.objections.push({ ...o, proposalId: 'p1', noticeVersion: 1 });
  return r;
}

function refusal(decide: () => void): string | undefined {
  try {
    decide();
    return undefined;
  } catch (err) {
    return (err as ApplicationFailure).type ?? String(err);
  }
}

describe('round validators', () => {
  it('accept the village assessment from the village at the village assessment', () => {
    const { valid } = newRound();
    expect(refusal(() => valid.assessment({ actor: villager, meeting, proposals: [proposal] }))).toBeUndefined();
  });

  it('refuse a decision at the wrong stage, by the wrong official or outside their jurisdiction', () => {
    const { valid } = newRound();
    const review = { decision: 'APPROVE' as const, note: '同意' };
    expect(refusal(() => valid.townshipReview({ actor: township, ...review }))).toBe(RoundError.WRONG_STAGE);
    expect(refusal(() => valid.assessment({ actor: township, meeting, proposals: [proposal] }))).toBe(
      RoundError.NOT_ALLOWED,
    );
    const neighbour = official('VILLAGE', '620522100202');
    expect(refusal(() => valid.assessment({ actor: neighbour, meeting, proposals: [proposal] }))).toBe(
      RoundError.NOT_ALLOWED,
    );
  });

  it('refuse a meeting without quorum, an empty list and text with NUL', () => {
    const { valid } = newRound();
    const thin = { ...meeting, representativesPresent: 19 };
    expect(refusal(() => valid.assessment({ actor: villager, meeting: thin, proposals: [proposal] }))).toBe(
      RoundError.INVALID,
    );
    expect(refusal(() => valid.assessment({ actor: villager, meeting, proposals: [] }))).toBe(RoundError.INVALID);
    const nul = { ...proposal, note: 'a\u0000b' };
    expect(refusal(() => valid.assessment({ actor: villager, meeting, proposals: [nul] }))).toBe(RoundError.INVALID);
  });

  it('refuse a second decision while one is being recorded, and anything once the round is closed', () => {
    const { round, valid } = newRound();
    round.busy = true;
    expect(refusal(() => valid.assessment({ actor: villager, meeting, proposals: [proposal] }))).toBe(RoundError.BUSY);
    expect(refusal(() => valid.cancel({ actor: county, reason: '暂停' }))).toBe(RoundError.BUSY);
    round.busy = false;
    round.state.status = 'CANCELLED';
    expect(refusal(() => valid.cancel({ actor: county, reason: '暂停' }))).toBe(RoundError.CLOSED);
  });

  it('accept the township review while the first publicity is being closed (its end is being written)', () => {
    const { round, valid } = inPublicity();
    const review = { actor: township, decision: 'APPROVE' as const, note: '同意' };
    expect(refusal(() => valid.townshipReview(review))).toBe(RoundError.WRONG_STAGE);
    round.closing = true;
    expect(refusal(() => valid.townshipReview(review))).toBeUndefined();
  });

  it('receive objections only during a publicity, before its end, once each, against the list', () => {
    const objection = {
      actor: villager,
      objectionId: 'o1',
      proposalId: 'p1',
      objector: { name: '甲' },
      reason: '不实',
    };
    expect(refusal(() => newRound().valid.objection(objection))).toBe(RoundError.WRONG_STAGE);
    const { round, valid } = inPublicity();
    expect(refusal(() => valid.objection(objection))).toBeUndefined();
    expect(refusal(() => valid.objection({ ...objection, proposalId: 'p9' }))).toBe(RoundError.INVALID);
    round.state.objections.push({ id: 'o1', proposalId: 'p1', status: 'OPEN', noticeVersion: 1 });
    expect(refusal(() => valid.objection(objection))).toBe(RoundError.INVALID);
    round.state.publicityEndsAt = new Date(Date.now() - 1).toISOString();
    expect(refusal(() => valid.objection({ ...objection, objectionId: 'o2' }))).toBe(RoundError.WRONG_STAGE);
  });

  it('let the township resolve an open objection once; only an upheld one withdraws its proposal', () => {
    const { valid } = inPublicity([
      { id: 'o1', status: 'OPEN' },
      { id: 'o2', status: 'UPHELD' },
    ]);
    const resolve = { actor: township, objectionId: 'o1', decision: 'UPHELD' as const, note: '属实' };
    expect(refusal(() => valid.resolution({ ...resolve, withdrawProposal: true }))).toBeUndefined();
    expect(refusal(() => valid.resolution({ ...resolve, decision: 'DISMISSED', withdrawProposal: true }))).toBe(
      RoundError.INVALID,
    );
    expect(refusal(() => valid.resolution({ ...resolve, actor: county }))).toBe(RoundError.NOT_ALLOWED);
    expect(refusal(() => valid.resolution({ ...resolve, objectionId: 'o2' }))).toBe(RoundError.WRONG_STAGE);
    expect(refusal(() => valid.resolution({ ...resolve, objectionId: 'o9' }))).toBe(RoundError.NOT_FOUND);
  });

  it('let only the county or an administrator cancel', () => {
    const { valid } = newRound();
    expect(refusal(() => valid.cancel({ actor: township, reason: '暂停' }))).toBe(RoundError.NOT_ALLOWED);
    expect(refusal(() => valid.cancel({ actor: official('ADMIN', ''), reason: '暂停' }))).toBeUndefined();
  });
});
