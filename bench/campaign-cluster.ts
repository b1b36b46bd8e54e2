// bench:campaign -- --cluster: the same campaign (the 193 demo villages, publicity 1 s, simulated officials through
// the HTTP API) on the dev server (in-process worker and API, state in SQLite) and on `npm run cluster` (Temporal's
// own server as four processes on PostgreSQL; one worker and one API process, for a like-for-like count), side by
// side in one run, in ABBA order. Ratio = cluster rounds/s ÷ dev-server rounds/s.
import { simulateOfficials, type SimOfficial } from '../sim/officials';
import { startCluster } from '../kit/cluster';
import {
  benchEnv,
  fmt,
  http,
  log,
  onCleanup,
  printMachine,
  printTable,
  runBench,
  startBenchStack,
  simOfficials,
} from './support';

const PAIRS = Number(process.env.BENCH_RUNS ?? 1);
const POLICY = { publicityPeriod: '1s' };

type Backend = 'dev server' | 'cluster';

runBench('bench:campaign --cluster', async () => {
  await printMachine();
  benchEnv();
  const dev = await startBenchStack();
  log('starting npm run cluster (1 worker, 1 API)...');
  const cluster = await startCluster('bench', { CLUSTER_WORKERS: '1', CLUSTER_APIS: '1', LOG_LEVEL: 'warn' });
  onCleanup('cluster', () => cluster.destroy());
  const backends: Record<Backend, { baseUrl: string; officials: SimOfficial[] }> = {
    'dev server': { baseUrl: dev.baseUrl, officials: await simOfficials(dev.db.prisma) },
    cluster: { baseUrl: cluster.state().apis[0]!.url, officials: await simOfficials(cluster.db.prisma) },
  };
  const villages = await dev.db.prisma.village.count();

  async function campaign(backend: Backend) {
    const { baseUrl, officials } = backends[backend];
    const county = officials[officials.length - 1]!;
    const t0 = performance.now();
    const started = await http(baseUrl, county.token, 'POST', '/campaigns', {
      name: `bench ${backend}`,
      year: 2026,
      villages: 'ALL',
      policy: POLICY,
    });
    if (started.status !== 201) throw new Error(`${backend}: POST /campaigns answered ${started.status}`);
    const id = String(started.json!.campaignId);
    const stats = await simulateOfficials({
      baseUrl,
      officials,
      until: async () => (await http(baseUrl, county.token, 'GET', `/campaigns/${id}`)).json?.status === 'COMPLETED',
      timeoutMs: 15 * 60_000,
    });
    const seconds = (performance.now() - t0) / 1000;
    log(
      `${backend.padEnd(10)} ${fmt(seconds)} s, ${fmt(villages / seconds, 2)} rounds/s, ${stats.decisions} decisions`,
    );
    return { backend, seconds, decisions: stats.decisions, refused: stats.failures.length };
  }

  const runs: Awaited<ReturnType<typeof campaign>>[] = [];
  for (let i = 0; i < PAIRS; i++) {
    for (const b of ['dev server', 'cluster', 'cluster', 'dev server'] as const) runs.push(await campaign(b));
  }
  printTable(
    `bench:campaign --cluster — ${villages} villages, publicity ${POLICY.publicityPeriod}, simulated officials`,
    ['run', 'wall s', 'rounds/s', 'decisions', 'refused'],
    runs.map((r, i) => [
      `${i + 1}. ${r.backend}`,
      fmt(r.seconds),
      fmt(villages / r.seconds, 2),
      r.decisions,
      r.refused,
    ]),
  );
  const rate = (b: Backend) => {
    const rs = runs.filter((r) => r.backend === b);
    return (rs.length * villages) / rs.reduce((a, r) => a + r.seconds, 0);
  };
  printTable(
    'bench:campaign --cluster — result',
    ['figure', 'dev server', 'cluster', 'ratio'],
    [
      [
        'rounds/s (all runs)',
        fmt(rate('dev server'), 2),
        fmt(rate('cluster'), 2),
        fmt(rate('cluster') / rate('dev server'), 2),
      ],
    ],
  );
});
