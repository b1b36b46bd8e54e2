// soak (`npm run soak -- --minutes N`, not in CI): county campaigns over the 193 demo villages (publicity 1 s) in a
// loop on `npm run cluster` (two workers, two APIs; the simulated officials use them in turn), one worker
// SIGKILLed every 60 s (the supervisor starts it again). At the end: every round completed with each decision
// recorded once (none lost, none doubled), the registry changed exactly by what was announced. Prints rounds
// completed and p99 decision latency per 5 minutes, and the workers' RSS over time.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { simulateOfficials } from '../sim/officials';
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
  summarize,
  simOfficials,
} from './support';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' } } });
const MINUTES = Number(values.minutes);
const KILL_EVERY_MS = 60_000;
const WINDOW_MS = 5 * 60_000;

function rssMiB(pid: number | undefined): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

runBench('soak', async () => {
  if (!(MINUTES > 0)) throw new Error('--minutes must be a positive number');
  await printMachine();
  benchEnv();
  const run = await startCluster('soak', { CLUSTER_WORKERS: '2', CLUSTER_APIS: '2' });
  onCleanup('cluster', () => run.destroy());
  const p = run.db.prisma;
  const officials = await simOfficials(p);
  const county = officials[officials.length - 1]!;
  const villages = await p.village.count();
  const started = Date.now();
  const deadline = started + MINUTES * 60_000;

  // Decision latency: the time of every decision POST (the sim's fetch), by 5-minute window.
  const latencies = new Map<number, number[]>();
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const t0 = performance.now();
    const res = await realFetch(input, init);
    if (
      init?.method === 'POST' &&
      /\/rounds\/[^/]+\/(assessment|township-review|county-announcement)$/.test(String(input))
    ) {
      const w = Math.floor((Date.now() - started) / WINDOW_MS);
      latencies.set(w, [...(latencies.get(w) ?? []), performance.now() - t0]);
    }
    return res;
  };
  /** Accepted decisions per round and kind, as the officials saw them. */
  const accepted = new Map<string, number>();

  // A worker killed every minute, alternately; RSS sampled every 30 s.
  const kills: { at: number; pid: number }[] = [];
  const rss: { minute: number; workers: (number | undefined)[] }[] = [];
  let k = 0;
  const killer = setInterval(() => {
    const pid = run.state().workers[k++ % 2];
    if (pid === undefined) return;
    try {
      process.kill(pid, 'SIGKILL');
      kills.push({ at: Date.now() - started, pid });
    } catch {
      // it was being restarted
    }
  }, KILL_EVERY_MS);
  const sampler = setInterval(() => {
    rss.push({ minute: (Date.now() - started) / 60_000, workers: run.state().workers.map(rssMiB) });
  }, 30_000);
  onCleanup('timers', async () => {
    clearInterval(killer);
    clearInterval(sampler);
  });

  const campaigns: { id: string; seconds: number; finishedAt: number }[] = [];
  while (Date.now() < deadline) {
    const t0 = Date.now();
    const baseUrl = run.nextBaseUrl();
    const res = await http(baseUrl, county.token, 'POST', '/campaigns', {
      name: `soak ${campaigns.length + 1}`,
      year: 2026,
      villages: 'ALL',
      policy: { publicityPeriod: '1s' },
    });
    if (res.status !== 201) throw new Error(`POST /campaigns answered ${res.status}: ${res.text}`);
    const id = String(res.json!.campaignId);
    await simulateOfficials({
      baseUrl: run.nextBaseUrl(),
      officials,
      until: async () =>
        (await http(run.nextBaseUrl(), county.token, 'GET', `/campaigns/${id}`)).json?.status === 'COMPLETED',
      timeoutMs: 30 * 60_000,
      onDecision: (d) => {
        if (d.status === 200) accepted.set(`${d.roundId}/${d.role}`, (accepted.get(`${d.roundId}/${d.role}`) ?? 0) + 1);
      },
    });
    campaigns.push({ id, seconds: (Date.now() - t0) / 1000, finishedAt: Date.now() - started });
    log(
      `campaign ${campaigns.length}: ${villages} rounds in ${fmt((Date.now() - t0) / 1000)} s; ${kills.length} kills so far`,
    );
  }
  clearInterval(killer);
  clearInterval(sampler);

  // Every round completed, each decision recorded once, the registry changed exactly by the announced proposals.
  const rounds = await p.round.findMany({ include: { decisions: true, proposals: true } });
  const changes = new Map(
    (await p.registryChange.groupBy({ by: ['roundId'], _count: { _all: true } })).map((g) => [
      g.roundId,
      g._count._all,
    ]),
  );
  const problems: string[] = [];
  for (const r of rounds) {
    if (r.status !== 'COMPLETED') problems.push(`${r.id}: ${r.status}`);
    const kinds = (k: string) => r.decisions.filter((d) => d.kind === k).length;
    for (const k of ['ASSESSMENT_SUBMITTED', 'TOWNSHIP_REVIEW', 'COUNTY_ANNOUNCEMENT'])
      if (kinds(k) !== 1) problems.push(`${r.id}: ${kinds(k)} × ${k}`);
    const seqs = r.decisions.map((d) => d.seq).sort((a, b) => a - b);
    if (seqs.some((s, i) => s !== i + 1)) problems.push(`${r.id}: decision seqs ${seqs.join(',')}`);
    const applied = r.proposals.filter((x) => x.status === 'APPLIED');
    if ((changes.get(r.id) ?? 0) !== applied.length)
      problems.push(`${r.id}: ${changes.get(r.id) ?? 0} registry changes for ${applied.length} applied proposals`);
    for (const role of ['VILLAGE', 'TOWNSHIP', 'COUNTY'])
      if ((accepted.get(`${r.id}/${role}`) ?? 0) !== 1)
        problems.push(`${r.id}: ${accepted.get(`${r.id}/${role}`) ?? 0} accepted ${role} decisions`);
  }

  printTable(
    `soak — ${MINUTES} min, ${campaigns.length} campaigns × ${villages} villages, a worker SIGKILLed every 60 s (${kills.length} kills)`,
    ['window', 'rounds completed', 'decisions', 'p50 ms', 'p99 ms'],
    [...latencies.keys()]
      .sort((a, b) => a - b)
      .map((w) => {
        const s = summarize(latencies.get(w)!);
        const done = campaigns.filter((c) => Math.floor(c.finishedAt / WINDOW_MS) === w).length * villages;
        return [`${w * 5}-${w * 5 + 5} min`, done, s.n, fmt(s.p50, 0), fmt(s.p99, 0)];
      }),
  );
  printTable(
    'soak — worker RSS (MiB)',
    ['minute', 'worker 1', 'worker 2'],
    rss.filter((_, i) => i % 4 === 0).map((s) => [fmt(s.minute, 1), ...s.workers.map((m) => (m ? fmt(m, 0) : '-'))]),
  );
  printTable(
    'soak — result',
    ['figure', 'value'],
    [
      ['rounds completed', rounds.filter((r) => r.status === 'COMPLETED').length],
      ['rounds in the database', rounds.length],
      ['decisions lost or doubled, registry mismatches', problems.length],
      ['requests per API', run.requestsPerApi.join(' / ')],
    ],
  );
  for (const line of problems.slice(0, 20)) log(`  problem: ${line}`);
  if (problems.length > 0) throw new Error(`${problems.length} problems`);
});
