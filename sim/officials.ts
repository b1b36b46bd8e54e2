// Simulated officials: acts as every official of a campaign would, through the HTTP API only — each village
// submits its assessment, each township approves and resolves objections, the county announces. Used by the
// campaign tests and the benchmarks; `npx tsx sim/run.ts` drives a running stack.
import { makeIdNumber } from '../domain/idNumber';

export interface SimOfficial {
  role: 'VILLAGE' | 'TOWNSHIP' | 'COUNTY';
  scopeCode: string;
  token: string;
}

export interface SimOptions {
  baseUrl: string;
  officials: SimOfficial[];
  /** Villages whose officials do not act (a round deliberately left late) until `release` is called. */
  lateVillages?: Set<string>;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Stop when this returns true (checked after every pass). */
  until: () => Promise<boolean>;
  /** Give up after this long. */
  timeoutMs?: number;
  /** Called with every decision made, for the caller's own bookkeeping. */
  onDecision?: (d: { role: string; roundId: string; kind: string; status: number }) => void;
  /** One new household ENTER per village assessment (valid, unique ID numbers). */
  withEntries?: boolean;
  /** Every village's meeting concludes that nothing changes (an empty "no change" list). */
  noChange?: boolean;
}

export interface SimStats {
  passes: number;
  decisions: number;
  failures: { roundId: string; kind: string; status: number; detail: string }[];
  ms: number;
}

interface Task {
  kind: string;
  roundId: string;
  villageCode: string;
  stage: string;
  objectionId?: string;
}

const NO_CHANGE_MEETING = { heldOn: '2026-11-28', representativesPresent: 25, representativesTotal: 30 };

const MET = { foodClothing: true, education: true, medical: true, housing: true, drinkingWater: true };
/** Facts of a household stably above the 2019 and 2020 lines with every indicator met (an exit as REACHED_STANDARD). */
const EXIT_FACTS = {
  incomes: [
    { year: 2019, perCapita: 4200 },
    { year: 2020, perCapita: 5100 },
  ],
  indicators: { ...MET, assessedOn: '2020-12-01' },
};
/** Facts of a new household below the 2020 line in unsafe housing (an entry). */
const ENTRY_FACTS = {
  incomes: [{ year: 2020, perCapita: 3100 }],
  indicators: { ...MET, housing: false, assessedOn: '2020-12-01' },
};

async function call(baseUrl: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json: json as Record<string, unknown> | undefined, text };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

// Random start so that runs against the same database do not propose the same new households.
let entrySeq = Math.floor(Math.random() * 20_000);

export async function simulateOfficials(options: SimOptions): Promise<SimStats> {
  const started = Date.now();
  const stats: SimStats = { passes: 0, decisions: 0, failures: [], ms: 0 };
  const limit = options.concurrency ?? 8;
  const deadline = started + (options.timeoutMs ?? 10 * 60_000);
  const acted = new Set<string>();

  const act = async (o: SimOfficial, t: Task) => {
    if (o.role === 'VILLAGE' && options.lateVillages?.has(t.villageCode)) return;
    // Each decision once per round and stage visit; the next pass sees the round's new state.
    const key = `${o.token}:${t.roundId}:${t.kind}:${t.stage}:${t.objectionId ?? ''}`;
    if (acted.has(key)) return;
    let path: string;
    let body: unknown;
    if (t.kind === 'RESOLVE_OBJECTION' && o.role === 'TOWNSHIP') {
      path = `/rounds/${t.roundId}/objections/${t.objectionId}/resolution`;
      body = { decision: 'DISMISSED', note: '经核实，异议不成立' };
    } else if (t.kind === 'DECIDE' && o.role === 'VILLAGE' && t.stage === 'VILLAGE_ASSESSMENT' && options.noChange) {
      path = `/rounds/${t.roundId}/assessment`;
      body = { meeting: NO_CHANGE_MEETING, noChange: true, proposals: [] };
    } else if (t.kind === 'DECIDE' && o.role === 'VILLAGE' && t.stage === 'VILLAGE_ASSESSMENT') {
      const hh = await call(
        options.baseUrl,
        o.token,
        'GET',
        `/households?village=${t.villageCode}&status=REGISTERED&limit=2`,
      );
      const items = (hh.json?.items ?? []) as { id: string }[];
      // Rules v3: the village records the facts that show the household has reached the standard, then proposes it.
      for (const h of items.slice(0, 1))
        await call(options.baseUrl, o.token, 'PUT', `/households/${h.id}/facts`, EXIT_FACTS);
      const proposals: unknown[] = items.slice(0, 1).map((h) => ({
        action: 'EXIT',
        householdId: h.id,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 20,
        votesAgainst: 2,
      }));
      if (options.withEntries !== false) {
        entrySeq++;
        proposals.push({
          action: 'ENTER',
          entryReason: 'NEW_IDENTIFIED',
          household: {
            headName: '模拟户' + entrySeq,
            idNumber: makeIdNumber(
              '620599',
              { y: 1960 + (entrySeq % 40), m: 1 + (entrySeq % 12), d: 1 + (entrySeq % 28) },
              entrySeq % 1000,
            ),
            size: 1 + (entrySeq % 6),
          },
          facts: ENTRY_FACTS,
          category: 'TARGETED',
          cause: 'ILLNESS',
          votesFor: 18,
          votesAgainst: 3,
        });
      }
      path = `/rounds/${t.roundId}/assessment`;
      body = { meeting: { heldOn: '2026-11-28', representativesPresent: 25, representativesTotal: 30 }, proposals };
    } else if (t.kind === 'DECIDE' && o.role === 'TOWNSHIP' && t.stage === 'TOWNSHIP_REVIEW') {
      path = `/rounds/${t.roundId}/township-review`;
      // The township visits every household on the list (入户核查) and finds each proposal as assessed.
      const round = await call(options.baseUrl, o.token, 'GET', `/rounds/${t.roundId}`);
      const listed = ((round.json as { proposals?: { id: string; status: string }[] })?.proposals ?? []).filter(
        (p) => p.status === 'PROPOSED',
      );
      const verification = listed.map((p) => ({
        proposalId: p.id,
        visitedOn: '2026-11-30',
        visitedBy: '乡镇核查组',
        finding: 'CONFIRMED',
      }));
      body = { decision: 'APPROVE', note: '入户核查属实', verification };
    } else if (t.kind === 'DECIDE' && o.role === 'COUNTY' && t.stage === 'COUNTY_ANNOUNCEMENT') {
      path = `/rounds/${t.roundId}/county-announcement`;
      // Under the rules of version 2 the county spot-checks the sample the round drew (none before).
      const round = await call(options.baseUrl, o.token, 'GET', `/rounds/${t.roundId}`);
      const sample = (round.json?.countySample ?? []) as string[];
      const spotChecks = sample.map((proposalId) => ({
        proposalId,
        visitedOn: '2026-11-30',
        visitedBy: '县抽查组',
        finding: 'CONFIRMED',
      }));
      body = { decision: 'ANNOUNCE', note: '同意公告', ...(spotChecks.length ? { spotChecks } : {}) };
    } else {
      return;
    }
    acted.add(key);
    const r = await call(options.baseUrl, o.token, 'POST', path, body);
    stats.decisions++;
    options.onDecision?.({ role: o.role, roundId: t.roundId, kind: t.kind, status: r.status });
    if (r.status >= 400) {
      acted.delete(key);
      stats.failures.push({ roundId: t.roundId, kind: t.kind, status: r.status, detail: r.text.slice(0, 300) });
    }
  };

  while (Date.now() < deadline) {
    stats.passes++;
    await pool(options.officials, limit, async (o) => {
      const r = await call(options.baseUrl, o.token, 'GET', '/tasks?limit=1000');
      const tasks = (r.json?.items ?? []) as Task[];
      for (const t of tasks) await act(o, t);
    });
    if (await options.until()) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  stats.ms = Date.now() - started;
  return stats;
}
