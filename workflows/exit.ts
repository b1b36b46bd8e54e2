// The exit (摘帽) of a poor village, a township or the county, as the county runs it: the request, re-checked
// against figures read now and recorded with a drawn sample of the unit's households → the county's verification
// (抽查: a re-check of every sampled household, then APPROVE or REJECT) → the publicity (公示, at least the minimum
// period; objections resolved by the county, an upheld one sends the exit back to the verification) → the county's
// announcement (公告), when the unit's exit year is recorded. Decisions are Updates (exit-decisions.ts) whose
// validators refuse what may not be decided now; the rules are domain/exit.ts.
import { allHandlersFinished, ApplicationFailure, condition, upsertSearchAttributes } from '@temporalio/workflow';
import { drawCountySample } from '../domain/procedure';
import {
  exitRefusals,
  publicityBelowMinimum,
  type ExitInput,
  type ExitState,
  type OpenExitStage,
} from '../domain/exit';
import { acceptExitDecisions } from './exit-decisions';
import { ExitRun, exitActivities } from './exit-context';
import { ExitError } from './exit-contract';
import { EXIT_LEVEL_KEY, STAGE_KEY, TOWNSHIP_KEY, VILLAGE_KEY } from './search-attributes';

export async function exitWorkflow(input: ExitInput): Promise<ExitState> {
  if (publicityBelowMinimum(input.policy, input.rules)) {
    throw ApplicationFailure.create({
      type: ExitError.INVALID,
      nonRetryable: true,
      message: `policy.publicityPeriod is shorter than the minimum publicity period ${input.rules.minPublicityPeriod} (MIN_PUBLICITY_PERIOD) of the exit's rules.`,
    });
  }
  const exit = new ExitRun(input);
  acceptExitDecisions(exit);
  await request(exit);
  while (exit.isOpen()) {
    if (exit.at('COUNTY_VERIFICATION')) await decisionStep(exit, 'COUNTY_VERIFICATION');
    if (exit.at('PUBLICITY')) await publicity(exit);
    if (exit.at('ANNOUNCEMENT')) await decisionStep(exit, 'ANNOUNCEMENT');
  }
  await condition(allHandlersFinished);
  return exit.state;
}

/**
 * The request: the unit's figures read now decide again whether it may exit (the API checked them a moment ago);
 * they are recorded with the county's sample, drawn with the workflow's seeded random (a replay draws the same, the
 * official cannot choose it). A unit that may not exit is refused at once: REJECTED, nothing changes.
 */
async function request(exit: ExitRun): Promise<void> {
  const { input, state } = exit;
  upsertSearchAttributes([
    { key: EXIT_LEVEL_KEY, value: input.level },
    { key: STAGE_KEY, value: state.stage },
    ...(input.townshipCode ? [{ key: TOWNSHIP_KEY, value: input.townshipCode }] : []),
    ...(input.level === 'VILLAGE' ? [{ key: VILLAGE_KEY, value: input.code }] : []),
  ]);
  const { figures, households } = await exitActivities.exitFigures({
    level: input.level,
    code: input.code,
    threshold: input.rules.exitPoorShareThreshold,
    // The county's request records its accuracy figures of the year (only the county's: the inputs of the other
    // levels' activity stay as recorded).
    ...(input.level === 'COUNTY' ? { year: input.year } : {}),
  });
  const refusals = exitRefusals(figures, input.rules.exitPoorShareThreshold);
  const sample = refusals.length > 0 ? [] : drawCountySample(households, input.rules.sampleShare, Math.random);
  await exit.record((seq, at) => {
    const patch = exit.times('COUNTY_VERIFICATION', at);
    return {
      step: {
        create: { ...input, figures, sample },
        decision: {
          seq,
          stage: 'COUNTY_VERIFICATION',
          kind: 'EXIT_REQUESTED',
          actor: input.requestedBy,
          payload: { figures, sample, of: households.length, share: input.rules.sampleShare, policy: input.policy },
        },
        exit: patch,
      },
      then: () => {
        state.figures = figures;
        state.sample = sample;
        exit.enter(patch);
        exit.opened = true;
      },
    };
  });
  if (refusals.length === 0) return;
  await exit.record((seq, at) => ({
    step: {
      decision: { seq, stage: 'COUNTY_VERIFICATION', kind: 'EXIT_REFUSED', payload: { refusals } },
      exit: exit.closing('REJECTED', at),
    },
    then: () => exit.close('REJECTED', 'REJECTED', at),
  }));
}

/** A step that ends with the county's decision (verification, announcement): wait until it comes. */
async function decisionStep(exit: ExitRun, stage: OpenExitStage): Promise<void> {
  while (exit.at(stage)) {
    const seen = exit.epoch;
    await condition(() => exit.epoch !== seen);
  }
}

/** The publicity: it ends once its period is over and no objection is open (or being filed or resolved). */
async function publicity(exit: ExitRun): Promise<void> {
  while (exit.at('PUBLICITY')) {
    const seen = exit.epoch;
    const now = Date.now();
    const end = Date.parse(exit.state.publicityEndsAt!);
    const open = exit.openObjections().length + exit.objectionsInFlight;
    if (!exit.busy && now >= end && open === 0) {
      await closePublicity(exit);
      continue;
    }
    if (now < end) await condition(() => exit.epoch !== seen, Math.max(1, end - now));
    else await condition(() => exit.epoch !== seen);
  }
}

async function closePublicity(exit: ExitRun): Promise<void> {
  exit.publicityClosing = true;
  try {
    await exit.record((seq, at) => {
      const patch = exit.times('ANNOUNCEMENT', at);
      return {
        step: { decision: { seq, stage: 'PUBLICITY', kind: 'PUBLICITY_ENDED' }, exit: patch },
        then: () => exit.enter(patch),
      };
    });
  } finally {
    exit.publicityClosing = false;
  }
}
