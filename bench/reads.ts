// bench:reads — GET /tasks, GET /rounds and GET /households through the real API over a county-sized registry:
// 1,000,000 households in 10,000 villages (100 new townships beside the demo county's), 10,000 open rounds at
// every stage (a quarter of them overdue), 10,000 closed ones and 50,000 objections. p50/p99 of each request
// shape (goals of issue 16: p99 ≤ 5 × SQL + 5 ms and < 20 ms), then EXPLAIN (ANALYZE, BUFFERS) of the SQL each
// endpoint issues, captured from Prisma's query log. BENCH_PLANS_FILE=path also writes the plans there as Markdown.
import fs from 'node:fs';
import nodeHttp from 'node:http';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { Client as TemporalClient } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { createApp } from '../api/app';
import { encodeCursor } from '../api/pagination';
import { PrismaClient } from '../generated/prisma/client';
import type { Role } from '../domain/enums';
import { createLogger } from '../infra/logger';
import { createOfficial } from '../infra/officials';
import {
  benchDatabase,
  freePort,
  fmt,
  http,
  listen,
  log,
  mapLimit,
  onCleanup,
  printMachine,
  printTable,
  runBench,
  startDevServer,
  startService,
  summarize,
  verdict,
} from './support';
import { awaitProfile, summarizeProfile } from './profile';
import { parseServerTiming } from '../api/timing';
import { COUNTY, loadRegistry, registryCounts } from './reads-data';

const GOAL_P99_MS = 20;
const GOAL_SQL_FACTOR = 5;
const GOAL_SQL_SLACK_MS = 5;
const REQUESTS = Number(process.env.BENCH_READ_REQUESTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_READ_CONCURRENCY ?? 4);
/** `fetch` times the requests with undici (the client of the benchmarks before 2026-12-03) instead of node:http. */
const CLIENT = process.env.BENCH_READS_CLIENT === 'fetch' ? 'fetch' : 'node:http';

/**
 * The load generator's own request: node:http on a keep-alive agent, the body read as bytes and not parsed. The
 * client shares the machine's two cores with the server and PostgreSQL, so what it spends per request (undici's
 * fetch and a JSON.parse of every answer cost about a millisecond for a 200-item inbox) is taken from the server
 * being timed; a load generator elsewhere would not be there at all. The answers' contents are checked by the
 * warm-up requests (through `http`, parsed).
 */
const agent = new nodeHttp.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function leanGet(
  url: string,
  token: string,
): Promise<{ status: number; ms: number; serverTiming: string | null; text: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = nodeHttp.get(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const ms = performance.now() - t0;
        const timing = res.headers['server-timing'];
        const status = res.statusCode ?? 0;
        resolve({
          status,
          ms,
          serverTiming: typeof timing === 'string' ? timing : null,
          text: status === 200 ? '' : Buffer.concat(chunks).toString(),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}
interface Case {
  endpoint: '/tasks' | '/rounds' | '/households';
  name: string;
  token: string;
  /** The i-th request's path (spread over villages, townships and pages). */
  path: (i: number) => string;
}

interface Captured {
  query: string;
  params: unknown[];
}

runBench('bench:reads', async () => {
  await printMachine();
  // BENCH_READS_DATABASE_URL reuses a database loaded by an earlier run (kept with BENCH_KEEP_DATABASE=1).
  const reuse = process.env.BENCH_READS_DATABASE_URL;
  const fresh = reuse ? undefined : await benchDatabase('jz_bench_reads', process.env.BENCH_KEEP_DATABASE === '1');
  const db = fresh ?? { url: reuse as string };
  const pg = new PgClient({ connectionString: db.url });
  await pg.connect();
  onCleanup('pg connection', () => pg.end());
  const t0 = performance.now();
  if (fresh) {
    await loadRegistry(pg, fresh.prisma);
    if (process.env.BENCH_KEEP_DATABASE === '1') log(`kept: BENCH_READS_DATABASE_URL=${db.url}`);
  }
  const counts = await registryCounts(pg);
  log(
    `loaded in ${fmt((performance.now() - t0) / 1000)} s: ${counts.households} households, ${counts.villages} villages, ` +
      `${counts.open} open rounds (${counts.rounds} in all), ${counts.objections} objections, ` +
      `${counts.findings} open supervision findings`,
  );

  // The API as the product builds it, with a Prisma client that reports its SQL (for EXPLAIN).
  let capture: Captured[] | undefined;
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: db.url, max: 10 }),
    log: [{ emit: 'event', level: 'query' }],
  });
  prisma.$on('query', (e) => capture?.push({ query: e.query, params: JSON.parse(e.params) as unknown[] }));
  onCleanup('API Prisma client', () => prisma.$disconnect());
  // The API that is timed runs as deployed: scripts/api.ts in its own process (it connects to a Temporal server,
  // which GET routes never use: an in-memory dev server will do). Its default LOG_LEVEL logs every request.
  // SERVER_TIMING=1: every answer says how long each stage took (api/timing.ts). BENCH_CPU_PROF=1 also records a
  // CPU profile of the timed API (node --cpu-prof), summed by category at the end.
  const env = await startDevServer({ storage: 'memory' });
  const port = await freePort();
  const timedUrl = `http://127.0.0.1:${port}/api/v1`;
  const profileDir = process.env.BENCH_CPU_PROF === '1' ? path.resolve('.data/profiles', `reads-${Date.now()}`) : '';
  const api = await startService(
    'scripts/api.ts',
    {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: env.address,
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      SERVER_TIMING: '1',
    },
    async () => (await fetch(`${timedUrl}/health`).catch(() => undefined))?.status === 200,
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
  // The floor: node:http + pg answering GET /tasks with the same statement (bench/floor-server.ts).
  const floorPort = await freePort();
  const floorUrl = `http://127.0.0.1:${floorPort}/api/v1`;
  await startService('bench/floor-server.ts', { DATABASE_URL: db.url, FLOOR_PORT: String(floorPort) }, (out) =>
    out.includes('floor server listening'),
  );
  // An API in this process, whose Prisma client reports its SQL, answers one request of each case for EXPLAIN.
  const baseUrl = await listen(
    createApp({
      prisma,
      client: new TemporalClient(),
      taskQueue: 'bench-reads',
      logger: createLogger('error'),
      // The goals are of the database's path: every poll of a shape here would otherwise be answered from memory, as
      // nothing changes between them (api/inbox.ts). BENCH_INBOX_MEMORY=1 measures that path instead.
      inboxMemory: process.env.BENCH_INBOX_MEMORY === '1',
    }),
    'API',
  );

  const villages = (await pg.query<{ code: string }>(`SELECT code FROM "Village" ORDER BY code`)).rows.map(
    (r) => r.code,
  );
  const townships = (await pg.query<{ code: string }>(`SELECT code FROM "Township" ORDER BY code`)).rows.map(
    (r) => r.code,
  );
  const token = (role: Role, scopeCode: string) =>
    createOfficial(prisma, { role, scopeCode, name: `${role} ${scopeCode}` }).then((o) => o.token);
  const countyToken = await token('COUNTY', COUNTY);
  const townshipTokens = await Promise.all(townships.filter((_, i) => i % 10 === 0).map((t) => token('TOWNSHIP', t)));
  const villageTokens = new Map<string, string>();
  for (const v of villages.filter((_, i) => i % 100 === 3)) villageTokens.set(v, await token('VILLAGE', v));
  const villageList = [...villageTokens.keys()];
  const pick = <T>(xs: T[], i: number) => xs[(i * 7919) % xs.length]!;
  // Cursors of later pages: keyset pagination hands back the last key of a page.
  const registryCursor = (i: number) => encodeCursor(`${pick(villages, i)}:${pick(villages, i)}-0050`);
  const roundCursor = (i: number) => encodeCursor(`round-${pick(villages, i)}-2`);
  const STAGES = [
    'VILLAGE_ASSESSMENT',
    'FIRST_PUBLICITY',
    'TOWNSHIP_REVIEW',
    'SECOND_PUBLICITY',
    'COUNTY_ANNOUNCEMENT',
  ];

  const cases: Case[] = [
    { endpoint: '/tasks', name: 'township official', token: '', path: () => '/tasks' },
    { endpoint: '/tasks', name: 'county official', token: countyToken, path: () => '/tasks' },
    { endpoint: '/tasks', name: 'village official', token: '', path: () => '/tasks' },
    {
      endpoint: '/rounds',
      name: 'county: status + stage',
      token: countyToken,
      path: (i) => `/rounds?status=OPEN&stage=${pick(STAGES, i)}`,
    },
    {
      endpoint: '/rounds',
      name: 'county: township',
      token: countyToken,
      path: (i) => `/rounds?township=${pick(townships, i)}`,
    },
    {
      endpoint: '/rounds',
      name: 'county: village',
      token: countyToken,
      path: (i) => `/rounds?village=${pick(villages, i)}`,
    },
    {
      endpoint: '/rounds',
      name: 'county: next page',
      token: countyToken,
      path: (i) => `/rounds?cursor=${roundCursor(i)}`,
    },
    {
      endpoint: '/rounds',
      name: 'county: status, next page',
      token: countyToken,
      path: (i) => `/rounds?status=OPEN&cursor=${roundCursor(i)}`,
    },
    { endpoint: '/rounds', name: 'township official', token: '', path: () => '/rounds?status=OPEN' },
    { endpoint: '/households', name: 'village official: village', token: '', path: () => '' },
    {
      endpoint: '/households',
      name: 'county: village + status + category',
      token: countyToken,
      path: (i) => `/households?village=${pick(villages, i)}&status=REGISTERED&category=POLICY_GUARANTEE`,
    },
    {
      endpoint: '/households',
      name: 'county: status + category',
      token: countyToken,
      path: () => `/households?status=EXITED&category=CONSOLIDATION`,
    },
    {
      endpoint: '/households',
      name: 'county: status, next page',
      token: countyToken,
      path: (i) => `/households?status=NOT_REGISTERED&cursor=${registryCursor(i)}`,
    },
    {
      endpoint: '/households',
      name: 'county: next page',
      token: countyToken,
      path: (i) => `/households?cursor=${registryCursor(i)}`,
    },
    { endpoint: '/households', name: 'township official', token: '', path: () => '/households?status=REGISTERED' },
  ];
  // Cases whose caller changes per request: pick the official for request i.
  const tokenFor = (c: Case, i: number) => {
    if (c.token) return c.token;
    if (c.name.startsWith('township')) return pick(townshipTokens, i);
    return villageTokens.get(pick(villageList, i))!;
  };
  const pathFor = (c: Case, i: number) =>
    c.name === 'village official: village' ? `/households?village=${pick(villageList, i)}&limit=50` : c.path(i);

  async function timed(c: Case, i: number, url = timedUrl, client = CLIENT) {
    const path = pathFor(c, i);
    const r =
      client === 'fetch' ? await http(url, tokenFor(c, i), 'GET', path) : await leanGet(url + path, tokenFor(c, i));
    if (r.status !== 200) throw new Error(`GET ${path} as ${c.name}: ${r.status} ${r.text}`);
    return r;
  }
  /** A request whose answer is parsed and checked: a page of items. */
  async function checked(c: Case, i: number, url = timedUrl) {
    const path = pathFor(c, i);
    const r = await http(url, tokenFor(c, i), 'GET', path);
    if (r.status !== 200 || !Array.isArray(r.json?.items))
      throw new Error(`GET ${path} as ${c.name}: ${r.status} ${r.text}`);
    return r.ms;
  }

  const results: { c: Case; ms: number[]; stages: Map<string, number> }[] = [];
  const measure = async (c: Case, url: string, client = CLIENT) => {
    const stages = new Map<string, number>();
    const replies = await mapLimit(
      Array.from({ length: REQUESTS }, (_, i) => i),
      CONCURRENCY,
      (i) => timed(c, i + 100, url, client),
    );
    for (const r of replies) {
      for (const [stage, ms] of parseServerTiming(r.serverTiming)) stages.set(stage, (stages.get(stage) ?? 0) + ms);
    }
    return { c, ms: replies.map((r) => r.ms), stages };
  };
  // The floor answers /tasks and nothing else: the township's (the first case's request, 200 tasks) and a village's
  // (a handful of rows from a 0.1 ms statement: the floor of the shapes whose bound is about 5 ms).
  const floorName = (c: Case) => `${c.name}, bare node:http + pg (floor)`;
  const floorCases = new Map<Case, Case>([cases[0]!, cases[2]!].map((c) => [c, { ...c, name: floorName(c) }] as const));
  const floorCase = floorCases.get(cases[0]!)!;
  // Warm-up: every case a few times, the floor's too (connections, JIT, PostgreSQL's cache); half of them parsed and
  // checked, half through the timed client.
  const warmUp = (c: Case, url: string) =>
    mapLimit([0, 1, 2, 3, 4, 5, 6, 7], CONCURRENCY, async (i) =>
      i < 4 ? checked(c, i, url) : (await timed(c, i, url)).ms,
    );
  for (const c of cases) await warmUp(c, timedUrl);
  for (const f of floorCases.values()) await warmUp(f, floorUrl);
  const floors = new Map<Case, number[]>();
  // The same two with the other client, in the same run: what the load generator's own cost does to the figures.
  const other = CLIENT === 'fetch' ? 'node:http' : 'fetch';
  let compared: { api: number[]; floor: number[] } | undefined;
  for (const c of cases) {
    results.push(await measure(c, timedUrl));
    // The floor right after the same request shape, so both see the same machine.
    const fc = floorCases.get(c);
    if (fc) floors.set(c, (await measure(fc, floorUrl)).ms);
    if (c === cases[0]) {
      compared = {
        api: (await measure(c, timedUrl, other)).ms,
        floor: (await measure(floorCase, floorUrl, other)).ms,
      };
    }
  }

  // The SQL of one request of each case, its plan, and its execution time (the median of three EXPLAIN ANALYZE
  // runs of each statement, summed over the statements the request runs).
  const md: string[] = [];
  const seen = new Set<string>();
  const sqlMs = new Map<Case, number>();
  const executionMs = (plan: string) => Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
  for (const c of cases) {
    capture = [];
    await checked(c, 7, baseUrl);
    const queries = capture;
    capture = undefined;
    for (const q of queries) {
      // The bearer-token lookup: the timed API remembers each official (AUTH_CACHE_MS), so its requests run none.
      if (/"Official"/.test(q.query)) continue;
      const plans: string[] = [];
      for (let run = 0; run < 3; run++) {
        const rows = (
          await pg.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.query}`, q.params as unknown[])
        ).rows;
        plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
      }
      const times = plans.map(executionMs).sort((a, b) => a - b);
      sqlMs.set(c, (sqlMs.get(c) ?? 0) + times[1]!);
      // Each statement once per kind of caller (a county's scope selects far more rows than a township's).
      const key = `${c.name.split(/[ :]/)[0]} ${q.query}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const block = [
        `#### GET ${c.endpoint} — ${c.name}`,
        '',
        '```sql',
        q.query,
        `-- params: ${JSON.stringify(q.params)}`,
        '```',
        '',
        '```',
        plans[1],
        '```',
        '',
      ].join('\n');
      md.push(block);
      if (process.env.BENCH_PRINT_PLANS === '1') log('\n' + block);
    }
  }

  // Goals (issue 16): every request shape's p99 within 5 × its SQL execution time + 5 ms, and under 20 ms.
  const bound = (c: Case) => GOAL_SQL_FACTOR * (sqlMs.get(c) ?? 0) + GOAL_SQL_SLACK_MS;
  const row = (c: Case, name: string, ms: number[]) => {
    const st = summarize(ms);
    return [
      `GET ${c.endpoint} — ${name}`,
      st.n,
      st.p50,
      st.p95,
      st.p99,
      st.max,
      fmt(sqlMs.get(c) ?? NaN),
      fmt(bound(c)),
      verdict(st.p99 <= bound(c)),
      verdict(st.p99 < GOAL_P99_MS),
    ];
  };
  // Each floor under the shape it answers, judged by the same bounds (it runs the same statement).
  const rows = results.flatMap(({ c, ms }) => [
    row(c, c.name, ms),
    ...(floors.has(c) ? [row(c, floorName(c), floors.get(c)!)] : []),
  ]);
  const f = summarize(floors.get(cases[0]!)!);
  printTable(
    `bench:reads — ${counts.households} households, ${counts.open} open rounds; ${REQUESTS} requests per row at concurrency ${CONCURRENCY}; ms`,
    [
      'request',
      'n',
      'p50',
      'p95',
      'p99',
      'max',
      'SQL',
      `${GOAL_SQL_FACTOR}×SQL+${GOAL_SQL_SLACK_MS}`,
      'p99 ≤ that',
      `p99 < ${GOAL_P99_MS}`,
    ],
    rows,
  );
  const worst = Math.max(...results.map(({ ms }) => summarize(ms).p99));
  const allWithin = results.every(({ c, ms }) => summarize(ms).p99 <= bound(c));
  log(
    `\nworst p99 ${fmt(worst)} ms: ${verdict(worst < GOAL_P99_MS)}; every p99 within ${GOAL_SQL_FACTOR}×SQL+${GOAL_SQL_SLACK_MS} ms: ${verdict(allWithin)}`,
  );
  for (const { c, ms } of results) {
    if (!floors.has(c)) continue;
    const [a, b] = [summarize(ms), summarize(floors.get(c)!)];
    log(
      `GET /tasks (${c.name}) ÷ the bare node:http + pg floor, same statement, same run (client ${CLIENT}): ` +
        `p50 ${fmt(a.p50)} / ${fmt(b.p50)} = ${fmt(a.p50 / b.p50)}×, p99 ${fmt(a.p99)} / ${fmt(b.p99)} = ${fmt(a.p99 / b.p99)}×`,
    );
  }
  const t = summarize(results[0]!.ms);
  const ca = summarize(compared!.api);
  const cf = summarize(compared!.floor);
  printTable(
    `the same two timed by each client, same run (${REQUESTS} requests each at concurrency ${CONCURRENCY}; ms)`,
    ['GET /tasks — township official', 'client', 'p50', 'p95', 'p99', 'max'],
    [
      ['the API', CLIENT, t.p50, t.p95, t.p99, t.max],
      ['the API', other, ca.p50, ca.p95, ca.p99, ca.max],
      ['the floor', CLIENT, f.p50, f.p95, f.p99, f.max],
      ['the floor', other, cf.p50, cf.p95, cf.p99, cf.max],
    ],
  );

  // Where the time goes: the mean of each stage per request (Server-Timing), and what the server does not see
  // (the client, the socket, Node's HTTP parsing before Express).
  const STAGE_ORDER = ['middleware', 'auth', 'routing', 'validation', 'query', 'database', 'mapping', 'serialise'];
  printTable(
    'per-stage breakdown: mean ms per request (Server-Timing of the timed API; api/timing.ts names the stages)',
    ['request', ...STAGE_ORDER, 'server', 'client total', 'outside'],
    results.map(({ c, ms, stages }) => {
      const per = STAGE_ORDER.map((st) => (stages.get(st) ?? 0) / ms.length);
      const server = per.reduce((a, b) => a + b, 0);
      const total = ms.reduce((a, b) => a + b, 0) / ms.length;
      return [
        `GET ${c.endpoint} — ${c.name}`,
        ...per.map((v) => fmt(v, 2)),
        fmt(server, 2),
        fmt(total, 2),
        fmt(total - server, 2),
      ];
    }),
  );

  if (profileDir) {
    process.kill(api.pid, 'SIGTERM');
    const file = await awaitProfile(profileDir);
    const { total, rows: prof } = summarizeProfile(file);
    const requests = results.length * (REQUESTS + 8) + REQUESTS; // the cases, their warm-up, the other client
    printTable(
      `CPU profile of the timed API (${path.relative(process.cwd(), file)}): ${fmt(total / 1000)} s busy over about ${requests} requests`,
      ['category', 'CPU ms', 'share', 'µs per request'],
      prof.map(([cat, v]) => [cat, fmt(v), `${((100 * v) / total).toFixed(1)} %`, fmt((1000 * v) / requests)]),
    );
  }
  if (process.env.BENCH_PLANS_FILE) {
    fs.writeFileSync(process.env.BENCH_PLANS_FILE, md.join('\n'));
    log(`plans written to ${process.env.BENCH_PLANS_FILE}`);
  }
});
