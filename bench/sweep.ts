// npx tsx bench/sweep.ts [households...]   (default: 10000 100000 1000000)
//
// Times the supervision sweep two ways over the same synthetic registry of national shape (bench/sweep-registry.ts:
// per 1,000,000 households 128,000 villages in 40,000 townships, 3,000 open rounds with objections, 10,000
// Idempotency-Key records of the last 14 days), generated once per size and copied into a second database:
//   - SQL only: `sweepKind` (activities/supervision.ts) for each kind of finding, called directly on the first copy;
//   - the whole workflow: `supervisionSweepWorkflow` (workflows/sweep.ts) started with the Temporal client on a
//     Temporal dev server (bench/support.ts startDevServer, the benchmarks' data converter) and run by the product's
//     worker (infra/worker.ts createWorker, the product's tuning) bound to the second copy, with the input the
//     Schedule gives it (infra/schedule.ts scheduledSweepInput); timed from start to result: every kind's activity,
//     the escalation signals to the rounds, the purge of old Idempotency-Key records, and Temporal's own cost.
// Each open round of the registry has a stand-in workflow under its id on a task queue no worker polls, so each
// escalation is a real signal that the server records (the round's own handling of it is not part of the sweep).
// Three sweeps per size, each both ways:
//   1. first   — every finding is new (inserts, signals, and the purge of half the Idempotency-Key records)
//   2. steady  — nothing changed (every open finding seen again, none closed)
//   3. cleared — half the households without a cadre get one, half the stale objections are resolved (closes)
// Per size it prints each step's seconds side by side (a workflow step: its activity, scheduled → completed, from
// the history) and the ratio workflow ÷ SQL only. Set BENCH_KEEP=1 to keep the databases.
import { randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { sweepKind } from '../activities/supervision';
import {
  chinaYear,
  DEFAULT_SUPERVISION_POLICY,
  FINDING_KINDS,
  type FindingKind,
  type KindCounts,
  type SweepSummary,
} from '../domain/supervision';
import { loadConfig } from '../infra/config';
import type { PrismaClient } from '../infra/db';
import { scheduledSweepInput, supervisionScheduleOptions } from '../infra/schedule';
import { supervisionSweepWorkflow } from '../workflows';
import { SWEEP_WORKFLOW_ID } from '../workflows/sweep-contract';
import { activitySeconds } from './sweep-history';
import { clearHalf, registryPair, shape } from './sweep-registry';
import {
  describeDevServer,
  devServerOptionsFromEnv,
  fmt,
  log,
  mapLimit,
  printMachine,
  printTable,
  productTuning,
  runBench,
  startDevServer,
  startProductWorker,
  verdict,
  workflowBundle,
} from './support';

const PHASES = ['first', 'steady', 'cleared'] as const;
type Phase = (typeof PHASES)[number];

// Exactly what the daily Schedule starts the sweep with, from the same environment.
const INPUT = scheduledSweepInput(supervisionScheduleOptions(loadConfig()));
const POLICY = { ...DEFAULT_SUPERVISION_POLICY, ...INPUT.policy };

interface SqlSweep {
  seconds: number;
  kinds: Record<FindingKind, KindCounts & { seconds: number }>;
}

interface WorkflowSweep {
  /** Start → result, as the client sees it. */
  seconds: number;
  summary: SweepSummary;
  /** Each activity's time in the history (scheduled → completed), by step: a finding kind, escalate, purge. */
  steps: Map<string, number>;
}

/** One SQL-only sweep: every kind in turn, as the workflow runs them, at this moment. */
async function sqlSweep(p: PrismaClient, sweepId: string): Promise<SqlSweep> {
  const at = new Date();
  const kinds = {} as SqlSweep['kinds'];
  let seconds = 0;
  for (const kind of FINDING_KINDS) {
    const t0 = performance.now();
    const c = await sweepKind(p, { kind, sweepId, at: at.toISOString(), year: chinaYear(at), policy: POLICY });
    kinds[kind] = { seconds: (performance.now() - t0) / 1000, ...c };
    seconds += kinds[kind].seconds;
  }
  return { seconds, kinds };
}

async function workflowSweep(env: TestWorkflowEnvironment, taskQueue: string, label: string): Promise<WorkflowSweep> {
  const t0 = performance.now();
  const handle = await env.client.workflow.start(supervisionSweepWorkflow, {
    workflowId: `${SWEEP_WORKFLOW_ID}-bench-${label}-${randomBytes(3).toString('hex')}`,
    taskQueue,
    args: [INPUT],
  });
  const summary = await handle.result();
  const seconds = (performance.now() - t0) / 1000;
  const steps = activitySeconds((await handle.fetchHistory()).events ?? []);
  return { seconds, summary, steps };
}

/** A workflow under each open round's id on a task queue no worker polls: the escalations' signals land. */
async function standInRounds(env: TestWorkflowEnvironment, p: PrismaClient): Promise<number> {
  const rounds = await p.round.findMany({ where: { status: 'OPEN' }, select: { id: true } });
  const taskQueue = `bench-sweep-rounds-${randomBytes(4).toString('hex')}`;
  await mapLimit(rounds, 20, async (r) => {
    try {
      await env.client.workflow.start('roundWorkflow', { workflowId: r.id, taskQueue, args: [] });
    } catch (err) {
      // The same round id in a smaller registry of this run: its stand-in still takes signals.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  });
  return rounds.length;
}

interface SizeResult {
  households: number;
  sql: Record<Phase, SqlSweep>;
  workflow: Record<Phase, WorkflowSweep>;
}

async function benchOne(
  env: TestWorkflowEnvironment,
  bundle: Awaited<ReturnType<typeof workflowBundle>>,
  households: number,
): Promise<SizeResult> {
  const s = shape(households);
  const now = new Date();
  const dbs = await registryPair(s, now, process.env.BENCH_KEEP === '1');
  log(`\n== ${households.toLocaleString('en')} households (generated in ${fmt(dbs.genSeconds)} s) ==`);
  log(
    `   ${Object.entries(dbs.rows)
      .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
      .join(', ')}`,
  );
  log(`   round stand-ins: ${await standInRounds(env, dbs.workflow.prisma)}`);
  const taskQueue = `bench-sweep-${randomBytes(4).toString('hex')}`;
  const worker = await startProductWorker(env, dbs.workflow.url, bundle, taskQueue);
  const sql = {} as SizeResult['sql'];
  const workflow = {} as SizeResult['workflow'];
  try {
    for (const phase of PHASES) {
      if (phase === 'cleared') await Promise.all([clearHalf(dbs.sql.prisma, now), clearHalf(dbs.workflow.prisma, now)]);
      sql[phase] = await sqlSweep(dbs.sql.prisma, `bench-${phase}`);
      workflow[phase] = await workflowSweep(env, taskQueue, `${households}-${phase}`);
    }
  } finally {
    await worker.stop();
  }
  printSize({ households, sql, workflow });
  return { households, sql, workflow };
}

function printSize(r: SizeResult) {
  const cells = (step: string, sqlSeconds: (p: Phase) => number | undefined) =>
    PHASES.flatMap((p) => [fmt(sqlSeconds(p) ?? NaN, 3), fmt(r.workflow[p].steps.get(step) ?? NaN, 3)]);
  const ratio = (p: Phase) => r.workflow[p].seconds / r.sql[p].seconds;
  printTable(
    `bench:sweep — ${r.households.toLocaleString('en')} households: seconds per step, SQL only beside the workflow ` +
      `(its activity, scheduled → completed)`,
    ['step', ...PHASES.flatMap((p) => [`${p} SQL`, `${p} wf`])],
    [
      ...FINDING_KINDS.map((kind) => [kind, ...cells(kind, (p) => r.sql[p].kinds[kind].seconds)]),
      ['escalation signals', ...cells('escalateFindingsToRounds', () => undefined)],
      ['purge Idempotency-Key records', ...cells('purgeIdempotencyRecords', () => undefined)],
      [
        'whole sweep (wf: start → result)',
        ...PHASES.flatMap((p) => [fmt(r.sql[p].seconds, 3), fmt(r.workflow[p].seconds, 3)]),
      ],
      [
        'Temporal (wf: the rest)',
        ...PHASES.flatMap((p) => {
          const activities = [...r.workflow[p].steps.values()].reduce((a, b) => a + b, 0);
          return ['', fmt(r.workflow[p].seconds - activities, 3)];
        }),
      ],
      ['workflow ÷ SQL only', ...PHASES.flatMap((p) => ['', fmt(ratio(p), 2)])],
    ],
  );
  const counts = (p: Phase, key: keyof KindCounts) => {
    const sum = (k: Partial<Record<FindingKind, KindCounts>>) =>
      Object.values(k).reduce((a, c) => a + (c?.[key] ?? 0), 0);
    return `${sum(r.sql[p].kinds)} / ${sum(r.workflow[p].summary.byKind)}`;
  };
  printTable(
    `bench:sweep — ${r.households.toLocaleString('en')} households: what each sweep did (SQL only / workflow)`,
    ['sweep', 'opened', 'seen again', 'closed', 'signals sent', 'records purged'],
    PHASES.map((p) => [
      p,
      counts(p, 'opened'),
      counts(p, 'stillOpen'),
      counts(p, 'closed'),
      `- / ${r.workflow[p].summary.escalatedToRounds}`,
      `- / ${r.workflow[p].summary.idempotencyRecordsPurged ?? '-'}`,
    ]),
  );
}

runBench('bench:sweep', async () => {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const list = sizes.length ? sizes : [10_000, 100_000, 1_000_000];
  await printMachine();
  const devServer = devServerOptionsFromEnv();
  log(`dev server: ${describeDevServer(devServer)}; worker options: ${JSON.stringify(productTuning())}`);
  log(`sweep input (as the Schedule starts it): ${JSON.stringify(INPUT)}`);
  const [env, bundle] = await Promise.all([startDevServer(devServer), workflowBundle(require.resolve('../workflows'))]);
  const results: SizeResult[] = [];
  for (const n of list) results.push(await benchOne(env, bundle, n));

  printTable(
    `bench:sweep — summary: seconds for a whole sweep, SQL only (${FINDING_KINDS.length} kinds) and the workflow (start → result)`,
    ['households', 'sweep', 'SQL only s', 'workflow s', 'workflow ÷ SQL', 'signals', 'purged'],
    results.flatMap((r) =>
      PHASES.map((p) => [
        r.households.toLocaleString('en'),
        p,
        fmt(r.sql[p].seconds, 3),
        fmt(r.workflow[p].seconds, 3),
        fmt(r.workflow[p].seconds / r.sql[p].seconds, 2),
        String(r.workflow[p].summary.escalatedToRounds),
        String(r.workflow[p].summary.idempotencyRecordsPurged ?? '-'),
      ]),
    ),
  );
  // Goal: the whole workflow grows no faster than the registry (first sweep, each size against the one before).
  const growth = results.slice(1).map((r, i) => {
    const prev = results[i]!;
    const size = r.households / prev.households;
    const time = r.workflow.first.seconds / prev.workflow.first.seconds;
    return [
      `${prev.households.toLocaleString('en')} → ${r.households.toLocaleString('en')}`,
      fmt(size, 1) + '×',
      fmt(time, 1) + '×',
      verdict(time <= size),
    ];
  });
  if (growth.length) {
    printTable(
      'bench:sweep — growth of the whole workflow, first sweep',
      ['households', 'size', 'time', '≤ linear'],
      growth,
    );
  }
});
