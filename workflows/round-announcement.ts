// The county's part under the rules of version 2 (domain/procedure.ts stageOrder): the spot-check sample drawn as
// the list reaches the county, the announcement that opens the announcement period (公告期), and the end of that
// period, when the registry changes and the round completes. Rounds without captured rules never come here.
import { ApplicationFailure } from '@temporalio/workflow';
import { drawCountySample, periodsBelowMinimum, rulesVersion } from '../domain/procedure';
import type { CountyAnnouncementUpdate, DecisionResult, ResolutionUpdate, RoundInput } from '../domain/round';
import type { Stage } from '../domain/enums';
import type { Round, Step } from './round-context';
import { RoundError } from './round-contract';

/**
 * A round under the rules of version 2 must keep its own rules: a period shorter than the captured minimum fails
 * the workflow at once (the API refuses such a request before it starts one).
 */
export function requireValidRules(input: RoundInput): void {
  if (rulesVersion(input) < 2 || !input.rules) return;
  const short = periodsBelowMinimum(input.policy, input.rules.minPublicityPeriod);
  if (short.length > 0) {
    throw ApplicationFailure.create({
      type: RoundError.INVALID,
      nonRetryable: true,
      message: `policy.${short.join(', policy.')} is shorter than the minimum publicity period ${input.rules.minPublicityPeriod} (MIN_PUBLICITY_PERIOD) of the round's rules.`,
    });
  }
}

/**
 * Entering COUNTY_ANNOUNCEMENT under the rules of version 2: draws the county's sample of the list with the
 * workflow's seeded random (a replay draws the same; the official cannot choose it), sets it at once so the
 * county's decision is validated against it, and queues its trail entry. Undefined when nothing is drawn.
 */
export function drawSampleOnEntering(round: Round, next: Stage): Promise<void> | undefined {
  if (next !== 'COUNTY_ANNOUNCEMENT' || round.version < 2 || !round.input.rules) return undefined;
  const { state } = round;
  const listed = round.current().map((p) => p.id);
  const sample = drawCountySample(listed, round.input.rules.countySampleShare, Math.random);
  state.countySample = sample;
  return round.record((seq) => ({
    entry: {
      decision: {
        seq,
        stage: state.stage,
        kind: 'COUNTY_SAMPLE_DRAWN',
        payload: { countySample: sample, of: listed.length, share: round.input.rules!.countySampleShare },
      },
      round: { countySample: sample },
    },
  }));
}

/**
 * The county's ANNOUNCE under the rules of version 2: the list less what it rejects is published as the
 * announcement, signed by the county, and the announcement period begins; the registry waits for its end. What the
 * step waiting at the county announcement writes (round-stage-decisions.ts).
 */
export function announce(
  round: Round,
  { actor, note, spotChecks = [], rejected = [] }: CountyAnnouncementUpdate,
): Step<DecisionResult> {
  const { state } = round;
  return (seq, at) => {
    const stage = 'COUNTY_ANNOUNCEMENT';
    const rejectedIds = new Set(rejected.map((r) => r.proposalId));
    const announced = round
      .current()
      .filter((p) => !rejectedIds.has(p.id))
      .map((p) => p.id);
    const version = ++state.noticeVersion;
    const patch = round.times('ANNOUNCEMENT_PERIOD', at);
    return {
      entry: {
        decision: {
          seq,
          stage,
          kind: stage,
          actor,
          decision: 'ANNOUNCE',
          note,
          payload: { spotChecks, rejected, countySample: state.countySample ?? [], announced: announced.length },
        },
        round: patch,
        proposalStatus: rejected.map((r) => ({ ids: [r.proposalId], status: 'REJECTED' as const, reason: r.reason })),
        notice: {
          version,
          kind: 'ANNOUNCEMENT',
          startsAt: patch.stageEnteredAt,
          endsAt: patch.publicityEndsAt,
          proposalIds: announced,
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

/** The announcement period is over with no objection open: the registry changes once and the round completes. */
export async function closeAnnouncementPeriod(round: Round): Promise<void> {
  const { state } = round;
  await round.record((seq, at) => {
    const { announced, apply, ...writes } = round.completion(at);
    return {
      entry: {
        decision: {
          seq,
          stage: 'ANNOUNCEMENT_PERIOD',
          kind: 'ANNOUNCEMENT_PERIOD_ENDED',
          payload: { noticeVersion: state.noticeVersion, applied: announced.length },
        },
        ...writes,
      },
      then: apply,
    };
  });
}

/**
 * An objection upheld by the county during the announcement period that returns the round to the township review
 * (the county's decision, its note the reason): the announced list goes back to the township, the registry is
 * untouched, and a new approval, second publicity and announcement follow.
 */
export function returnFromAnnouncement(
  round: Round,
  { actor, objectionId, decision, note }: ResolutionUpdate,
): Promise<DecisionResult> {
  const { state } = round;
  const objection = state.objections.find((o) => o.id === objectionId)!;
  return round.record<DecisionResult>((seq, at) => {
    const from = state.stage;
    const to = 'TOWNSHIP_REVIEW';
    const patch = round.times(to, at);
    return {
      entry: {
        decision: {
          seq,
          stage: from,
          kind: 'OBJECTION_RESOLVED',
          actor,
          decision,
          note,
          payload: { objectionId, withdrawProposal: false, returnTo: to },
        },
        resolveObjection: { id: objectionId, status: decision, note, withdrewProposal: false },
        round: { ...patch, countySample: [] },
      },
      then: () => {
        objection.status = decision;
        state.countySample = undefined;
        round.returned(from, to, note, at, patch);
        return round.result(seq);
      },
    };
  });
}
