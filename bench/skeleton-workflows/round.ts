// The engine's share of a round: the same updates (trivial validators), the same timers (publicity from the
// policy, the stage deadline while a decision is awaited), the same activity calls (empty bodies) and search
// attribute upserts as workflows/round.ts on the happy path, and nothing else. bench:campaign runs it beside
// the real round to show what Temporal alone costs.
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  defineUpdate,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { SkeletonActivities } from '../skeleton-activities';
import { durationMs } from '../../domain/duration';
import type { Stage } from '../../domain/enums';
import type {
  AssessmentUpdate,
  CountyAnnouncementUpdate,
  DecisionResult,
  RoundInput,
  TownshipReviewUpdate,
} from '../../domain/round';
import { CAMPAIGN_KEY, STAGE_KEY, TOWNSHIP_KEY, VILLAGE_KEY } from '../../workflows/search-attributes';

export const submitAssessmentUpdate = defineUpdate<DecisionResult, [AssessmentUpdate]>('submitAssessment');
export const townshipReviewUpdate = defineUpdate<DecisionResult, [TownshipReviewUpdate]>('townshipReview');
export const countyAnnouncementUpdate = defineUpdate<DecisionResult, [CountyAnnouncementUpdate]>('countyAnnouncement');
export const roundOpenedUpdate = defineUpdate<DecisionResult, []>('roundOpened');

// The same retry policy as the product's applyTransition.
const { record } = proxyActivities<SkeletonActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

const PUBLICITY: readonly Stage[] = ['FIRST_PUBLICITY', 'SECOND_PUBLICITY'];

export async function skeletonRoundWorkflow(input: RoundInput): Promise<{ status: string; seq: number }> {
  const publicityMs = durationMs(input.policy.publicityPeriod);
  const deadlineMs = durationMs(input.policy.stageDeadline);
  let stage = 'VILLAGE_ASSESSMENT' as Stage;
  let seq = 0;
  let busy = false;
  let opened = false;
  let epoch = 0;
  let publicityEndsAt = 0;
  let deadline = Date.now() + deadlineMs;

  const result = (): DecisionResult => ({ roundId: input.roundId, stage, seq });

  /** One step: the activity, then the new stage (and its search attribute), like commitStage. */
  async function step(kind: string, next: Stage) {
    const at = Date.now();
    seq++;
    const endsAt = PUBLICITY.includes(next) ? at + publicityMs : 0;
    const nextDeadline = (endsAt || at) + deadlineMs;
    await record({
      roundId: input.roundId,
      villageCode: input.villageCode,
      seq,
      kind,
      stage: next,
      status: next === 'COMPLETED' ? 'COMPLETED' : 'OPEN',
      deadline: nextDeadline,
    });
    if (next !== stage) upsertSearchAttributes([{ key: STAGE_KEY, value: next }]);
    stage = next;
    publicityEndsAt = endsAt;
    deadline = nextDeadline;
    epoch++;
  }

  function decision<A>(at: Stage, next: Stage) {
    return {
      handler: async (_arg: A): Promise<DecisionResult> => {
        busy = true;
        try {
          await step(at, next);
          return result();
        } finally {
          busy = false;
        }
      },
      validator: (_arg: A) => {
        if (stage !== at || busy) {
          throw ApplicationFailure.create({ type: 'WrongStage', message: `at ${stage}`, nonRetryable: true });
        }
      },
    };
  }

  setHandler(roundOpenedUpdate, async () => {
    await condition(() => opened);
    return result();
  });
  const assess = decision<AssessmentUpdate>('VILLAGE_ASSESSMENT', 'FIRST_PUBLICITY');
  setHandler(submitAssessmentUpdate, assess.handler, { validator: assess.validator });
  const review = decision<TownshipReviewUpdate>('TOWNSHIP_REVIEW', 'SECOND_PUBLICITY');
  setHandler(townshipReviewUpdate, review.handler, { validator: review.validator });
  const announce = decision<CountyAnnouncementUpdate>('COUNTY_ANNOUNCEMENT', 'COMPLETED');
  setHandler(countyAnnouncementUpdate, announce.handler, { validator: announce.validator });

  upsertSearchAttributes([
    { key: VILLAGE_KEY, value: input.villageCode },
    { key: TOWNSHIP_KEY, value: input.townshipCode },
    { key: STAGE_KEY, value: stage },
    ...(input.campaignId ? [{ key: CAMPAIGN_KEY, value: input.campaignId }] : []),
  ]);
  await step('ROUND_STARTED', 'VILLAGE_ASSESSMENT');
  opened = true;

  while (stage !== 'COMPLETED') {
    const seen = epoch;
    if (PUBLICITY.includes(stage) && !busy) {
      if (Date.now() >= publicityEndsAt) {
        await step('PUBLICITY_ENDED', stage === 'FIRST_PUBLICITY' ? 'TOWNSHIP_REVIEW' : 'COUNTY_ANNOUNCEMENT');
        continue;
      }
      await condition(() => epoch !== seen, Math.max(1, publicityEndsAt - Date.now()));
    } else {
      // Waiting on an official: the deadline timer, as the real round keeps one.
      await condition(() => epoch !== seen, Math.max(1, deadline - Date.now()));
    }
  }
  await condition(allHandlersFinished);
  return { status: 'COMPLETED', seq };
}
