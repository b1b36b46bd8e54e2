// The county's decisions on an exit and the objections of its publicity, as Updates: each validator refuses at once
// what may not be decided now (pure checks on the workflow's state), each handler records the decision in its turn.
import { condition, setHandler } from '@temporalio/workflow';
import {
  approvalProblems,
  EXIT_DECIDER,
  EXIT_OBJECTION_FILERS,
  EXIT_STAGE_LABELS,
  exitInScope,
  exitNotice,
  exitVisible,
  type ExitAnnouncementUpdate,
  type ExitCancelUpdate,
  type ExitDecisionResult,
  type ExitObjectionUpdate,
  type ExitResolutionUpdate,
  type ExitStage,
  type ExitVerificationUpdate,
} from '../domain/exit';
import type { Role } from '../domain/enums';
import { containsNul, type Actor } from '../domain/round';
import { refuse } from './errors';
import { type ExitRun } from './exit-context';
import { iso } from './serial';
import {
  announceExitUpdate,
  cancelExitUpdate,
  ExitError,
  exitOpenedUpdate,
  exitStateQuery,
  fileExitObjectionUpdate,
  resolveExitObjectionUpdate,
  verifyExitUpdate,
} from './exit-contract';

function validators(exit: ExitRun) {
  const { state, input } = exit;

  function checked<Args extends unknown[]>(validate: (...args: Args) => void): (...args: Args) => void {
    return (...args) => {
      if (containsNul(args)) refuse(ExitError.INVALID, 'Text must not contain NUL (U+0000) characters.');
      validate(...args);
    };
  }

  function requireOpen() {
    if (!exit.opened) refuse(ExitError.WRONG_STAGE, 'The exit is not recorded yet.');
    if (state.status !== 'OPEN') refuse(ExitError.CLOSED, `The exit is ${state.status.toLowerCase()}.`);
  }

  function requireStage(stage: ExitStage) {
    requireOpen();
    // The publicity's end is being written: the announcement that follows is accepted and applied after it.
    const arriving = exit.publicityClosing && stage === 'ANNOUNCEMENT';
    if (state.stage !== stage && !arriving) {
      refuse(
        ExitError.WRONG_STAGE,
        `The exit is at ${state.stage} (${EXIT_STAGE_LABELS[state.stage]}); this decision belongs to ${stage} (${EXIT_STAGE_LABELS[stage]}).`,
        { stage: state.stage },
      );
    }
    if (exit.busy) refuse(ExitError.BUSY, 'Another decision on this exit is being recorded.');
  }

  function requireRole(actor: Actor, roles: readonly Role[], what: string, inScope = exitInScope) {
    if (!roles.includes(actor.role) || !inScope(actor.scopeCode, input.code)) {
      refuse(
        ExitError.NOT_ALLOWED,
        `${what} is for ${roles.join(' or ')} officials with jurisdiction over ${input.level.toLowerCase()} ${input.code}.`,
      );
    }
  }

  return {
    verification: checked(({ actor, decision, findings }: ExitVerificationUpdate) => {
      requireStage('COUNTY_VERIFICATION');
      requireRole(actor, [EXIT_DECIDER], 'The county verification');
      if (decision !== 'APPROVE') return;
      const problems = approvalProblems(state.sample, findings);
      if (problems.length > 0) {
        refuse(ExitError.INVALID, `The exit cannot be approved: ${problems.map((p) => p.message).join('; ')}.`);
      }
    }),
    objection: checked(({ actor, objectionId }: ExitObjectionUpdate) => {
      requireOpen();
      if (state.stage !== 'PUBLICITY' || exit.publicityClosing) {
        refuse(ExitError.WRONG_STAGE, `Objections are received during the publicity; the exit is at ${state.stage}.`, {
          stage: state.stage,
        });
      }
      requireRole(actor, EXIT_OBJECTION_FILERS, 'Recording an objection', exitVisible);
      if (state.objections.some((o) => o.id === objectionId)) {
        refuse(ExitError.INVALID, `Objection ${objectionId} is already recorded.`);
      }
    }),
    resolution: checked(({ actor, objectionId }: ExitResolutionUpdate) => {
      requireStage('PUBLICITY');
      requireRole(actor, [EXIT_DECIDER], 'Resolving an objection');
      const objection = state.objections.find((o) => o.id === objectionId);
      if (!objection) refuse(ExitError.NOT_FOUND, `The exit has no objection ${objectionId}.`);
      if (objection.status !== 'OPEN') refuse(ExitError.INVALID, `Objection ${objectionId} is ${objection.status}.`);
    }),
    announcement: checked(({ actor }: ExitAnnouncementUpdate) => {
      requireStage('ANNOUNCEMENT');
      requireRole(actor, [EXIT_DECIDER], 'The announcement');
    }),
    cancel: checked(({ actor }: ExitCancelUpdate) => {
      requireOpen();
      requireRole(actor, ['COUNTY', 'ADMIN'], 'Cancelling an exit');
      if (exit.busy) refuse(ExitError.BUSY, 'Another decision on this exit is being recorded.');
    }),
  };
}

/** APPROVE: the publicity begins with its notice; REJECT: the exit ends, nothing changes. */
function verify(exit: ExitRun, { actor, decision, note, findings }: ExitVerificationUpdate) {
  const { input, state } = exit;
  return exit.record<ExitDecisionResult>((seq, at) => {
    const base = { seq, stage: 'COUNTY_VERIFICATION' as const, kind: 'COUNTY_VERIFICATION', actor, decision, note };
    if (decision === 'REJECT') {
      return {
        step: { decision: { ...base, payload: { findings } }, exit: exit.closing('REJECTED', at) },
        then: () => {
          exit.close('REJECTED', 'REJECTED', at);
          return exit.result(seq);
        },
      };
    }
    const patch = exit.times('PUBLICITY', at);
    const notice = exitNotice('PUBLICITY', input, state.figures, patch.stageEnteredAt, patch.publicityEndsAt);
    return {
      step: { decision: { ...base, payload: { findings, notice } }, exit: patch },
      then: () => {
        exit.enter(patch);
        return exit.result(seq);
      },
    };
  });
}

function fileObjection(exit: ExitRun, { actor, objectionId, objector, reason }: ExitObjectionUpdate) {
  const { state } = exit;
  return exit.record((seq) => ({
    step: {
      decision: { seq, stage: 'PUBLICITY', kind: 'OBJECTION_FILED', actor, payload: { objectionId } },
      newObjection: { id: objectionId, objectorName: objector.name, objectorContact: objector.contact, reason },
    },
    then: () => {
      state.objections.push({ id: objectionId, status: 'OPEN' });
      exit.describe();
      return { ...exit.result(seq), objectionId };
    },
  }));
}

/** DISMISSED keeps the publicity going; UPHELD sends the exit back to the county's verification. */
function resolveObjection(exit: ExitRun, { actor, objectionId, decision, note }: ExitResolutionUpdate) {
  const { state } = exit;
  const objection = state.objections.find((o) => o.id === objectionId)!;
  return exit.record<ExitDecisionResult>((seq, at) => {
    const patch = decision === 'UPHELD' ? exit.times('COUNTY_VERIFICATION', at) : undefined;
    return {
      step: {
        decision: {
          seq,
          stage: 'PUBLICITY',
          kind: 'OBJECTION_RESOLVED',
          actor,
          decision,
          note,
          payload: { objectionId, ...(patch ? { returnTo: patch.stage } : {}) },
        },
        resolveObjection: { id: objectionId, status: decision, note },
        exit: patch,
      },
      then: () => {
        objection.status = decision;
        if (patch) exit.enter(patch);
        else exit.describe();
        return exit.result(seq);
      },
    };
  });
}

/** The county announces: the unit's exit year is recorded (once) and the exit completes. */
function announce(exit: ExitRun, { actor, note }: ExitAnnouncementUpdate) {
  const { input, state } = exit;
  return exit.record<ExitDecisionResult>((seq, at) => {
    const notice = exitNotice('ANNOUNCEMENT', input, state.figures, iso(at), null);
    return {
      step: {
        decision: {
          seq,
          stage: 'ANNOUNCEMENT',
          kind: 'EXIT_ANNOUNCED',
          actor,
          decision: 'ANNOUNCE',
          note,
          payload: { notice },
        },
        exit: exit.closing('COMPLETED', at),
        markExited: { level: input.level, code: input.code, year: input.year },
      },
      then: () => {
        exit.close('COMPLETED', 'COMPLETED', at);
        return exit.result(seq);
      },
    };
  });
}

function cancel(exit: ExitRun, { actor, reason }: ExitCancelUpdate) {
  const { state } = exit;
  return exit.serial(async () => {
    if (state.status !== 'OPEN') return exit.result(state.seq);
    return exit.write<ExitDecisionResult>((seq, at) => ({
      step: {
        decision: { seq, stage: state.stage, kind: 'EXIT_CANCELLED', actor, note: reason },
        exit: exit.closing('CANCELLED', at),
      },
      then: () => {
        exit.close('CANCELLED', undefined, at);
        return exit.result(seq);
      },
    }));
  });
}

/** A decision that holds the step: a second one is refused (DecisionInProgress) until it is recorded. */
async function holding<T>(exit: ExitRun, decide: () => Promise<T>): Promise<T> {
  exit.busy = true;
  try {
    return await decide();
  } finally {
    exit.busy = false;
  }
}

export function acceptExitDecisions(exit: ExitRun): void {
  const { state } = exit;
  const valid = validators(exit);
  setHandler(exitStateQuery, () => state);
  setHandler(exitOpenedUpdate, async () => {
    await condition(() => exit.opened);
    return exit.result(1);
  });
  setHandler(verifyExitUpdate, (d) => holding(exit, () => verify(exit, d)), { validator: valid.verification });
  setHandler(
    fileExitObjectionUpdate,
    async (d) => {
      exit.objectionsInFlight++;
      try {
        return await fileObjection(exit, d);
      } finally {
        exit.objectionsInFlight--;
        exit.epoch++;
      }
    },
    { validator: valid.objection },
  );
  setHandler(
    resolveExitObjectionUpdate,
    async (d) => {
      const objection = state.objections.find((o) => o.id === d.objectionId)!;
      objection.status = 'RESOLVING';
      try {
        return await holding(exit, () => resolveObjection(exit, d));
      } catch (err) {
        objection.status = 'OPEN';
        throw err;
      } finally {
        exit.epoch++;
      }
    },
    { validator: valid.resolution },
  );
  setHandler(announceExitUpdate, (d) => holding(exit, () => announce(exit, d)), { validator: valid.announcement });
  setHandler(cancelExitUpdate, (d) => holding(exit, () => cancel(exit, d)), { validator: valid.cancel });
}
