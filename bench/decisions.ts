// bench:decisions — latency of decision POSTs under 50 concurrent officials, against raw executeUpdate calls of
// the same update with the same payload shape on equivalent rounds, from the API's own Temporal client, in the
// same run. Two kinds of decision: the village assessment (the heaviest write: proposals, a notice) and filing an
// objection during a long publicity (repeatable, so it gives many samples). Blocks alternate HTTP and raw.
// Goal: p99(HTTP) ÷ p99(raw) ≤ 1.5.
import { randomUUID } from 'node:crypto';
import { makeIdNumber } from '../domain/idNumber';
import type { Actor, ProposalInput } from '../domain/round';
import { createOfficial } from '../infra/officials';
import { meeting } from '../kit/rounds';
import { fileObjectionUpdate, submitAssessmentUpdate } from '../workflows/round-contract';
import {
  describeDevServer,
  devServerOptionsFromEnv,
  fmt,
  http,
  log,
  mapLimit,
  printMachine,
  printTable,
  productTuning,
  runBench,
  startBenchStack,
  summarize,
  verdict,
} from './support';

const OFFICIALS = 50;
const GOAL = 1.5;
/**
 * Assessment batches (each: 50 rounds per path, one assessment each). 20 batches give 1,000 samples per path, so
 * that a p99 is the 990th of 1,000 and not the maximum (issue 16); objections give 4 × 5 × 50 = 1,000 per path.
 */
const ASSESSMENT_BATCHES = Number(process.env.BENCH_ASSESSMENT_BATCHES ?? 20);
const MIN_SAMPLES = 1000;
/** Objection blocks per path; each block is 5 objections per official, back to back. */
const OBJECTION_BLOCKS = Number(process.env.BENCH_OBJECTION_BLOCKS ?? 4);
const PER_BLOCK = 5;
const POLICY = { publicityPeriod: '1 hour', stageDeadline: '1 hour' };

const objector = { name: '王五', contact: '13912345678' };

type Path = 'http' | 'raw';
interface Lane {
  path: Path;
  villageCode: string;
  token: string;
  actor: Actor;
  roundId?: string;
  proposalId?: string;
}

runBench('bench:decisions', async () => {
  await printMachine();
  const devServer = devServerOptionsFromEnv();
  log(`dev server: ${describeDevServer(devServer)}; worker options: ${JSON.stringify(productTuning())}`);
  const stack = await startBenchStack({ devServer });
  const p = stack.db.prisma;
  const client = stack.env.client;

  const villages = await p.village.findMany({ select: { code: true }, orderBy: { code: 'asc' }, take: OFFICIALS * 2 });
  const county = await createOfficial(p, { role: 'COUNTY', scopeCode: '620522', name: '县扶贫办' });
  const lanes: Lane[] = await Promise.all(
    villages.map(async (v, i) => {
      const o = await createOfficial(p, { role: 'VILLAGE', scopeCode: v.code, name: `村委会 ${v.code}` });
      return {
        path: i % 2 === 0 ? 'http' : 'raw',
        villageCode: v.code,
        token: o.token,
        actor: { id: o.id, name: o.name, role: o.role, scopeCode: o.scopeCode },
      } satisfies Lane;
    }),
  );
  const byPath = (path: Path) => lanes.filter((l) => l.path === path);

  let idSeq = Math.floor(Math.random() * 100_000);
  async function proposalsFor(villageCode: string): Promise<Omit<ProposalInput, 'id'>[]> {
    const h = await p.household.findFirstOrThrow({
      where: { villageCode, status: 'REGISTERED' },
      orderBy: { registryNo: 'asc' },
    });
    idSeq++;
    return [
      {
        action: 'EXIT',
        householdId: h.id,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 20,
        votesAgainst: 2,
      },
      {
        action: 'ENTER',
        entryReason: 'NEW_IDENTIFIED',
        household: {
          headName: '新户' + idSeq,
          idNumber: makeIdNumber(
            '620599',
            { y: 1960 + (idSeq % 40), m: 1 + (idSeq % 12), d: 1 + (idSeq % 28) },
            idSeq % 1000,
          ),
          size: 3,
        },
        category: 'TARGETED',
        cause: 'ILLNESS',
        votesFor: 18,
        votesAgainst: 3,
      },
    ];
  }

  async function startRounds() {
    await mapLimit(lanes, 10, async (l) => {
      const r = await http(stack.baseUrl, county.token, 'POST', '/rounds', {
        villageCode: l.villageCode,
        policy: POLICY,
      });
      if (r.status !== 201) throw new Error(`POST /rounds ${l.villageCode}: ${r.status} ${r.text}`);
      l.roundId = String(r.json!.roundId);
    });
  }

  async function cancelRounds() {
    await mapLimit(lanes, 10, async (l) => {
      const r = await http(stack.baseUrl, county.token, 'POST', `/rounds/${l.roundId}/cancel`, { reason: 'bench' });
      if (r.status !== 200) throw new Error(`cancel ${l.roundId}: ${r.status} ${r.text}`);
    });
  }

  /** One decision by one official; returns its latency in ms. */
  async function assess(l: Lane): Promise<number> {
    const proposals = await proposalsFor(l.villageCode);
    if (l.path === 'http') {
      const r = await http(stack.baseUrl, l.token, 'POST', `/rounds/${l.roundId}/assessment`, { meeting, proposals });
      if (r.status !== 200) throw new Error(`assessment ${l.roundId}: ${r.status} ${r.text}`);
      l.proposalId = String((r.json!.proposals as { id: string }[])[0]!.id);
      return r.ms;
    }
    const withIds = proposals.map((x) => ({ ...x, id: randomUUID() }));
    const t0 = performance.now();
    await client.workflow
      .getHandle(l.roundId!)
      .executeUpdate(submitAssessmentUpdate, { args: [{ actor: l.actor, meeting, proposals: withIds }] });
    l.proposalId = withIds[0]!.id;
    return performance.now() - t0;
  }

  async function object(l: Lane): Promise<number> {
    const reason = '该户家中有经营性车辆，收入情况与申报不符';
    if (l.path === 'http') {
      const r = await http(stack.baseUrl, l.token, 'POST', `/rounds/${l.roundId}/objections`, {
        proposalId: l.proposalId,
        objector,
        reason,
      });
      if (r.status !== 201) throw new Error(`objection ${l.roundId}: ${r.status} ${r.text}`);
      return r.ms;
    }
    const t0 = performance.now();
    await client.workflow.getHandle(l.roundId!).executeUpdate(fileObjectionUpdate, {
      args: [{ actor: l.actor, objectionId: randomUUID(), proposalId: l.proposalId, objector, reason }],
    });
    return performance.now() - t0;
  }

  const samples = { assessment: { http: [] as number[], raw: [] as number[] }, objection: { http: [], raw: [] } } as {
    assessment: Record<Path, number[]>;
    objection: Record<Path, number[]>;
  };

  // Assessments: each batch opens 100 rounds, 50 officials decide at once per path (order alternates).
  for (let b = 0; b < ASSESSMENT_BATCHES; b++) {
    if (b > 0) await cancelRounds();
    await startRounds();
    const order: Path[] = b % 2 === 0 ? ['http', 'raw'] : ['raw', 'http'];
    for (const path of order) {
      const ms = await Promise.all(byPath(path).map((l) => assess(l)));
      samples.assessment[path].push(...ms);
    }
    log(`assessment batch ${b + 1}/${ASSESSMENT_BATCHES} done`);
  }

  // Objections: the rounds of the last batch are in a one-hour publicity. One warm-up objection per official.
  await Promise.all(lanes.map((l) => object(l)));
  for (let b = 0; b < OBJECTION_BLOCKS * 2; b++) {
    const path: Path = [0, 3].includes(b % 4) ? 'http' : 'raw';
    const ms = await Promise.all(
      byPath(path).map(async (l) => {
        const out: number[] = [];
        for (let k = 0; k < PER_BLOCK; k++) out.push(await object(l));
        return out;
      }),
    );
    samples.objection[path].push(...ms.flat());
  }
  log(`objection blocks done (${OBJECTION_BLOCKS} per path × ${PER_BLOCK} per official)`);

  const rows: (string | number)[][] = [];
  const verdicts: boolean[] = [];
  for (const kind of ['assessment', 'objection'] as const) {
    const h = summarize(samples[kind].http);
    const r = summarize(samples[kind].raw);
    rows.push([`${kind}: HTTP POST`, h.n, h.p50, h.p95, h.p99, h.max, '', '']);
    rows.push([`${kind}: raw executeUpdate`, r.n, r.p50, r.p95, r.p99, r.max, '', '']);
    const ratio = h.p99 / r.p99;
    // Too few samples and the p99 is the slowest one or two: no verdict on that.
    const enough = Math.min(h.n, r.n) >= MIN_SAMPLES;
    verdicts.push(ratio <= GOAL && enough);
    rows.push([
      `${kind}: ratio HTTP/raw`,
      '',
      fmt(h.p50 / r.p50, 2),
      fmt(h.p95 / r.p95, 2),
      fmt(ratio, 2),
      '',
      `p99 ≤ ${GOAL}`,
      enough ? verdict(ratio <= GOAL) : `not judged (< ${MIN_SAMPLES} samples)`,
    ]);
  }
  printTable(
    `bench:decisions — ${OFFICIALS} concurrent officials per path; latency in ms`,
    ['decision', 'n', 'p50', 'p95', 'p99', 'max', 'goal', 'verdict'],
    rows,
  );
  log(`\noverall: ${verdict(verdicts.every(Boolean))}`);
});
