// Round.hand, the update handlers' half of a stage decision, without Temporal: in its turn it refuses a decision
// the step can no longer take (the round closed or not waiting for it) instead of holding the writes after it.
import type { ApplicationFailure } from '@temporalio/common';
import type { Actor, AssessmentUpdate } from '../../domain/round';
import { Round } from '../../workflows/round-context';
import { RoundError } from '../../workflows/round-contract';

const village = '620522100201';
const official = (role: Actor['role'], scopeCode: string): Actor => ({ id: role, name: role, role, scopeCode });
const township = official('TOWNSHIP', village.slice(0, 9));
const assessment: AssessmentUpdate = {
  actor: official('VILLAGE', village),
  meeting: { heldOn: '2026-11-20', representativesPresent: 20, representativesTotal: 30 },
  proposals: [{ id: 'p1', action: 'EXIT', householdId: 'h1', votesFor: 15, votesAgainst: 1 }],
};

function newRound() {
  return new Round({
    roundId: 'round-1',
    villageCode: village,
    townshipCode: village.slice(0, 9),
    roundNo: 1,
    policy: { publicityPeriod: '7 days', stageDeadline: '14 days' },
    startedBy: township,
  });
}

async function refusal(answer: Promise<unknown>): Promise<string | undefined> {
  try {
    await answer;
    return undefined;
  } catch (err) {
    return (err as ApplicationFailure).type ?? String(err);
  }
}

describe('Round.hand', () => {
  it('refuses a decision whose turn comes after the round was cancelled', async () => {
    const round = newRound();
    round.opened = true;
    round.state.status = 'CANCELLED';
    expect(await refusal(round.hand({ stage: 'VILLAGE_ASSESSMENT', decision: assessment }))).toBe(RoundError.CLOSED);
  });

  it('refuses a decision whose turn comes before the round is recorded, or at another stage', async () => {
    const round = newRound();
    expect(await refusal(round.hand({ stage: 'VILLAGE_ASSESSMENT', decision: assessment }))).toBe(
      RoundError.WRONG_STAGE,
    );
    round.opened = true;
    round.state.stage = 'FIRST_PUBLICITY';
    expect(await refusal(round.hand({ stage: 'VILLAGE_ASSESSMENT', decision: assessment }))).toBe(
      RoundError.WRONG_STAGE,
    );
  });

  it('keeps the writes after a refused decision going', async () => {
    const round = newRound();
    const refused = refusal(round.hand({ stage: 'VILLAGE_ASSESSMENT', decision: assessment }));
    const after = round.serial(async () => 'written');
    expect(await refused).toBe(RoundError.WRONG_STAGE);
    await expect(after).resolves.toBe('written');
  });
});
