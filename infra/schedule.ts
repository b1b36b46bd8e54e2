// The daily supervision sweep as a Temporal Schedule. Created at start-up, or brought up to date when it exists,
// so every process that starts (npm start, each worker) may call this: the result is one schedule.
import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
} from '@temporalio/client';
import type { SupervisionPolicy, SweepInput } from '../domain/supervision';
import { supervisionSweepWorkflow } from '../workflows/sweep';
import { SWEEP_WORKFLOW_ID } from '../workflows/sweep-contract';
import type { Config } from './config';

export const SUPERVISION_SCHEDULE_ID = 'supervision-sweep';

export interface SupervisionScheduleOptions {
  /** Cron expression, e.g. '0 8 * * *'. */
  cron: string;
  /** IANA time zone the cron expression is read in, e.g. 'Asia/Shanghai'. */
  timezone: string;
  taskQueue: string;
  policy?: Partial<SupervisionPolicy>;
  /** How long Idempotency-Key answers are kept; the sweep deletes older ones. */
  idempotencyRetention?: string;
  scheduleId?: string;
}

/** The input each scheduled sweep starts with (bench:sweep starts its sweeps with the same). */
export function scheduledSweepInput(options: Pick<SupervisionScheduleOptions, 'policy' | 'idempotencyRetention'>) {
  return {
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.idempotencyRetention ? { idempotencyRetention: options.idempotencyRetention } : {}),
  } satisfies SweepInput;
}

/** Creates the schedule, or updates spec and action of the existing one (its paused state is kept). */
export async function ensureSupervisionSchedule(
  client: Client,
  options: SupervisionScheduleOptions,
): Promise<'created' | 'updated'> {
  const scheduleId = options.scheduleId ?? SUPERVISION_SCHEDULE_ID;
  const spec: ScheduleSpec = { cronExpressions: [options.cron], timezone: options.timezone };
  const action: ScheduleOptionsStartWorkflowAction<typeof supervisionSweepWorkflow> = {
    type: 'startWorkflow',
    workflowType: supervisionSweepWorkflow,
    workflowId: SWEEP_WORKFLOW_ID,
    taskQueue: options.taskQueue,
    args: [scheduledSweepInput(options)],
    staticSummary: 'Supervision sweep (督查)',
  };
  // A sweep still running when the next is due makes the next one pointless; a missed day is caught up once.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: 86_400_000 };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(scheduleId).update((previous) => ({
    spec,
    action,
    policies,
    state: { paused: previous.state.paused, note: previous.state.note },
  }));
  return 'updated';
}

/** What the API and the schedule need to know of the supervision settings. */
export interface SupervisionSettings {
  policy: SupervisionPolicy;
  exitPoorShareThreshold: number;
  idempotencyRetention: string;
}

export function supervisionSettings(config: Config): SupervisionSettings {
  return {
    policy: {
      objectionStaleAfter: config.SUPERVISION_OBJECTION_STALE_AFTER,
      roundStuckAfter: config.SUPERVISION_ROUND_STUCK_AFTER,
    },
    exitPoorShareThreshold: config.EXIT_POOR_SHARE_THRESHOLD,
    idempotencyRetention: config.IDEMPOTENCY_RETENTION,
  };
}

export function supervisionScheduleOptions(config: Config): SupervisionScheduleOptions {
  return {
    cron: config.SUPERVISION_CRON,
    timezone: config.SUPERVISION_TIMEZONE,
    taskQueue: config.TASK_QUEUE,
    policy: supervisionSettings(config).policy,
    idempotencyRetention: config.IDEMPOTENCY_RETENTION,
  };
}
