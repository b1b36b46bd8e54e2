// The exit workflow's branches on a real Temporal dev server with stub activities (no database): a unit whose figures
// no longer allow it is refused at the start, the validators' refusals, a cancel during the publicity, a retried
// step written once, and a REJECT. The activities record each step they are asked to write, keyed by seq.
import { randomBytes } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { ExitFigures, ExitInput, ExitStep, VillageExitFigures } from '../../domain/exit';
import type { Actor } from '../../domain/round';
import { exitWorkflow } from '../../workflows/exit';
import {
  announceExitUpdate,
  cancelExitUpdate,
  ExitError,
  exitOpenedUpdate,
  exitStateQuery,
  fileExitObjectionUpdate,
  verifyExitUpdate,
} from '../../workflows/exit-contract';
import { eventually } from '../../kit/http';
import { startDevServer, testDataConverter, workflowBundle } from '../../kit/temporal';

const dataConverter = testDataConverter();
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `exit-wf-${randomBytes(4).toString('hex')}`;

const CODE = '620522100201';
const county: Actor = {
  id: '00000000-0000-4000-8000-000000000001',
  name: '县扶贫办',
  role: 'COUNTY',
  scopeCode: '620522',
};
const village: Actor = { id: '00000000-0000-4000-8000-000000000002', name: '村干部', role: 'VILLAGE', scopeCode: CODE };
const HOUSEHOLDS = Array.from(
  { length: 25 },
  (_, i) => `00000000-0000-4000-8000-0000000001${String(i).padStart(2, '0')}`,
);

/** The figures the next exit reads at its start; steps written per exit id (a second write of a seq is ignored). */
let nextFigures: ExitFigures;
const written = new Map<string, Map<number, ExitStep>>();
let failOnceAt: { exitId: string; seq: number } | undefined;

const villageFigures = (poorShare: number): VillageExitFigures => ({
  level: 'VILLAGE',
  name: '测试村',
  isPoor: true,
  exitedYear: null,
  population: 1000,
  poorPopulation: poorShare * 1000,
  poorShare,
  threshold: 0.03,
  households: HOUSEHOLDS.length,
});

beforeAll(async () => {
  env = await startDevServer({ dataConverter });
  const activities = {
    async exitFigures() {
      return { figures: nextFigures, households: HOUSEHOLDS };
    },
    async applyExitStep(step: ExitStep) {
      const steps = written.get(step.exitId) ?? new Map<number, ExitStep>();
      written.set(step.exitId, steps);
      if (steps.has(step.decision.seq)) return { applied: false };
      steps.set(step.decision.seq, step);
      // A worker that dies after the commit: the activity is retried, and the retry writes nothing.
      if (failOnceAt?.exitId === step.exitId && failOnceAt.seq === step.decision.seq) {
        failOnceAt = undefined;
        throw new Error('connection lost after commit');
      }
      return { applied: true };
    },
  };
  worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
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

let n = 0;
async function start(poorShare: number, publicityPeriod = '1 hour') {
  const year = 2030 + n++;
  const exitId = `exit-VILLAGE-${CODE}-${year}`;
  nextFigures = villageFigures(poorShare);
  const input: ExitInput = {
    exitId,
    level: 'VILLAGE',
    code: CODE,
    townshipCode: CODE.slice(0, 9),
    year,
    policy: { publicityPeriod, stageDeadline: '1 hour' },
    rules: { minPublicityPeriod: '1s', sampleShare: 0.1, exitPoorShareThreshold: 0.03 },
    requestedBy: { ...county, role: 'TOWNSHIP', scopeCode: CODE.slice(0, 9) },
  };
  const handle = await env.client.workflow.start(exitWorkflow, { workflowId: exitId, taskQueue, args: [input] });
  await handle.executeUpdate(exitOpenedUpdate);
  return { exitId, handle };
}

async function refusal(p: Promise<unknown>) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as WorkflowUpdateFailedError).cause as { type?: string; message: string };
}

const kinds = (exitId: string) => [...(written.get(exitId)?.values() ?? [])].map((s) => s.decision.kind);

test('a unit whose figures no longer allow it is refused at the start: REJECTED, no sample, nothing to decide', async () => {
  const { exitId, handle } = await start(0.05);
  expect(await handle.result()).toMatchObject({ stage: 'REJECTED', status: 'REJECTED', sample: [] });
  expect(kinds(exitId)).toEqual(['EXIT_REQUESTED', 'EXIT_REFUSED']);
  const refused = written.get(exitId)!.get(2)!;
  expect(refused.decision.payload).toEqual({
    refusals: [{ path: 'code', message: expect.stringMatching(/5 %, not below the threshold 3 %/) }],
  });
  expect(refused.markExited).toBeUndefined();
});

test('validators refuse the wrong step, the wrong official and an incomplete approval; a cancel ends the publicity', async () => {
  const { exitId, handle } = await start(0.01);
  const { sample } = await handle.query(exitStateQuery);
  expect(sample).toHaveLength(3);
  expect(
    (await refusal(handle.executeUpdate(announceExitUpdate, { args: [{ actor: county, note: '公告' }] }))).type,
  ).toBe(ExitError.WRONG_STAGE);
  const byVillage = handle.executeUpdate(verifyExitUpdate, {
    args: [{ actor: village, decision: 'REJECT', note: '不同意', findings: [] }],
  });
  expect((await refusal(byVillage)).type).toBe(ExitError.NOT_ALLOWED);
  const partial = handle.executeUpdate(verifyExitUpdate, {
    args: [
      {
        actor: county,
        decision: 'APPROVE',
        note: '同意',
        findings: [{ householdId: sample[0]!, finding: 'CONFIRMED' }],
      },
    ],
  });
  expect(await refusal(partial)).toMatchObject({
    type: ExitError.INVALID,
    message: expect.stringMatching(/no re-check/),
  });

  // The approval's write is retried once (a worker lost after the commit): it is written once.
  failOnceAt = { exitId, seq: 2 };
  const findings = sample.map((householdId) => ({ householdId, finding: 'CONFIRMED' as const }));
  const approved = await handle.executeUpdate(verifyExitUpdate, {
    args: [{ actor: county, decision: 'APPROVE', note: '同意', findings }],
  });
  expect(approved).toMatchObject({ stage: 'PUBLICITY', seq: 2 });
  await handle.executeUpdate(fileExitObjectionUpdate, {
    args: [
      {
        actor: village,
        objectionId: '00000000-0000-4000-8000-00000000aaaa',
        objector: { name: '村民' },
        reason: '异议',
      },
    ],
  });
  const cancelled = await handle.executeUpdate(cancelExitUpdate, { args: [{ actor: county, reason: '暂缓' }] });
  expect(cancelled).toMatchObject({ status: 'CANCELLED', stage: 'PUBLICITY' });
  expect(await handle.result()).toMatchObject({ status: 'CANCELLED' });
  expect(kinds(exitId)).toEqual(['EXIT_REQUESTED', 'COUNTY_VERIFICATION', 'OBJECTION_FILED', 'EXIT_CANCELLED']);
  expect([...written.get(exitId)!.values()].some((s) => s.markExited)).toBe(false);
});

test('a REJECT ends the exit without the exit year; an announcement is refused after it', async () => {
  const { exitId, handle } = await start(0.01);
  const rejected = await handle.executeUpdate(verifyExitUpdate, {
    args: [{ actor: county, decision: 'REJECT', note: '抽查发现未达标户', findings: [] }],
  });
  expect(rejected).toMatchObject({ stage: 'REJECTED', status: 'REJECTED' });
  await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 10_000, 'the workflow to close');
  expect(kinds(exitId)).toEqual(['EXIT_REQUESTED', 'COUNTY_VERIFICATION']);
  expect(written.get(exitId)!.get(2)!.exit).toMatchObject({ stage: 'REJECTED', status: 'REJECTED', finished: true });
});
