// A county-wide campaign: a parent that launches one child workflow per township (bounded concurrency,
// continue-as-new so its history stays small at national scale), each township child starting one round
// per village. Townships report back with a signal; the campaign completes when every township has.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import {
  townshipWorkflowId,
  type CampaignCancel,
  type CampaignInput,
  type CampaignProgressState,
  type TownshipCampaignInput,
  type TownshipDone,
} from '../domain/campaign';
import {
  campaignOpenedUpdate,
  campaignStateQuery,
  CampaignError,
  cancelCampaignUpdate,
  cancelTownshipSignal,
  townshipDoneSignal,
} from './campaign-contract';
import { refuse } from './errors';
import { roundWorkflow } from './round';
import { cancelRoundSignal, NON_RETRYABLE_ERROR_TYPES } from './round-contract';
import { CAMPAIGN_KEY, TOWNSHIP_KEY, VILLAGE_KEY, STAGE_KEY } from './search-attributes';

const acts = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '30s', nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});

/** Township children started per run before continuing as new (keeps each run's history well under limits). */
const TOWNSHIPS_PER_RUN = 500;
const PAGE = 100;

export async function campaignWorkflow(input: CampaignInput): Promise<CampaignProgressState> {
  const state: CampaignProgressState = input.progress ?? { launched: 0, done: 0, allLaunched: false };
  const firstRun = input.progress === undefined;
  let recorded = !firstRun;
  let launchedThisRun = 0;

  const describe = () =>
    setCurrentDetails(
      `**${input.name}** (${input.year}) · townships launched ${state.launched}${state.allLaunched ? ' (all)' : ''}, finished ${state.done}` +
        (state.cancelled ? `\n\n**CANCELLED** by ${state.cancelled.actor.name}: ${state.cancelled.reason}` : ''),
    );

  setHandler(campaignStateQuery, () => state);
  setHandler(campaignOpenedUpdate, async () => {
    await condition(() => recorded);
    return { campaignId: input.campaignId };
  });
  setHandler(townshipDoneSignal, () => {
    state.done++;
    describe();
  });
  setHandler(
    cancelCampaignUpdate,
    async ({ actor, reason }) => {
      state.cancelled = { actor, reason };
      describe();
      await acts.cancelCampaign({
        campaignId: input.campaignId,
        scope: input.scope,
        actor,
        reason,
        upTo: state.cursor,
      });
      return { campaignId: input.campaignId, status: 'CANCELLED' };
    },
    {
      validator: ({ actor }) => {
        if (state.cancelled) refuse(CampaignError.CLOSED, 'The campaign is already cancelled.');
        if (state.allLaunched && state.done >= state.launched)
          refuse(CampaignError.CLOSED, 'The campaign has finished.');
        if (!['COUNTY', 'ADMIN'].includes(actor.role) || !input.scope.scopeCode.startsWith(actor.scopeCode)) {
          refuse(CampaignError.NOT_ALLOWED, 'Cancelling a campaign is for COUNTY or ADMIN officials of its county.');
        }
      },
    },
  );

  upsertSearchAttributes([{ key: CAMPAIGN_KEY, value: input.campaignId }]);
  if (firstRun) {
    await acts.recordCampaign(input);
    recorded = true;
  }
  describe();

  while (!state.allLaunched && !state.cancelled) {
    const townships = await acts.listCampaignTownships({ scope: input.scope, after: state.cursor, limit: PAGE });
    for (let i = 0; i < townships.length && !state.cancelled; i += input.townshipConcurrency) {
      const batch = townships.slice(i, i + input.townshipConcurrency);
      await Promise.all(
        batch.map((townshipCode) =>
          startChild(townshipCampaignWorkflow, {
            workflowId: townshipWorkflowId(input.campaignId, townshipCode),
            args: [
              {
                campaignId: input.campaignId,
                townshipCode,
                policy: input.policy,
                createdBy: input.createdBy,
                ...(input.rules ? { rules: input.rules } : {}),
                roundConcurrency: input.roundConcurrency,
              },
            ],
            // Township children outlive a run of this workflow (continue-as-new) and report by signal.
            parentClosePolicy: ParentClosePolicy.ABANDON,
            typedSearchAttributes: [
              { key: CAMPAIGN_KEY, value: input.campaignId },
              { key: TOWNSHIP_KEY, value: townshipCode },
            ],
            staticSummary: `${input.name}: township ${townshipCode}`,
          }),
        ),
      );
      state.launched += batch.length;
      launchedThisRun += batch.length;
      state.cursor = batch[batch.length - 1];
      describe();
    }
    if (townships.length < PAGE) state.allLaunched = true;
    if (!state.allLaunched && (launchedThisRun >= TOWNSHIPS_PER_RUN || workflowInfo().continueAsNewSuggested)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof campaignWorkflow>({ ...input, progress: state });
    }
  }
  if (state.cancelled) {
    // Townships whose start was in flight when the cancellation came: tell them too (idempotent).
    state.allLaunched = true;
    await acts.cancelCampaign({
      campaignId: input.campaignId,
      scope: input.scope,
      ...state.cancelled,
      upTo: state.cursor,
    });
  }

  // Wait for every launched township to report; continue as new if the signals make the history long.
  await condition(() => state.done >= state.launched || workflowInfo().continueAsNewSuggested);
  if (state.done < state.launched) {
    await condition(allHandlersFinished);
    await continueAsNew<typeof campaignWorkflow>({ ...input, progress: state });
  }
  await acts.finishCampaign({ campaignId: input.campaignId, status: state.cancelled ? 'CANCELLED' : 'COMPLETED' });
  describe();
  await condition(allHandlersFinished);
  return state;
}

export async function townshipCampaignWorkflow(input: TownshipCampaignInput): Promise<TownshipDone> {
  let cancel: CampaignCancel | undefined;
  const rounds: { roundId: string; handle: ChildWorkflowHandle<typeof roundWorkflow> }[] = [];
  const cancelRounds = async (c: CampaignCancel) => {
    const why = { actor: c.actor, reason: `Campaign cancelled: ${c.reason}` };
    await Promise.all(
      rounds.map((r) =>
        getExternalWorkflowHandle(r.roundId)
          .signal(cancelRoundSignal, why)
          .catch(() => undefined),
      ),
    );
  };
  setHandler(cancelTownshipSignal, (c) => {
    if (cancel) return;
    cancel = c;
    void cancelRounds(c);
  });

  const plan = await acts.planTownshipRounds({ campaignId: input.campaignId, townshipCode: input.townshipCode });
  let skipped = plan.skipped.length;
  for (let i = 0; i < plan.rounds.length && !cancel; i += input.roundConcurrency) {
    const batch = plan.rounds.slice(i, i + input.roundConcurrency);
    const started = await Promise.all(
      batch.map(async ({ villageCode, roundNo, roundId }) => {
        try {
          const handle = await startChild(roundWorkflow, {
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
                ...(input.rules ? { rules: input.rules } : {}),
              },
            ],
            parentClosePolicy: ParentClosePolicy.ABANDON,
            typedSearchAttributes: [
              { key: VILLAGE_KEY, value: villageCode },
              { key: TOWNSHIP_KEY, value: input.townshipCode },
              { key: STAGE_KEY, value: 'VILLAGE_ASSESSMENT' },
              { key: CAMPAIGN_KEY, value: input.campaignId },
            ],
            staticSummary: `Village ${villageCode} round ${roundNo} (campaign ${input.campaignId})`,
          });
          return { roundId, handle };
        } catch {
          // A round for that village was started meanwhile (e.g. through the API): it is not this campaign's.
          return undefined;
        }
      }),
    );
    for (const s of started) {
      if (s) rounds.push(s);
      else skipped++;
    }
  }
  // A cancellation that arrived while rounds were being started must reach the late starters too.
  if (cancel) await cancelRounds(cancel);

  const results = await Promise.all(
    rounds.map((r) =>
      r.handle.result().then(
        (s) => s.status,
        () => 'FAILED',
      ),
    ),
  );
  const done: TownshipDone = {
    townshipCode: input.townshipCode,
    started: rounds.length,
    skipped,
    completed: results.filter((s) => s === 'COMPLETED').length,
    cancelled: results.filter((s) => s === 'CANCELLED').length,
  };
  await getExternalWorkflowHandle(input.campaignId).signal(townshipDoneSignal, done);
  return done;
}
