// One village's identification round, as the procedure of DOMAIN.md: village assessment → first publicity →
// township review → second publicity → county announcement (→ announcement period under the rules of version 2).
// Officials decide through Updates (round-decisions.ts) whose validators refuse a decision at the wrong stage or by
// the wrong kind of official at once; a decision stage's step takes the decision its handler hands over, records it
// (round-stage-decisions.ts) and answers. Each step waits for its stage to end, keeping the clock: a publicity
// closes when its period is over, an overdue stage is recorded once. The rules themselves (order, who acts, times)
// are domain/procedure.ts.
import { allHandlersFinished, condition, upsertSearchAttributes } from '@temporalio/workflow';
import { publicityCanClose, STAGE_ACTOR, stageAfter, type ObjectionStage, type OpenStage } from '../domain/procedure';
import type { RoundInput, RoundState } from '../domain/round';
import { closeAnnouncementPeriod, drawSampleOnEntering, requireValidRules } from './round-announcement';
import { Round, type DecisionStage } from './round-context';
import { iso } from './serial';
import { acceptDecisions } from './round-decisions';
import { decide } from './round-stage-decisions';
import { CAMPAIGN_KEY, STAGE_KEY, TOWNSHIP_KEY, VILLAGE_KEY } from './search-attributes';

export async function roundWorkflow(input: RoundInput): Promise<RoundState> {
  requireValidRules(input);
  const round = new Round(input);
  acceptDecisions(round);
  await open(round);
  // A return sends the round back up this list; it ends when the county announces or the round is cancelled.
  while (round.isOpen()) {
    if (round.at('VILLAGE_ASSESSMENT')) await villageAssessment(round);
    if (round.at('FIRST_PUBLICITY')) await publicity(round, 'FIRST_PUBLICITY');
    if (round.at('TOWNSHIP_REVIEW')) await townshipReview(round);
    if (round.at('SECOND_PUBLICITY')) await publicity(round, 'SECOND_PUBLICITY');
    if (round.at('COUNTY_ANNOUNCEMENT')) await countyAnnouncement(round);
    // Only under the rules of version 2 (domain/procedure.ts stageOrder).
    if (round.at('ANNOUNCEMENT_PERIOD')) await publicity(round, 'ANNOUNCEMENT_PERIOD');
  }
  await condition(allHandlersFinished);
  return round.state;
}

/** Records the round (search attributes, the database row, ROUND_STARTED) at the village assessment. */
async function open(round: Round): Promise<void> {
  const { input, state } = round;
  upsertSearchAttributes([
    { key: VILLAGE_KEY, value: input.villageCode },
    { key: TOWNSHIP_KEY, value: input.townshipCode },
    { key: STAGE_KEY, value: state.stage },
    ...(input.campaignId ? [{ key: CAMPAIGN_KEY, value: input.campaignId }] : []),
  ]);
  await round.record((seq, at) => {
    const patch = round.times('VILLAGE_ASSESSMENT', at);
    return {
      entry: {
        decision: {
          seq,
          stage: 'VILLAGE_ASSESSMENT',
          kind: 'ROUND_STARTED',
          actor: input.startedBy,
          payload: { policy: input.policy },
        },
        create: input,
        round: patch,
      },
      then: () => {
        round.enter(patch);
        round.opened = true;
      },
    };
  });
}

/** Until the village submits its assessed list (submitAssessment) → first publicity. */
const villageAssessment = (round: Round) => decisionStage(round, 'VILLAGE_ASSESSMENT');

/** Until the township approves (→ second publicity) or returns the list to the village (townshipReview). */
const townshipReview = (round: Round) => decisionStage(round, 'TOWNSHIP_REVIEW');

/** Until the county announces (→ completed) or returns the list (countyAnnouncement). */
const countyAnnouncement = (round: Round) => decisionStage(round, 'COUNTY_ANNOUNCEMENT');

/**
 * A decision stage: its update's handler hands the decision over, and the step records it and answers while the
 * wait goes on; meanwhile the deadline is kept.
 */
async function decisionStage(round: Round, stage: DecisionStage): Promise<void> {
  while (round.at(stage)) {
    const seen = round.epoch;
    const waits: number[] = [];
    if (await remindIfOverdue(round, Date.now(), waits)) continue;
    await round.changeOr(seen, waits, (handed) => decide(round, handed));
  }
}

/**
 * A publicity (or the county's announcement period): objections are filed and resolved through updates (an upheld
 * one that withdraws a proposal restarts it); it closes once its period is over and no objection is open, and the
 * next stage begins.
 */
async function publicity(round: Round, stage: ObjectionStage): Promise<void> {
  while (round.at(stage)) {
    const seen = round.epoch;
    const now = Date.now();
    const waits: number[] = [];
    if (!round.busy) {
      const end = Date.parse(round.state.publicityEndsAt!);
      const open = round.openObjections().length + round.objectionsInFlight;
      if (publicityCanClose(now, end, open)) {
        await closePublicity(round);
        continue;
      }
      if (now < end) waits.push(end - now);
    }
    if (await remindIfOverdue(round, now, waits)) continue;
    await round.changeOr(seen, waits);
  }
}

async function closePublicity(round: Round): Promise<void> {
  const { state } = round;
  round.closing = true;
  if (state.stage === 'ANNOUNCEMENT_PERIOD') {
    await closeAnnouncementPeriod(round);
    round.closing = false;
    return;
  }
  const next = stageAfter(state.stage as OpenStage, round.version);
  // Under the rules of version 2 the county's sample is drawn as the list reaches it, recorded just before the end.
  const sampled = drawSampleOnEntering(round, next);
  const ended = round.record((seq, at) => {
    const patch = round.times(next, at);
    return {
      entry: {
        decision: { seq, stage: state.stage, kind: 'PUBLICITY_ENDED', payload: { noticeVersion: state.noticeVersion } },
        round: patch,
      },
      then: () => round.enter(patch),
    };
  });
  await Promise.all([sampled, ended]);
  round.closing = false;
}

/**
 * Records a DEADLINE_REMINDER once when the stage is past its deadline (true: recorded); otherwise adds the
 * time left to `waits`.
 */
async function remindIfOverdue(round: Round, now: number, waits: number[]): Promise<boolean> {
  const { state } = round;
  if (state.reminded || round.busy) return false;
  const deadline = Date.parse(state.stageDeadline);
  if (now < deadline) {
    waits.push(deadline - now);
    return false;
  }
  await round.record((seq, at) => ({
    entry: {
      decision: {
        seq,
        stage: state.stage,
        kind: 'DEADLINE_REMINDER',
        payload: {
          deadline: state.stageDeadline,
          waitingOn: STAGE_ACTOR[state.stage as OpenStage],
          openObjections: round.openObjections().length,
        },
      },
      round: { overdueSince: iso(at) },
    },
    then: () => {
      state.reminded = true;
      round.describe();
    },
  }));
  return true;
}
