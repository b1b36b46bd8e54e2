// bench:worker — memory of the product's worker process per cached open round, and history events per completed
// round. The worker runs as its own process (scripts/worker.ts, as deployed) with WORKER_MAX_CACHED_WORKFLOWS large
// enough for every round; 10,000 rounds are started with the Temporal client and wait at VILLAGE_ASSESSMENT on a
// long deadline; VmRSS is read from /proc before and after. Then the recorded scenarios (happy path; objections and
// returns) run through the API and their histories are counted against Temporal's 4,096-event continue-as-new hint.
import { randomBytes } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { createApp } from '../api/app';
import { roundWorkflowId } from '../domain/constants';
import type { RoundInput } from '../domain/round';
import { createLogger } from '../infra/logger';
import { seedDemoCounty } from '../infra/seed';
import { SCENARIOS } from '../kit/scenarios';
import { roundWorkflow } from '../workflows';
import { roundStateQuery } from '../workflows/round-contract';
import { STAGE_KEY, TOWNSHIP_KEY, VILLAGE_KEY } from '../workflows/search-attributes';
import {
  benchDatabase,
  describeDevServer,
  devServerOptionsFromEnv,
  fmt,
  listen,
  log,
  eventually,
  mapLimit,
  onCleanup,
  printMachine,
  printTable,
  rssMiB,
  runBench,
  startDevServer,
  startService,
  summarize,
  verdict,
} from './support';

const ROUNDS = Number(process.env.BENCH_OPEN_ROUNDS ?? 10_000);
const WARM_UP = 100;
// Set but empty: the SDK's own default (about 2,300 on a 4 GB heap), for comparison.
const CACHE = process.env.WORKER_MAX_CACHED_WORKFLOWS ?? String(Math.ceil((ROUNDS + WARM_UP) * 1.2));
const CACHE_LABEL = CACHE === '' ? 'the SDK default' : CACHE;
const CONTINUE_AS_NEW_HINT = 4096;
const COUNTY = '620522';
const POLICY = { publicityPeriod: '7 days', stageDeadline: '90 days' };

runBench('bench:worker', async () => {
  await printMachine();
  const devServer = devServerOptionsFromEnv();
  log(`dev server: ${describeDevServer(devServer)}; worker: WORKER_MAX_CACHED_WORKFLOWS=${CACHE_LABEL}`);
  const [env, db] = await Promise.all([startDevServer(devServer), benchDatabase('jz_bench_worker')]);
  await seedDemoCounty(db.prisma);
  // One open round per village: enough villages in 100 more townships.
  const townships = Math.ceil(ROUNDS / 100);
  const pg = new PgClient({ connectionString: db.url });
  await pg.connect();
  onCleanup('pg connection', () => pg.end());
  await pg.query(
    `INSERT INTO "Township" (code, name, "countyCode") SELECT '${COUNTY}' || (200 + t), '基准' || t || '乡', '${COUNTY}'
     FROM generate_series(0, ${townships - 1}) t`,
  );
  await pg.query(
    `INSERT INTO "Village" (code, name, "townshipCode", "isPoor") SELECT '${COUNTY}' || (200 + t) || (300 + v),
       '基准' || t || '-' || v || '村', '${COUNTY}' || (200 + t), true
     FROM generate_series(0, ${townships - 1}) t, generate_series(0, 99) v`,
  );
  const newVillages = (
    await pg.query<{ code: string; townshipCode: string }>(
      `SELECT code, "townshipCode" FROM "Village" WHERE "townshipCode" >= '${COUNTY}200' ORDER BY code LIMIT ${ROUNDS}`,
    )
  ).rows;
  const demoVillages = await db.prisma.village.findMany({
    where: { townshipCode: { lt: `${COUNTY}200` } },
    select: { code: true, townshipCode: true },
    orderBy: { code: 'asc' },
  });

  // The worker as deployed: its own process, configured by the environment.
  const taskQueue = `bench-worker-${randomBytes(4).toString('hex')}`;
  const worker = await startService(
    'scripts/worker.ts',
    {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: env.address,
      TASK_QUEUE: taskQueue,
      WORKER_MAX_CACHED_WORKFLOWS: CACHE,
      LOG_LEVEL: 'warn',
    },
    (output) => output.includes('Worker polling'),
  );
  const client = env.client;
  const startedBy = {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'bench',
    role: 'COUNTY' as const,
    scopeCode: COUNTY,
  };

  async function startRounds(villages: { code: string; townshipCode: string }[]) {
    await mapLimit(villages, 50, async (v) => {
      const roundId = roundWorkflowId(v.code, 1);
      const input: RoundInput = {
        roundId,
        villageCode: v.code,
        townshipCode: v.townshipCode,
        roundNo: 1,
        policy: POLICY,
        startedBy,
      };
      await client.workflow.start(roundWorkflow, {
        workflowId: roundId,
        taskQueue,
        args: [input],
        typedSearchAttributes: [
          { key: VILLAGE_KEY, value: v.code },
          { key: TOWNSHIP_KEY, value: v.townshipCode },
          { key: STAGE_KEY, value: 'VILLAGE_ASSESSMENT' },
        ],
      });
    });
  }
  const openRounds = async () =>
    Number((await pg.query<{ n: string }>(`SELECT count(*) n FROM "Round" WHERE status = 'OPEN'`)).rows[0]!.n);

  // Warm-up rounds load the workflow bundle into the worker's V8 context before the baseline is read.
  const warm = demoVillages.slice(0, WARM_UP);
  await startRounds(warm);
  await eventually(async () => (await openRounds()) >= warm.length, 120_000, 'warm-up rounds');
  const before = await settledRss(worker.pid);
  log(`baseline after ${warm.length} rounds: RSS ${fmt(before)} MiB`);

  const t0 = performance.now();
  await startRounds(newVillages);
  const startSeconds = (performance.now() - t0) / 1000;
  await eventually(async () => (await openRounds()) >= warm.length + newVillages.length, 30 * 60_000, 'open rounds');
  const recordedSeconds = (performance.now() - t0) / 1000;
  // Each round's last workflow task (after its first activity) and the state query below must find it in cache.
  const queryMs: number[] = [];
  const sample = newVillages.filter((_, i) => i % Math.max(1, Math.floor(newVillages.length / 200)) === 0);
  await mapLimit(sample, 10, async (v) => {
    const q0 = performance.now();
    const s = await client.workflow.getHandle(roundWorkflowId(v.code, 1)).query(roundStateQuery);
    queryMs.push(performance.now() - q0);
    if (s.stage !== 'VILLAGE_ASSESSMENT') throw new Error(`${v.code} is at ${s.stage}`);
  });
  const after = await settledRss(worker.pid);
  const perRoundKiB = ((after - before) * 1024) / newVillages.length;
  const q = summarize(queryMs);
  printTable(
    `bench:worker — ${newVillages.length} open rounds on one worker process (WORKER_MAX_CACHED_WORKFLOWS=${CACHE_LABEL})`,
    ['figure', 'value'],
    [
      ['worker RSS before (MiB)', fmt(before)],
      [`worker RSS with ${newVillages.length + warm.length} open rounds (MiB)`, fmt(after)],
      ['RSS per cached open round (KiB)', fmt(perRoundKiB)],
      ['starts issued in (s)', fmt(startSeconds)],
      ['all rounds recorded in PostgreSQL after (s)', fmt(recordedSeconds)],
      ['rounds started per second', fmt(newVillages.length / recordedSeconds)],
      [`state query on ${q.n} rounds p50 / p99 (ms)`, `${fmt(q.p50)} / ${fmt(q.p99)}`],
    ],
  );

  // History events of completed rounds, driven through the API the way officials act (kit/scenarios.ts).
  const baseUrl = await listen(
    createApp({ prisma: db.prisma, client, taskQueue, logger: createLogger('error') }),
    'API',
  );
  const rows: (string | number)[][] = [];
  const rest = demoVillages.slice(WARM_UP);
  let i = 0;
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    const roundId = await scenario({ baseUrl, prisma: db.prisma }, rest[i++]!.code);
    const handle = client.workflow.getHandle(roundId);
    await handle.result().catch(() => undefined);
    const events = (await handle.fetchHistory()).events?.length ?? 0;
    rows.push([
      name,
      events,
      fmt((events / CONTINUE_AS_NEW_HINT) * 100, 1) + ' %',
      verdict(events < CONTINUE_AS_NEW_HINT / 4),
    ]);
  }
  printTable(
    `bench:worker — history events per completed round (continue-as-new is suggested at ${CONTINUE_AS_NEW_HINT})`,
    ['scenario', 'events', 'of the hint', '< 1/4 of the hint'],
    rows,
  );
});

/** RSS once it stops moving: the median of 5 samples a second apart, after two quiet seconds. */
async function settledRss(pid: number): Promise<number> {
  await new Promise((r) => setTimeout(r, 2000));
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(rssMiB(pid));
    await new Promise((r) => setTimeout(r, 1000));
  }
  return summarize(samples).p50;
}
