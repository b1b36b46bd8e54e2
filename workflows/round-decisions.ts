// The round's message handlers, and what the decisions no step waits for write: objections and their resolutions,
// cancellation, supervision findings. The handlers at the end are thin: the validator refuses what may not be
// decided now; a stage decision is handed to the step waiting at its stage (round.ts), which records it
// (round-stage-decisions.ts) and answers; the others are recorded here in their turn.
import { condition, patched, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { noticeKindOf, objectionWithdraws, type ObjectionStage } from '../domain/procedure';
import type {
  CancelUpdate,
  DecisionResult,
  ObjectionUpdate,
  ProposalRecord,
  ResolutionUpdate,
  SupervisionFindingSignal,
} from '../domain/round';
import { returnFromAnnouncement } from './round-announcement';
import { type Round } from './round-context';
import {
  cancelRoundSignal,
  cancelRoundUpdate,
  countyAnnouncementUpdate,
  fileObjectionUpdate,
  resolveObjectionUpdate,
  roundOpenedUpdate,
  roundStateQuery,
  submitAssessmentUpdate,
  supervisionFindingSignal,
  townshipReviewUpdate,
} from './round-contract';
import { validators } from './round-validators';
import { STAGE_KEY } from './search-attributes';

/** An objection during a publicity: it holds the publicity open until the township resolves it. */
function fileObjection(
  round: Round,
  { actor, objectionId, proposalId, objector, reason }: ObjectionUpdate,
  noticeVersion: number,
) {
  const { state } = round;
  return round.record((seq) => ({
    entry: {
      decision: { seq, stage: state.stage, kind: 'OBJECTION_FILED', actor, payload: { objectionId, proposalId } },
      newObjection: {
        id: objectionId,
        noticeVersion,
        proposalId,
        objectorName: objector.name,
        objectorContact: objector.contact,
        reason,
      },
    },
    then: () => {
      state.objections.push({ id: objectionId, proposalId, status: 'OPEN', noticeVersion });
      round.describe();
      return { ...round.result(seq), objectionId };
    },
  }));
}

/**
 * The township resolves an objection; an upheld one that changes the list (withdraws its proposal, or under rules
 * v2 amends one or adds a missed household) restarts the publicity with a new notice version.
 */
function resolveObjection(round: Round, update: ResolutionUpdate) {
  const { actor, objectionId, decision, note, withdrawProposal, amend, verification } = update;
  const { state } = round;
  const objection = state.objections.find((o) => o.id === objectionId)!;
  return round.record((seq, at) => {
    const withdraw = objectionWithdraws(decision, withdrawProposal, objection.proposalId);
    const added: ProposalRecord | undefined = update.add && {
      ...update.add,
      assessmentNo: state.assessmentNo,
      addedByObjectionId: objectionId,
    };
    const changed = withdraw || amend !== undefined || added !== undefined;
    const remaining = round.current().filter((p) => !(withdraw && p.id === objection.proposalId));
    const version = changed ? ++state.noticeVersion : undefined;
    const patch = changed ? round.times(state.stage, at) : undefined;
    const corrections = { ...(amend ? { amend } : {}), ...(added ? { added: added.id } : {}) };
    return {
      entry: {
        decision: {
          seq,
          stage: state.stage,
          kind: 'OBJECTION_RESOLVED',
          actor,
          decision,
          note,
          payload: {
            objectionId,
            withdrawProposal: withdraw,
            ...corrections,
            ...(verification ? { verification } : {}),
          },
        },
        resolveObjection: {
          id: objectionId,
          status: decision,
          note,
          withdrewProposal: withdraw,
          amendedProposalId: amend?.proposalId,
          addedProposalId: added?.id,
        },
        proposalStatus: withdraw ? [{ ids: [objection.proposalId!], status: 'WITHDRAWN', reason: note }] : undefined,
        newProposals: added ? [added] : undefined,
        amendProposal: amend,
        round: patch,
        notice:
          version && patch
            ? {
                version,
                kind: noticeKindOf(state.stage as ObjectionStage),
                startsAt: patch.stageEnteredAt,
                endsAt: patch.publicityEndsAt,
                proposalIds: [...remaining.map((p) => p.id), ...(added ? [added.id] : [])],
              }
            : undefined,
      },
      then: () => {
        objection.status = decision;
        if (withdraw) {
          const p = state.proposals.find((x) => x.id === objection.proposalId);
          if (p) p.status = 'WITHDRAWN';
        }
        if (added) {
          const { id, householdId, assessmentNo } = added;
          state.proposals.push({ id, action: 'ENTER', householdId, status: 'PROPOSED', assessmentNo });
        }
        if (patch) round.enter(patch);
        else round.describe();
        return round.result(seq, version);
      },
    };
  });
}

/** Cancels the round; shared by the cancel update (an official) and the cancel signal (a campaign). */
function cancel(round: Round, { actor, reason }: CancelUpdate): Promise<DecisionResult> {
  const { state } = round;
  return round.serial(async () => {
    if (state.status !== 'OPEN') return round.result(state.seq);
    return round.write((seq) => ({
      entry: {
        decision: {
          seq,
          stage: state.stage,
          kind: 'ROUND_CANCELLED',
          actor,
          note: reason,
          payload: { openObjections: round.openObjections().map((o) => o.id) },
        },
        round: { status: 'CANCELLED', stageDeadline: null, publicityEndsAt: null, overdueSince: null },
      },
      then: () => {
        state.status = 'CANCELLED';
        // Added after histories were recorded: patched() keeps those replaying.
        if (patched('cancelled-stage-attribute')) upsertSearchAttributes([{ key: STAGE_KEY, value: 'CANCELLED' }]);
        round.describe();
        round.epoch++;
        return round.result(seq);
      },
    }));
  });
}

/** A supervision finding joins the round's trail (once per finding). */
function recordFinding(round: Round, { findingId, kind, detail }: SupervisionFindingSignal) {
  const { state } = round;
  state.findings.push(findingId);
  void round.record((seq) => ({
    entry: { decision: { seq, stage: state.stage, kind: 'SUPERVISION_FINDING', payload: { findingId, kind, detail } } },
  }));
}

/** A decision that holds the stage: a second one is refused (DecisionInProgress) until it is recorded. */
async function holdingStage<T>(round: Round, decide: () => Promise<T>): Promise<T> {
  round.busy = true;
  try {
    return await decide();
  } finally {
    round.busy = false;
  }
}

/** The round's message handlers: validate, hand the decision to its step (or record it in its turn), answer. */
export function acceptDecisions(round: Round): void {
  const { state } = round;
  const valid = validators(round);

  setHandler(roundStateQuery, () => state);
  setHandler(roundOpenedUpdate, async () => {
    await condition(() => round.opened);
    return round.result(1);
  });

  setHandler(
    submitAssessmentUpdate,
    (decision) => holdingStage(round, () => round.hand({ stage: 'VILLAGE_ASSESSMENT', decision })),
    { validator: valid.assessment },
  );

  setHandler(
    fileObjectionUpdate,
    async (d) => {
      // The objection is against the notice on display when it was accepted.
      const noticeVersion = state.noticeVersion;
      round.objectionsInFlight++;
      try {
        return await fileObjection(round, d, noticeVersion);
      } finally {
        round.objectionsInFlight--;
        round.epoch++;
      }
    },
    { validator: valid.objection },
  );

  setHandler(
    resolveObjectionUpdate,
    async (d) => {
      const objection = state.objections.find((o) => o.id === d.objectionId)!;
      objection.status = 'RESOLVING';
      try {
        // An upheld objection of the announcement period may return the round (rules of version 2).
        return await (d.returnTo ? returnFromAnnouncement(round, d) : resolveObjection(round, d));
      } catch (err) {
        objection.status = 'OPEN';
        throw err;
      } finally {
        round.epoch++;
      }
    },
    { validator: valid.resolution },
  );

  setHandler(
    townshipReviewUpdate,
    (decision) => holdingStage(round, () => round.hand({ stage: 'TOWNSHIP_REVIEW', decision })),
    { validator: valid.townshipReview },
  );
  setHandler(
    countyAnnouncementUpdate,
    (decision) => holdingStage(round, () => round.hand({ stage: 'COUNTY_ANNOUNCEMENT', decision })),
    { validator: valid.countyAnnouncement },
  );
  setHandler(cancelRoundUpdate, (d) => holdingStage(round, () => cancel(round, d)), { validator: valid.cancel });

  // A campaign cancels its rounds without waiting for an answer; a closed round ignores it.
  setHandler(cancelRoundSignal, (d) => {
    if (state.status === 'OPEN') void cancel(round, d);
  });

  // The supervision sweep escalates a finding to the round: it joins the round's trail (once per finding).
  setHandler(supervisionFindingSignal, (f) => {
    if (state.status !== 'OPEN' || state.findings.includes(f.findingId)) return;
    recordFinding(round, f);
  });
}
