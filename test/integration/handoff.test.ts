// The hand-off of a stage decision from its update handler to the step waiting at its stage, where the step is not
// waiting yet when the decision's turn comes, or the round is gone: a decision let in while a publicity's end is
// being written is recorded after that end by the next stage's step; one whose turn comes after a campaign's
// cancellation is refused. A real dev server and the round workflow, with persistence faked (one write held back).
import { randomBytes } from 'node:crypto';
import { WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Actor, RoundInput, Transition } from '../../domain/round';
import { startDevServer, testDataConverter, workflowBundle } from '../../kit/temporal';
import {
  cancelRoundSignal,
  roundOpenedUpdate,
  submitAssessmentUpdate,
  supervisionFindingSignal,
  townshipReviewUpdate,
} from '../../workflows/round-contract';

const dataConverter = testDataConverter();
const taskQueue = `handoff-${randomBytes(4).toString('hex')}`;
const village = '620522100201';
const official = (role: Actor['role'], scopeCode: string): Actor => ({ id: role, name: role, role, scopeCode });
const villager = official('VILLAGE', village);
const township = official('TOWNSHIP', village.slice(0, 9));
const county = official('COUNTY', village.slice(0, 6));
const assessment = {
  actor: villager,
  meeting: { heldOn: '2026-11-20', representativesPresent: 20, representativesTotal: 30 },
  proposals: [{ id: 'p1', action: 'EXIT' as const, householdId: 'h1', votesFor: 15, votesAgainst: 1 }],
};

/** The trail kinds written, in order, per round. */
const written = new Map<string, string[]>();
/** The next write of this kind starts (`begin`) and waits until `released`. */
let held: { kind: string; begin: () => void; released: Promise<void> } | undefined;
function hold(kind: string) {
  let begin!: () => void;
  let release!: () => void;
  const started = new Promise<void>((r) => (begin = r));
  const released = new Promise<void>((r) => (release = r));
  held = { kind, begin, released };
  return { started, release };
}

const activities = {
  async applyTransition(t: Transition): Promise<void> {
    const kind = t.decision?.kind ?? '?';
    const h = held?.kind === kind ? held : undefined;
    if (h) {
      held = undefined;
      h.begin();
      await h.released;
    }
    written.set(t.roundId, [...(written.get(t.roundId) ?? []), kind]);
  },
};

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
beforeAll(async () => {
  env = await startDevServer({ dataConverter });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
    dataConverter,
  });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

async function startRound(publicityPeriod: string) {
  const roundId = `round-${randomBytes(4).toString('hex')}`;
  const input: RoundInput = {
    roundId,
    villageCode: village,
    townshipCode: village.slice(0, 9),
    roundNo: 1,
    policy: { publicityPeriod, stageDeadline: '1 hour' },
    startedBy: township,
  };
  const handle = await env.client.workflow.start('roundWorkflow', { taskQueue, workflowId: roundId, args: [input] });
  await handle.executeUpdate(roundOpenedUpdate);
  return { roundId, handle };
}

test("a township review let in while the first publicity's end is written is recorded after it by the review's step", async () => {
  const { roundId, handle } = await startRound('2 seconds');
  const { started, release } = hold('PUBLICITY_ENDED');
  expect(await handle.executeUpdate(submitAssessmentUpdate, { args: [assessment] })).toMatchObject({
    stage: 'FIRST_PUBLICITY',
    seq: 2,
  });
  await started;
  const review = await handle.startUpdate(townshipReviewUpdate, {
    args: [{ actor: township, decision: 'APPROVE', note: '同意' }],
    waitForStage: WorkflowUpdateStage.ACCEPTED,
  });
  release();
  expect(await review.result()).toMatchObject({ roundId, stage: 'SECOND_PUBLICITY', seq: 4, noticeVersion: 2 });
  expect(written.get(roundId)).toEqual(['ROUND_STARTED', 'ASSESSMENT_SUBMITTED', 'PUBLICITY_ENDED', 'TOWNSHIP_REVIEW']);
  await handle.signal(cancelRoundSignal, { actor: county, reason: 'test over' });
  expect(await handle.result()).toMatchObject({ status: 'CANCELLED', stage: 'SECOND_PUBLICITY' });
});

test("a village assessment whose turn comes after a campaign's cancellation is refused (RoundClosed)", async () => {
  const { roundId, handle } = await startRound('1 hour');
  const { started, release } = hold('SUPERVISION_FINDING');
  await handle.signal(supervisionFindingSignal, { findingId: 'f1', kind: 'OVERDUE' });
  await started;
  await handle.signal(cancelRoundSignal, { actor: county, reason: 'campaign cancelled' });
  const submitted = await handle.startUpdate(submitAssessmentUpdate, {
    args: [assessment],
    waitForStage: WorkflowUpdateStage.ACCEPTED,
  });
  release();
  const refused = await submitted.result().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((refused as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'RoundClosed' });
  expect(await handle.result()).toMatchObject({ status: 'CANCELLED', seq: 3 });
  expect(written.get(roundId)).toEqual(['ROUND_STARTED', 'SUPERVISION_FINDING', 'ROUND_CANCELLED']);
});
