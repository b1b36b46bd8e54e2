// What each stage decision writes and does to the round: the village's assessment, the township's review and the
// county's announcement (under the rules of version 2 its announcement opens the announcement period,
// round-announcement.ts). The update handlers (round-decisions.ts) hand an accepted decision to the step waiting at
// its stage (round.ts), which records it here and answers the handler with the result.
import { approvedList, returnTarget, supersededByReturn } from '../domain/procedure';
import type { AssessmentUpdate, CountyAnnouncementUpdate, DecisionResult, TownshipReviewUpdate } from '../domain/round';
import { announce } from './round-announcement';
import type { Handed, Round, Step } from './round-context';
import { iso } from './serial';

/** Records the decision handed to the step waiting at its stage (in the turn the handler holds) and answers. */
export function decide(round: Round, handed: Handed): Promise<DecisionResult> {
  switch (handed.stage) {
    case 'VILLAGE_ASSESSMENT':
      return round.write(submitAssessment(round, handed.decision));
    case 'TOWNSHIP_REVIEW':
      return round.write(townshipReview(round, handed.decision));
    case 'COUNTY_ANNOUNCEMENT': {
      const d = handed.decision;
      // Under the rules of version 2 an announcement opens the announcement period instead of completing the round.
      return round.write(
        d.decision === 'ANNOUNCE' && round.version >= 2 ? announce(round, d) : countyAnnouncement(round, d),
      );
    }
  }
}

/** The village's list: the proposals join the round and the first publicity starts with notice version 1, 2, … */
function submitAssessment(
  round: Round,
  { actor, meeting, proposals, noChange }: AssessmentUpdate,
): Step<DecisionResult> {
  const { state } = round;
  return (seq, at) => {
    const assessmentNo = state.assessmentNo + 1;
    const version = ++state.noticeVersion;
    const patch = round.times('FIRST_PUBLICITY', at);
    return {
      entry: {
        decision: {
          seq,
          stage: 'VILLAGE_ASSESSMENT',
          kind: 'ASSESSMENT_SUBMITTED',
          actor,
          payload: { meeting, count: proposals.length, ...(noChange ? { noChange } : {}) },
        },
        round: patch,
        newProposals: proposals.map((p) => ({ ...p, assessmentNo })),
        notice: {
          version,
          kind: 'FIRST_PUBLICITY',
          startsAt: patch.stageEnteredAt,
          endsAt: patch.publicityEndsAt,
          proposalIds: proposals.map((p) => p.id),
        },
      },
      then: () => {
        state.assessmentNo = assessmentNo;
        for (const p of proposals) {
          state.proposals.push({
            id: p.id,
            action: p.action,
            householdId: p.householdId,
            status: 'PROPOSED',
            assessmentNo,
          });
        }
        round.enter(patch);
        return round.result(seq, version);
      },
    };
  };
}

/** The township approves the list (less what it rejects) into the second publicity, or returns it to the village. */
function townshipReview(
  round: Round,
  { actor, decision, rejected = [], verification = [], note }: TownshipReviewUpdate,
): Step<DecisionResult> {
  const { state } = round;
  return (seq, at) => {
    const stage = 'TOWNSHIP_REVIEW';
    if (decision === 'RETURN') {
      const to = returnTarget(stage);
      const patch = round.times(to, at);
      const superseded = supersededByReturn(to, round.current());
      return {
        entry: {
          decision: { seq, stage, kind: stage, actor, decision, note, payload: { returnTo: to, verification } },
          round: patch,
          proposalStatus: [{ ids: superseded, status: 'SUPERSEDED', reason: note }],
        },
        then: () => {
          round.returned(stage, to, note, at, patch);
          return round.result(seq);
        },
      };
    }
    const rejectedIds = new Set(rejected.map((r) => r.proposalId));
    const approved = approvedList(round.current(), rejectedIds);
    const version = ++state.noticeVersion;
    const patch = round.times('SECOND_PUBLICITY', at);
    return {
      entry: {
        decision: { seq, stage, kind: stage, actor, decision, note, payload: { rejected, verification } },
        round: patch,
        proposalStatus: rejected.map((r) => ({ ids: [r.proposalId], status: 'REJECTED' as const, reason: r.reason })),
        notice: {
          version,
          kind: 'SECOND_PUBLICITY',
          startsAt: patch.stageEnteredAt,
          endsAt: patch.publicityEndsAt,
          proposalIds: approved.map((p) => p.id),
        },
      },
      then: () => {
        for (const p of round.current()) if (rejectedIds.has(p.id)) p.status = 'REJECTED';
        round.enter(patch);
        return round.result(seq, version);
      },
    };
  };
}

/** The county announces the list (applied to the registry; the round completes) or returns it. */
function countyAnnouncement(
  round: Round,
  { actor, decision, returnTo, note }: CountyAnnouncementUpdate,
): Step<DecisionResult> {
  const { state } = round;
  return (seq, at) => {
    const stage = 'COUNTY_ANNOUNCEMENT';
    if (decision === 'RETURN') {
      const to = returnTarget(stage, returnTo);
      const patch = round.times(to, at);
      const superseded = supersededByReturn(to, round.current());
      return {
        entry: {
          decision: { seq, stage, kind: stage, actor, decision, note, payload: { returnTo: to } },
          round: patch,
          proposalStatus: superseded.length ? [{ ids: superseded, status: 'SUPERSEDED', reason: note }] : undefined,
        },
        then: () => {
          round.returned(stage, to, note, at, patch);
          return round.result(seq);
        },
      };
    }
    // Rules of version 1: the announcement changes the registry at once and completes the round.
    const done = round.completion(at);
    const announced = done.announced;
    const version = ++state.noticeVersion;
    return {
      entry: {
        decision: { seq, stage, kind: stage, actor, decision, note, payload: { announced: announced.length } },
        round: done.round,
        notice: { version, kind: 'ANNOUNCEMENT', startsAt: iso(at), endsAt: null, proposalIds: announced },
        proposalStatus: done.proposalStatus,
        applyRegistry: done.applyRegistry,
      },
      then: () => {
        done.apply();
        return round.result(seq, version);
      },
    };
  };
}
