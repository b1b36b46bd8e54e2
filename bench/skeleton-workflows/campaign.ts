// The engine's share of a campaign: a parent that records itself, pages the townships and starts one child per
// township (bounded concurrency), each child planning its villages and starting one skeleton round per village,
// then signalling the parent; the same shape as workflows/campaign.ts, with empty activities.
import {
  allHandlersFinished,
  condition,
  defineSignal,
  defineUpdate,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { SkeletonActivities } from '../skeleton-activities';
import type { CampaignInput, TownshipCampaignInput, TownshipDone } from '../../domain/campaign';
import { CAMPAIGN_KEY, STAGE_KEY, TOWNSHIP_KEY, VILLAGE_KEY } from '../../workflows/search-attributes';
import { skeletonRoundWorkflow } from './round';

export const campaignOpenedUpdate = defineUpdate<{ campaignId: string }, []>('campaignOpened');
export const townshipDoneSignal = defineSignal<[TownshipDone]>('townshipDone');

const acts = proxyActivities<SkeletonActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

const PAGE = 100;

export async function skeletonCampaignWorkflow(input: CampaignInput): Promise<{ launched: number; done: number }> {
  const state = { launched: 0, done: 0, allLaunched: false, cursor: undefined as string | undefined };
  let recorded = false;
  setHandler(campaignOpenedUpdate, async () => {
    await condition(() => recorded);
    return { campaignId: input.campaignId };
  });
  setHandler(townshipDoneSignal, () => {
    state.done++;
  });

  upsertSearchAttributes([{ key: CAMPAIGN_KEY, value: input.campaignId }]);
  await acts.recordCampaign(input);
  recorded = true;

  while (!state.allLaunched) {
    const townships = await acts.listCampaignTownships({ scope: input.scope, after: state.cursor, limit: PAGE });
    for (let i = 0; i < townships.length; i += input.townshipConcurrency) {
      const batch = townships.slice(i, i + input.townshipConcurrency);
      await Promise.all(
        batch.map((townshipCode) =>
          startChild(skeletonTownshipWorkflow, {
            workflowId: `${input.campaignId}-township-${townshipCode}`,
            args: [
              {
                campaignId: input.campaignId,
                townshipCode,
                policy: input.policy,
                createdBy: input.createdBy,
                roundConcurrency: input.roundConcurrency,
              },
            ],
            parentClosePolicy: ParentClosePolicy.ABANDON,
            typedSearchAttributes: [
              { key: CAMPAIGN_KEY, value: input.campaignId },
              { key: TOWNSHIP_KEY, value: townshipCode },
            ],
          }),
        ),
      );
      state.launched += batch.length;
      state.cursor = batch[batch.length - 1];
    }
    if (townships.length < PAGE) state.allLaunched = true;
  }
  await condition(() => state.done >= state.launched);
  await acts.finishCampaign({ campaignId: input.campaignId, status: 'COMPLETED' });
  await condition(allHandlersFinished);
  return { launched: state.launched, done: state.done };
}

export async function skeletonTownshipWorkflow(input: TownshipCampaignInput): Promise<TownshipDone> {
  const plan = await acts.planTownshipRounds({ campaignId: input.campaignId, townshipCode: input.townshipCode });
  const handles = [];
  for (let i = 0; i < plan.rounds.length; i += input.roundConcurrency) {
    const batch = plan.rounds.slice(i, i + input.roundConcurrency);
    handles.push(
      ...(await Promise.all(
        batch.map(({ villageCode, roundNo, roundId }) =>
          startChild(skeletonRoundWorkflow, {
            workflowId: roundId,
            args: [
              {
                roundId,
                villageCode,
                townshipCode: input.townshipCode,
                roundNo,
                campaignId: input.campaignId,
                policy: input.policy,
                startedBy: input.createdBy,
              },
            ],
            parentClosePolicy: ParentClosePolicy.ABANDON,
            typedSearchAttributes: [
              { key: VILLAGE_KEY, value: villageCode },
              { key: TOWNSHIP_KEY, value: input.townshipCode },
              { key: STAGE_KEY, value: 'VILLAGE_ASSESSMENT' },
              { key: CAMPAIGN_KEY, value: input.campaignId },
            ],
          }),
        ),
      )),
    );
  }
  const results = await Promise.all(handles.map((h) => h.result().then((r) => r.status)));
  const done: TownshipDone = {
    townshipCode: input.townshipCode,
    started: handles.length,
    skipped: plan.skipped.length,
    completed: results.filter((s) => s === 'COMPLETED').length,
    cancelled: 0,
  };
  await getExternalWorkflowHandle(input.campaignId).signal(townshipDoneSignal, done);
  return done;
}
