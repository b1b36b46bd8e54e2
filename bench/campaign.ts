// bench:campaign — the 193 demo villages through the whole procedure (publicity compressed to 1 s) driven by the
// simulated officials through the HTTP API, against a skeleton campaign → township → round tree that makes the
// same updates, timers and activity calls with empty bodies, driven the same way on the same dev server.
// Ratio = product rounds/s ÷ skeleton rounds/s (goal ≥ 0.9, issue 16; it was 0.8). Runs in ABBA order to even out
// drift. Each run also reports the CPU it cost, this process's (API, worker, officials) and the whole machine's.
import { randomBytes } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { simulateOfficials } from '../sim/officials';
import { inboxCounts } from '../api/inbox';
import type { Actor } from '../domain/round';
import { createSkeletonActivities, type Board } from './skeleton-activities';
import { createSkeletonApp } from './skeleton-api';
import {
  benchDataConverter,
  describeDevServer,
  devServerOptionsFromEnv,
  fmt,
  historyBytes,
  historyShape,
  historyTimings,
  http,
  listen,
  log,
  onCleanup,
  printMachine,
  printTable,
  cpuSeconds,
  productTuning,
  runBench,
  RequestLog,
  runWorker,
  startBenchStack,
  summarize,
  verdict,
  workflowBundle,
  simOfficials,
} from './support';

const GOAL = 0.9;
/** The inbox's counts from `a` to `b`. */
const since = (a: Run['inbox'] & object, b: Run['inbox'] & object) => ({
  memory: b.memory - a.memory,
  database: b.database - a.database,
  fences: b.fences - a.fences,
});
const PAIRS = Number(process.env.BENCH_RUNS ?? 2);
const POLICY = { publicityPeriod: '1s' };
/** Where a run's CPU went: this process (API, worker, officials), PostgreSQL, the dev server, the whole machine. */
const CPU_SOURCES = ['process', 'postgres', 'temporal', 'machine'] as const;

interface Run {
  kind: 'product' | 'skeleton';
  seconds: number;
  rounds: number;
  decisions: number;
  failures: number;
  passes: number;
  /** The product's GET /tasks answered from memory and from the database (api/inbox.ts); none for the skeleton. */
  inbox: { memory: number; database: number; fences: number } | undefined;
  historyEvents: number;
  shape: string;
  /** Seconds from POST /campaigns to each role's first and last decision answered. */
  phases: Map<string, { first: number; last: number }>;
  /** CPU seconds the run cost: this process's, and the machine's (PostgreSQL and the dev server included). */
  cpu: ReturnType<typeof cpuSeconds>;
  /** When it ran (ISO), to cut a CPU profile of the whole benchmark into runs. */
  window: [string, string];
}

// `-- --cluster`: the campaign on the dev server and on `npm run cluster` side by side (bench/campaign-cluster.ts).
const cluster = process.argv.includes('--cluster');
if (cluster) void import('./campaign-cluster');

(cluster ? () => undefined : runBench)('bench:campaign', async () => {
  await printMachine();
  const devServer = devServerOptionsFromEnv();
  log(`dev server: ${describeDevServer(devServer)}; worker options: ${JSON.stringify(productTuning())}`);
  const stack = await startBenchStack({ devServer });
  const p = stack.db.prisma;

  // Officials of every village and township and one of the county, shared by both drivers (same tokens).
  const villages = await p.village.findMany({ select: { code: true, townshipCode: true }, orderBy: { code: 'asc' } });
  const actors = new Map<string, Actor>();
  const officials = await simOfficials(p, (o) =>
    actors.set(o.token, { id: o.id, name: o.name, role: o.role, scopeCode: o.scopeCode }),
  );
  const county = officials[officials.length - 1]!;

  // The skeleton: its own bundle, worker (same options) and task queue on the same dev server, and its own API.
  const board: Board = { rounds: new Map(), campaigns: new Map(), villages: new Map() };
  for (const v of villages) board.villages.set(v.townshipCode, [...(board.villages.get(v.townshipCode) ?? []), v.code]);
  const skeletonRequests = new RequestLog();
  const skeletonQueue = `bench-skeleton-${randomBytes(4).toString('hex')}`;
  const skeletonWorker = await Worker.create({
    connection: stack.env.nativeConnection,
    namespace: stack.env.namespace ?? 'default',
    taskQueue: skeletonQueue,
    workflowBundle: await workflowBundle(require.resolve('./skeleton-workflows')),
    activities: createSkeletonActivities(board),
    // Encrypted like the product's payloads, so the ratio measures the procedure, not the codec.
    dataConverter: benchDataConverter(),
    ...productTuning(),
  });
  onCleanup('skeleton worker', runWorker(skeletonWorker));
  const skeletonUrl = await listen(
    createSkeletonApp({
      client: stack.env.client,
      taskQueue: skeletonQueue,
      board,
      officials: actors,
      requests: skeletonRequests,
    }),
    'skeleton API',
  );

  const requestTimes = { product: new Map<string, number[]>(), skeleton: new Map<string, number[]>() };
  const stepTimes = { product: new Map<string, number[]>(), skeleton: new Map<string, number[]>() };

  async function campaign(kind: Run['kind'], scope: 'ALL' | string[] = 'ALL'): Promise<Run> {
    const baseUrl = kind === 'product' ? stack.baseUrl : skeletonUrl;
    const requests = kind === 'product' ? stack.requests : skeletonRequests;
    requests.take();
    const inbox0 = kind === 'product' ? inboxCounts(p) : undefined;
    const cpu0 = cpuSeconds();
    const from = new Date().toISOString();
    const t0 = performance.now();
    const started = await http(baseUrl, county.token, 'POST', '/campaigns', {
      name: `bench ${kind}`,
      year: 2026,
      villages: scope,
      policy: POLICY,
    });
    if (started.status !== 201) throw new Error(`${kind}: POST /campaigns answered ${started.status}: ${started.text}`);
    const id = String(started.json!.campaignId);
    const phases: Run['phases'] = new Map();
    const stats = await simulateOfficials({
      baseUrl,
      officials,
      onDecision: ({ role }) => {
        const at = (performance.now() - t0) / 1000;
        phases.set(role, { first: phases.get(role)?.first ?? at, last: at });
      },
      until: async () => (await http(baseUrl, county.token, 'GET', `/campaigns/${id}`)).json?.status === 'COMPLETED',
      timeoutMs: 10 * 60_000,
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpu1 = cpuSeconds();
    const window: Run['window'] = [from, new Date().toISOString()];
    for (const [route, ms] of requests.take()) {
      requestTimes[kind].set(route, [...(requestTimes[kind].get(route) ?? []), ...ms]);
    }
    // History of one round of the campaign, to show that the skeleton mirrors the real round's shape.
    const v = villages[0]!.code;
    const roundId =
      kind === 'product'
        ? (await p.round.findFirstOrThrow({ where: { campaignId: id, villageCode: v }, select: { id: true } })).id
        : `skeleton-${id}-round-${v}-1`;
    const history = await stack.env.client.workflow.getHandle(roundId).fetchHistory();
    // Where a round's time went on the server (activities queued and run, workflow tasks), from the histories of
    // every eighth village's round of a counted run.
    if (scope === 'ALL') {
      const sampled = villages.filter((_, i) => i % 8 === 0).map((x) => x.code);
      const ids =
        kind === 'product'
          ? (
              await p.round.findMany({
                where: { campaignId: id, villageCode: { in: sampled } },
                select: { id: true },
              })
            ).map((r) => r.id)
          : sampled.map((code) => `skeleton-${id}-round-${code}-1`);
      for (const rid of ids) {
        const h = await stack.env.client.workflow.getHandle(rid).fetchHistory();
        for (const { what, ms } of historyTimings(h.events ?? []))
          stepTimes[kind].set(what, [...(stepTimes[kind].get(what) ?? []), ms]);
      }
    }
    const run: Run = {
      kind,
      seconds,
      rounds: scope === 'ALL' ? villages.length : scope.length,
      decisions: stats.decisions,
      failures: stats.failures.length,
      passes: stats.passes,
      inbox: inbox0 && since(inbox0, inboxCounts(p)!),
      historyEvents: history.events?.length ?? 0,
      shape: `${historyShape(history.events ?? [])}; ${historyBytes(history.events ?? []).line}`,
      phases,
      cpu: {
        process: cpu1.process - cpu0.process,
        postgres: cpu1.postgres - cpu0.postgres,
        temporal: cpu1.temporal - cpu0.temporal,
        machine: cpu1.machine - cpu0.machine,
      },
      window,
    };
    log(
      `${kind.padEnd(8)} ${fmt(seconds)} s, ${fmt(run.rounds / seconds, 2)} rounds/s, ${run.decisions} decisions, ` +
        `${run.failures} refused, ${run.passes} passes, CPU s ${CPU_SOURCES.map((c) => `${c} ${fmt(run.cpu[c])}`).join(', ')}, ` +
        `${window.join(' – ')}; round ${roundId}: ${run.shape}`,
    );
    return run;
  }

  // Warm-up (not counted): two villages per township through both, so neither pays for a cold start.
  const warmUp = [...board.villages.values()].flatMap((codes) => codes.slice(0, 2));
  log(`warm-up: ${warmUp.length} villages through each`);
  await campaign('skeleton', warmUp);
  await campaign('product', warmUp);
  requestTimes.product.clear();
  requestTimes.skeleton.clear();

  const runs: Run[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const order: Run['kind'][] = i % 2 === 0 ? ['skeleton', 'product'] : ['product', 'skeleton'];
    for (const kind of order) runs.push(await campaign(kind));
  }

  const rows = runs.map((r, i) => [
    `${i + 1}. ${r.kind}`,
    r.seconds,
    fmt(r.rounds / r.seconds, 2),
    r.decisions,
    r.failures,
    r.passes,
    r.inbox ? `${r.inbox.memory} / ${r.inbox.database} / ${r.inbox.fences}` : '-',
    r.historyEvents,
    ...CPU_SOURCES.map((c) => r.cpu[c]),
  ]);
  printTable(
    `bench:campaign — ${villages.length} villages, publicity ${POLICY.publicityPeriod}, simulated officials (${officials.length})`,
    [
      'run',
      'wall s',
      'rounds/s',
      'decisions',
      'refused',
      'passes',
      '/tasks memory / db / fences',
      'events/round',
      ...CPU_SOURCES.map((c) => `CPU s ${c}`),
    ],
    rows,
  );
  const total = (kind: Run['kind']) =>
    runs
      .filter((r) => r.kind === kind)
      .reduce(
        (a, r) => ({
          s: a.s + r.seconds,
          n: a.n + r.rounds,
          cpu: Object.fromEntries(CPU_SOURCES.map((c) => [c, a.cpu[c] + r.cpu[c]])) as Run['cpu'],
        }),
        { s: 0, n: 0, cpu: Object.fromEntries(CPU_SOURCES.map((c) => [c, 0])) as Run['cpu'] },
      );
  const product = total('product');
  const skeleton = total('skeleton');
  const ratio = product.n / product.s / (skeleton.n / skeleton.s);
  const pairRatios = [];
  for (let i = 0; i < PAIRS; i++) {
    const pair = runs.slice(i * 2, i * 2 + 2);
    const pr = pair.find((r) => r.kind === 'product')!;
    const sk = pair.find((r) => r.kind === 'skeleton')!;
    pairRatios.push(sk.seconds / pr.seconds);
  }
  // When each kind of official acted: the phases of a campaign, and how long each took in either.
  printTable(
    'bench:campaign — phases (s from POST /campaigns to the first and last decision of each role)',
    ['run', ...['VILLAGE', 'TOWNSHIP', 'COUNTY'].flatMap((r) => [`${r} first`, 'last']), 'done'],
    runs.map((r, i) => [
      `${i + 1}. ${r.kind}`,
      ...['VILLAGE', 'TOWNSHIP', 'COUNTY'].flatMap((role): (string | number)[] => {
        const p = r.phases.get(role);
        return p ? [p.first, p.last] : ['-', '-'];
      }),
      r.seconds,
    ]),
  );
  /** A table of samples by key, the product's beside the skeleton's: n, p50, p99 and the total or the mean. */
  const sideBySide = (
    title: string,
    key: string,
    times: typeof requestTimes,
    last: { name: string; of: (ms: number[]) => number; digits: number },
  ) => {
    const keys = [...new Set([...times.product.keys(), ...times.skeleton.keys()])].sort();
    const cells = (ms: number[] | undefined) => {
      if (!ms) return ['-', '-', '-', '-'];
      const st = summarize(ms);
      return [String(st.n), fmt(st.p50, last.digits), fmt(st.p99, last.digits), fmt(last.of(ms))];
    };
    printTable(
      title,
      [key, 'product n', 'p50', 'p99', last.name, 'skeleton n', 'p50', 'p99', last.name],
      keys.map((k) => [k, ...cells(times.product.get(k)), ...cells(times.skeleton.get(k))]),
    );
  };
  const sum = (ms: number[]) => ms.reduce((a, b) => a + b, 0);
  // Where the time goes: the server-side time of each route the officials called, summed over the counted runs.
  sideBySide('bench:campaign — server time per route (ms; total in s)', 'route', requestTimes, {
    name: 'total s',
    of: (ms) => sum(ms) / 1000,
    digits: 0,
  });
  sideBySide(
    'bench:campaign — a round on the server (ms, from the histories of every eighth round of the counted runs)',
    'step',
    stepTimes,
    { name: 'mean', of: (ms) => sum(ms) / ms.length, digits: 1 },
  );
  printTable(
    'bench:campaign — result',
    ['figure', 'product', 'skeleton', 'ratio', 'goal', 'verdict'],
    [
      [
        'rounds/s (all runs)',
        fmt(product.n / product.s, 2),
        fmt(skeleton.n / skeleton.s, 2),
        fmt(ratio, 2),
        `≥ ${GOAL}`,
        verdict(ratio >= GOAL),
      ],
      ['ratio per pair', '', '', pairRatios.map((r) => fmt(r, 2)).join(' '), '', ''],
      // Not a goal: what a round costs in CPU, so a change can be judged by its cost as well as by the wall time.
      ...CPU_SOURCES.map((c) => [
        `CPU ms per round, ${c}`,
        fmt((product.cpu[c] / product.n) * 1000, 0),
        fmt((skeleton.cpu[c] / skeleton.n) * 1000, 0),
        fmt(product.cpu[c] / product.n / (skeleton.cpu[c] / skeleton.n), 2),
        '',
        '',
      ]),
    ],
  );
});
