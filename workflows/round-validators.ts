// What each decision must satisfy to be accepted: pure checks on the workflow's own state (validators
// cannot do I/O). A refused decision is never written, and the caller hears why at once.
import { STAGE_LABELS, type Stage } from '../domain/enums';
import { describeProblems, proposalFactsProblems } from '../domain/facts';
import {
  isObjectionStage,
  isQuorate,
  objectionFilers,
  objectionResolver,
  STAGE_DECIDER,
  stageAfter,
  verificationProblems,
  voteProblem,
  type OpenStage,
} from '../domain/procedure';
import {
  codeInScope,
  containsNul,
  type Actor,
  type AssessmentUpdate,
  type CancelUpdate,
  type CountyAnnouncementUpdate,
  type ObjectionUpdate,
  type ResolutionUpdate,
  type TownshipReviewUpdate,
} from '../domain/round';
import { refuse } from './errors';
import type { Round } from './round-context';
import { RoundError } from './round-contract';

export function validators(round: Round) {
  const { state, input } = round;

  /** Every validator first refuses text PostgreSQL cannot store (NUL), which would stall the write forever. */
  function checked<Args extends unknown[]>(validate: (...args: Args) => void): (...args: Args) => void {
    return (...args) => {
      if (containsNul(args)) refuse(RoundError.INVALID, 'Text must not contain NUL (U+0000) characters.');
      validate(...args);
    };
  }

  function requireOpen() {
    if (state.status !== 'OPEN') refuse(RoundError.CLOSED, `The round is ${state.status.toLowerCase()}.`);
  }

  function requireStage(stage: Stage) {
    requireOpen();
    // A publicity whose end is being written is as good as over: its transaction commits the next stage, which
    // the API shows at once, a moment before this workflow hears back (longer while a worker or Temporal
    // recovers). A decision for that stage is accepted; serial() applies it after the end is recorded.
    const arriving = round.closing ? stageAfter(state.stage as OpenStage, round.version) : undefined;
    if (state.stage !== stage && arriving !== stage) {
      refuse(
        RoundError.WRONG_STAGE,
        `The round is at ${state.stage} (${STAGE_LABELS[state.stage]}); this decision belongs to ${stage} (${STAGE_LABELS[stage]}).`,
        { stage: state.stage },
      );
    }
    if (round.busy) refuse(RoundError.BUSY, 'Another decision on this stage is being recorded.');
  }

  function requireRole(actor: Actor, roles: Actor['role'][], what: string) {
    if (!roles.includes(actor.role) || !codeInScope(actor.scopeCode, input.villageCode)) {
      refuse(
        RoundError.NOT_ALLOWED,
        `${what} is for ${roles.join(' or ')} officials with jurisdiction over village ${input.villageCode}.`,
      );
    }
  }

  /** The official who decides `stage` (domain/procedure.ts), with jurisdiction over the village. */
  function requireDecider(actor: Actor, stage: OpenStage, what: string) {
    requireRole(actor, [STAGE_DECIDER[stage]!], what);
  }

  function requireOnList(proposalId: string) {
    if (!round.current().some((p) => p.id === proposalId)) {
      refuse(RoundError.INVALID, `Proposal ${proposalId} is not on the current list of this round.`, { proposalId });
    }
  }

  /** A return from the announcement period: the county's upheld objection, the only one open, nothing withdrawn. */
  function requireReturnFromAnnouncement(objectionId: string, decision: string, withdrawProposal?: boolean) {
    if (state.stage !== 'ANNOUNCEMENT_PERIOD')
      refuse(RoundError.INVALID, 'Only an objection of the announcement period can return the round.');
    if (decision !== 'UPHELD') refuse(RoundError.INVALID, 'Only an upheld objection can return the round.');
    if (withdrawProposal) refuse(RoundError.INVALID, 'An objection either withdraws a proposal or returns the round.');
    if (round.openObjections().some((o) => o.id !== objectionId))
      refuse(RoundError.INVALID, 'Resolve the other open objections before returning the round.');
  }

  /**
   * The county's spot checks (rules of version 2): an announcement covers every proposal of the drawn sample, and
   * a proposal not confirmed on the visit is rejected; a return needs neither.
   */
  function requireSpotChecks({ decision, spotChecks, rejected }: CountyAnnouncementUpdate) {
    if (round.version < 2) {
      if (spotChecks !== undefined || rejected !== undefined)
        refuse(RoundError.INVALID, 'This round runs under the rules it started with: no spot checks or rejections.');
      return;
    }
    if (decision === 'RETURN') {
      if (rejected?.length)
        refuse(RoundError.INVALID, 'A return sends back the whole list; name no single rejections.');
      return;
    }
    const rejectedIds = requireDistinctOnList(rejected ?? [], 'rejected');
    const checked = new Map((spotChecks ?? []).map((v) => [v.proposalId, v]));
    requireDistinctOnList(spotChecks ?? [], 'spot-checked');
    const missing = (state.countySample ?? []).filter((id) => !checked.has(id));
    if (missing.length > 0)
      refuse(RoundError.INVALID, `Spot checks are missing for the sampled proposals ${missing.join(', ')}.`, {
        missing,
      });
    const unconfirmed = [...checked.values()].filter(
      (v) => v.finding === 'NOT_CONFIRMED' && !rejectedIds.has(v.proposalId),
    );
    if (unconfirmed.length > 0)
      refuse(
        RoundError.INVALID,
        `Proposals ${unconfirmed.map((v) => v.proposalId).join(', ')} were not confirmed on the spot check: reject them or return the round.`,
      );
  }

  function requireDistinctOnList(items: readonly { proposalId: string }[], what: string): Set<string> {
    const seen = new Set<string>();
    for (const { proposalId } of items) {
      requireOnList(proposalId);
      if (seen.has(proposalId)) refuse(RoundError.INVALID, `Proposal ${proposalId} is ${what} twice.`);
      seen.add(proposalId);
    }
    return seen;
  }

  /** Rules v2 (Round.version); rounds started before keep the rules they started with. */
  const v2 = round.version >= 2;

  /**
   * Rules v3: an EXIT as REACHED_STANDARD and an ENTER (without an override) must be supported by the evidence the
   * API attached (domain/facts.ts), checked here again with the same function.
   */
  function requireFacts(what: string, p: Parameters<typeof proposalFactsProblems>[0]) {
    if (round.version < 3) return;
    const problems = proposalFactsProblems(p);
    if (problems.length > 0)
      refuse(RoundError.INVALID, `${what} is not supported by the household's facts: ${describeProblems(problems)}.`);
  }

  /** An upheld objection's amend or add (rules v2, first or second publicity). */
  function requireCorrection({ decision, amend, add, verification, withdrawProposal }: ResolutionUpdate) {
    if (!v2) refuse(RoundError.INVALID, 'This round started before corrections by objection: withdraw or dismiss.');
    if (decision !== 'UPHELD') refuse(RoundError.INVALID, 'Only an upheld objection changes the list.');
    if (withdrawProposal || (amend && add)) refuse(RoundError.INVALID, 'One change per resolution.');
    if (state.stage !== 'FIRST_PUBLICITY' && state.stage !== 'SECOND_PUBLICITY')
      refuse(RoundError.INVALID, `The list is corrected only during a publicity; the round is at ${state.stage}.`);
    if (amend) {
      requireOnList(amend.proposalId);
      if (round.current().find((p) => p.id === amend.proposalId)!.action === 'EXIT')
        refuse(RoundError.INVALID, 'An EXIT has no category or cause to amend: withdraw it instead.');
    }
    if (add?.householdId && round.current().some((p) => p.householdId === add.householdId))
      refuse(RoundError.INVALID, `Household ${add.householdId} is already on the list.`);
    if (add) requireFacts('The added household (ENTER)', add);
    if (state.stage === 'SECOND_PUBLICITY') {
      if (!verification)
        refuse(
          RoundError.INVALID,
          'During the second publicity the township visits the household first (verification).',
        );
      if (verification.finding !== 'CONFIRMED')
        refuse(
          RoundError.INVALID,
          'The visit did not confirm the correction: dismiss the objection or correct otherwise.',
        );
    }
  }

  return {
    assessment: checked<[AssessmentUpdate]>(({ actor, meeting, proposals, noChange }) => {
      requireStage('VILLAGE_ASSESSMENT');
      requireDecider(actor, 'VILLAGE_ASSESSMENT', 'The village assessment');
      if (!isQuorate(meeting))
        refuse(RoundError.INVALID, 'The meeting was not quorate (fewer than two thirds present).');
      if (v2) {
        if (noChange && proposals.length > 0) refuse(RoundError.INVALID, 'A "no change" assessment proposes nothing.');
        if (!noChange && proposals.length === 0)
          refuse(
            RoundError.INVALID,
            'An assessment needs at least one proposal, or the conclusion that nothing changes.',
          );
        proposals.forEach((p, i) => {
          const problem = voteProblem(p, meeting.representativesPresent);
          if (problem) refuse(RoundError.INVALID, `Proposal ${i + 1}: ${problem}.`);
          requireFacts(`Proposal ${i + 1} (${p.action})`, p);
        });
      } else if (proposals.length === 0) refuse(RoundError.INVALID, 'An assessment needs at least one proposal.');
    }),

    objection: checked<[ObjectionUpdate]>(({ actor, objectionId, proposalId }) => {
      requireOpen();
      if (!isObjectionStage(state.stage) || round.closing) {
        refuse(
          RoundError.WRONG_STAGE,
          `Objections are received only during a publicity${round.version >= 2 ? ' or the announcement period' : ''}; the round is at ${state.stage}.`,
          { stage: state.stage },
        );
      }
      if (Date.now() >= Date.parse(state.publicityEndsAt ?? '')) {
        refuse(RoundError.WRONG_STAGE, `The objection period ended at ${state.publicityEndsAt}.`, {
          stage: state.stage,
        });
      }
      // During the announcement period objections go to the county, which records the villager's objection.
      requireRole(actor, objectionFilers(state.stage), `Recording an objection during ${state.stage}`);
      if (state.objections.some((o) => o.id === objectionId))
        refuse(RoundError.INVALID, 'This objection is already recorded.');
      if (proposalId !== undefined) requireOnList(proposalId);
    }),

    resolution: checked<[ResolutionUpdate]>((update) => {
      const { actor, objectionId, withdrawProposal, decision, returnTo } = update;
      requireOpen();
      // An open objection belongs to the period the round is in: the township's publicities, the county's period.
      const resolver = isObjectionStage(state.stage) ? objectionResolver(state.stage) : 'TOWNSHIP';
      requireRole(actor, [resolver], `Resolving an objection during ${state.stage}`);
      const objection = state.objections.find((o) => o.id === objectionId);
      if (!objection) refuse(RoundError.NOT_FOUND, `Objection ${objectionId} is not part of this round.`);
      if (objection.status !== 'OPEN')
        refuse(RoundError.WRONG_STAGE, `Objection ${objectionId} is already ${objection.status.toLowerCase()}.`);
      if (withdrawProposal && decision !== 'UPHELD')
        refuse(RoundError.INVALID, 'Only an upheld objection can withdraw a proposal.');
      if (withdrawProposal && objection.proposalId === undefined) {
        refuse(RoundError.INVALID, 'This objection names no proposal, so there is none to withdraw.');
      }
      if (withdrawProposal && objection.proposalId !== undefined) requireOnList(objection.proposalId);
      if (returnTo !== undefined) requireReturnFromAnnouncement(objectionId, decision, withdrawProposal);
      if (update.amend || update.add) requireCorrection(update);
    }),

    townshipReview: checked<[TownshipReviewUpdate]>(({ actor, decision, rejected = [], verification = [] }) => {
      requireStage('TOWNSHIP_REVIEW');
      requireDecider(actor, 'TOWNSHIP_REVIEW', 'The township review');
      if (decision === 'RETURN' && rejected.length > 0)
        refuse(RoundError.INVALID, 'A return rejects the whole list; name no single rejections.');
      const seen = new Set<string>();
      for (const r of rejected) {
        requireOnList(r.proposalId);
        if (seen.has(r.proposalId)) refuse(RoundError.INVALID, `Proposal ${r.proposalId} is rejected twice.`);
        seen.add(r.proposalId);
      }
      for (const v of verification) requireOnList(v.proposalId);
      if (v2 && decision === 'APPROVE') {
        const { missing, notConfirmed } = verificationProblems(round.current(), seen, verification);
        if (missing.length)
          refuse(RoundError.INVALID, `Approval needs a household visit (verification) for: ${missing.join(', ')}.`);
        if (notConfirmed.length)
          refuse(
            RoundError.INVALID,
            `Visits did not confirm ${notConfirmed.join(', ')}: reject them or return the list.`,
          );
      }
    }),

    countyAnnouncement: checked<[CountyAnnouncementUpdate]>((update) => {
      requireStage('COUNTY_ANNOUNCEMENT');
      requireDecider(update.actor, 'COUNTY_ANNOUNCEMENT', 'The county announcement');
      if (update.decision === 'ANNOUNCE' && update.returnTo !== undefined)
        refuse(RoundError.INVALID, 'returnTo belongs to a RETURN.');
      requireSpotChecks(update);
    }),

    cancel: checked<[CancelUpdate]>(({ actor }) => {
      requireOpen();
      if (round.busy) refuse(RoundError.BUSY, 'Another decision on this round is being recorded.');
      requireRole(actor, ['COUNTY', 'ADMIN'], 'Cancelling a round');
    }),
  };
}
