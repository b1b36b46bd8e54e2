// bench:reads — GET /tasks, GET /rounds and GET /households through the real API over a county-sized registry:
// 1,000,000 households in 10,000 villages (100 new townships beside the demo county's), 10,000 open rounds at
// every stage (a quarter of them overdue), 10,000 closed ones and 50,000 objections. p50/p99 of each request
// shape (goal: p99 < 50 ms), then EXPLAIN (ANALYZE, BUFFERS) of the SQL each endpoint issues, captured from
// Prisma's query log. BENCH_PLANS_FILE=path also writes the plans there as Markdown.
import fs from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { Client as TemporalClient } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { createApp } from '../api/app';
import { encodeCursor } from '../api/pagination';
import { PrismaClient } from '../generated/prisma/client';
import type { Role } from '../domain/enums';
import { createLogger } from '../infra/logger';
import { sweepKind } from '../activities/supervision';
import { DEFAULT_SUPERVISION_POLICY, FINDING_KINDS, chinaYear } from '../domain/supervision';
import { createOfficial } from '../infra/officials';
import { seedDemoCounty } from '../infra/seed';
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

const GOAL_P99_MS = 20;
const GOAL_SQL_FACTOR = 5;
const GOAL_SQL_SLACK_MS = 5;
const REQUESTS = Number(process.env.BENCH_READ_REQUESTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_READ_CONCURRENCY ?? 4);
const TOWNSHIPS = 100;
const VILLAGES_PER_TOWNSHIP = 100;
const HOUSEHOLDS_PER_VILLAGE = 100;
const COUNTY = '620522';

/** The registry, set-based: every statement is one INSERT ... SELECT over generate_series. */
const LOAD_SQL = [
  `CREATE FUNCTION pg_temp.id_check(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
     SELECT substr('10X98765432', (SELECT sum(substr(s, i, 1)::int * (ARRAY[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2])[i])
                                   FROM generate_series(1, 17) i)::int % 11 + 1, 1) $$`,
  `INSERT INTO "Township" (code, name, "countyCode", "plannedExitYear", "exitedYear")
     SELECT '${COUNTY}' || (200 + t), '基准' || t || '乡', '${COUNTY}', 2019 + t % 3, 2019 + t % 3
     FROM generate_series(0, ${TOWNSHIPS - 1}) t`,
  `INSERT INTO "Village" (code, name, "townshipCode", belt, "isPoor", "plannedExitYear", "exitedYear")
     SELECT '${COUNTY}' || (200 + t) || (300 + v), '基准' || t || '-' || v || '村', '${COUNTY}' || (200 + t),
            1 + t % 3, v % 4 = 0, 2019 + v % 3, CASE WHEN v % 10 = 0 THEN NULL ELSE 2019 + v % 3 END
     FROM generate_series(0, ${TOWNSHIPS - 1}) t, generate_series(0, ${VILLAGES_PER_TOWNSHIP - 1}) v`,
  // Household n: status by n % 10 (60% registered, 30% exited, 10% never), category by n / 10 % 10.
  `WITH v AS (SELECT code, row_number() OVER (ORDER BY code) - 1 AS vi FROM "Village" WHERE "townshipCode" >= '${COUNTY}200'),
        h AS (SELECT v.code, k, v.vi * ${HOUSEHOLDS_PER_VILLAGE} + k AS n FROM v, generate_series(1, ${HOUSEHOLDS_PER_VILLAGE}) k),
        x AS (SELECT h.*, '${COUNTY}' || to_char(date '1996-01-01' + (n / 1000)::int, 'YYYYMMDD') || lpad((n % 1000)::text, 3, '0') AS id17,
                     CASE WHEN n % 10 < 6 THEN 'REGISTERED' WHEN n % 10 < 9 THEN 'EXITED' ELSE 'NOT_REGISTERED' END AS st,
                     CASE WHEN n / 10 % 10 < 6 THEN 'TARGETED' WHEN n / 10 % 10 < 8 THEN 'POLICY_GUARANTEE' ELSE 'CONSOLIDATION' END AS cat
              FROM h)
   INSERT INTO "Household" (id, "registryNo", "villageCode", "headName", "idNumber", phone, size, category, status, cause,
                            "exitReason", "registeredOn", "exitedOn", "createdAt", "updatedAt")
   SELECT gen_random_uuid(), code || '-' || lpad(k::text, 4, '0'), code,
          (ARRAY['王','李','张','刘','陈','杨','赵','黄','周','吴','徐','孙','马','朱','胡','郭','何','林','罗','高'])[1 + n % 20] ||
          (ARRAY['建国','秀英','志强','桂兰','永福','玉梅','国华','春花','德明','海燕','文斌','丽娟','振华','淑珍','明亮','小红'])[1 + n / 20 % 16],
          id17 || pg_temp.id_check(id17),
          CASE WHEN n % 3 = 0 THEN '139' || lpad((n % 100000000)::text, 8, '0') END,
          1 + n % 6,
          CASE WHEN st = 'NOT_REGISTERED' THEN NULL ELSE cat::"HouseholdCategory" END,
          st::"HouseholdStatus",
          CASE WHEN st = 'NOT_REGISTERED' THEN NULL
               ELSE (enum_range(NULL::"PovertyCause"))[1 + n / 7 % array_length(enum_range(NULL::"PovertyCause"), 1)] END,
          CASE WHEN st = 'EXITED' THEN (CASE WHEN n % 50 = 7 THEN 'WRONGLY_INCLUDED' ELSE 'REACHED_STANDARD' END)::"ExitReason" END,
          CASE WHEN st = 'NOT_REGISTERED' THEN NULL ELSE date '2014-10-01' + (n % 1500)::int END,
          CASE WHEN st = 'EXITED' THEN date '2017-12-01' + (n % 900)::int END,
          now(), now()
   FROM x`,
  // Round 1 of every new village is closed; round 2 is open at a stage by village index, a quarter overdue.
  `WITH v AS (SELECT code, "townshipCode", row_number() OVER (ORDER BY code) - 1 AS vi FROM "Village" WHERE "townshipCode" >= '${COUNTY}200')
   INSERT INTO "Round" (id, "villageCode", "townshipCode", "roundNo", stage, status, "openVillageCode", policy,
                        "stageEnteredAt", "stageDeadline", "publicityEndsAt", "overdueSince", "startedById", "startedAt",
                        "finishedAt", "updatedAt")
   SELECT 'round-' || code || '-1', code, "townshipCode", 1,
          CASE WHEN vi % 7 = 0 THEN 'VILLAGE_ASSESSMENT' ELSE 'COMPLETED' END::"RoundStage",
          CASE WHEN vi % 7 = 0 THEN 'CANCELLED' ELSE 'COMPLETED' END::"RoundStatus", NULL,
          '{"publicityPeriod":"7 days","stageDeadline":"14 days"}', now() - interval '400 days', NULL, NULL, NULL,
          gen_random_uuid(), now() - interval '420 days', now() - interval '400 days', now()
   FROM v`,
  `WITH v AS (SELECT code, "townshipCode", row_number() OVER (ORDER BY code) - 1 AS vi FROM "Village" WHERE "townshipCode" >= '${COUNTY}200'),
        s AS (SELECT v.*, (ARRAY['VILLAGE_ASSESSMENT','VILLAGE_ASSESSMENT','VILLAGE_ASSESSMENT','VILLAGE_ASSESSMENT','VILLAGE_ASSESSMENT','VILLAGE_ASSESSMENT',
                                 'FIRST_PUBLICITY','FIRST_PUBLICITY','FIRST_PUBLICITY','FIRST_PUBLICITY',
                                 'TOWNSHIP_REVIEW','TOWNSHIP_REVIEW','TOWNSHIP_REVIEW','TOWNSHIP_REVIEW',
                                 'SECOND_PUBLICITY','SECOND_PUBLICITY','SECOND_PUBLICITY',
                                 'COUNTY_ANNOUNCEMENT','COUNTY_ANNOUNCEMENT','COUNTY_ANNOUNCEMENT'])[1 + vi % 20] AS stage,
                     now() + ((vi * 7919) % 20 - 5) * interval '1 day' + (vi % 1440) * interval '1 minute' AS deadline
              FROM v)
   INSERT INTO "Round" (id, "villageCode", "townshipCode", "roundNo", stage, status, "openVillageCode", policy,
                        "stageEnteredAt", "stageDeadline", "publicityEndsAt", "overdueSince", "startedById", "startedAt",
                        "finishedAt", "updatedAt")
   SELECT 'round-' || code || '-2', code, "townshipCode", 2, stage::"RoundStage", 'OPEN', code,
          '{"publicityPeriod":"7 days","stageDeadline":"14 days"}', deadline - interval '14 days', deadline,
          CASE WHEN stage LIKE '%PUBLICITY' THEN deadline - interval '14 days' END,
          CASE WHEN deadline < now() THEN deadline END,
          gen_random_uuid(), now() - interval '30 days', NULL, now()
   FROM s`,
  // Objections: 10 on every open round in a publicity (about 35,000) and 5 on a closed round of every village
  // (50,000), one in ten of those on open rounds still open.
  `INSERT INTO "Objection" (id, "roundId", "noticeVersion", "objectorName", "objectorContact", reason, status, "filedById",
                           "filedAt", "resolvedById", "resolvedAt", "resolutionNote")
   SELECT gen_random_uuid(), r.id, 1, '村民' || k, NULL, '收入情况与申报不符',
          CASE WHEN k = 1 THEN 'OPEN' ELSE 'DISMISSED' END::"ObjectionStatus", gen_random_uuid(),
          r."stageEnteredAt" + k * interval '1 hour',
          CASE WHEN k = 1 THEN NULL ELSE gen_random_uuid() END,
          CASE WHEN k = 1 THEN NULL ELSE r."stageEnteredAt" + k * interval '2 hours' END,
          CASE WHEN k = 1 THEN NULL ELSE '经核实，异议不成立' END
   FROM "Round" r, generate_series(1, 10) k
   WHERE r.status = 'OPEN' AND r.stage IN ('FIRST_PUBLICITY', 'SECOND_PUBLICITY') AND r."townshipCode" >= '${COUNTY}200'`,
  `INSERT INTO "Objection" (id, "roundId", "noticeVersion", "objectorName", reason, status, "filedById", "filedAt",
                           "resolvedById", "resolvedAt", "resolutionNote")
   SELECT gen_random_uuid(), r.id, 1, '村民' || k, '收入情况与申报不符', 'DISMISSED', gen_random_uuid(),
          r."stageEnteredAt" - k * interval '1 hour', gen_random_uuid(), r."stageEnteredAt", '经核实，异议不成立'
   FROM "Round" r, generate_series(1, 5) k
   WHERE r.status <> 'OPEN' AND r."townshipCode" >= '${COUNTY}200'`,
  // Responsibility (as bench:sweep): 99 % of poor villages and 98 % of registered households have someone, so the
  // sweep below opens findings for the rest, as a county that has not finished assigning would have.
  `INSERT INTO "ResponsibilityAssignment" (id, subject, "villageCode", unit, "personName", "fromDate")
   SELECT gen_random_uuid(), 'VILLAGE', code, '县直单位', '干部', timestamp '2014-03-01'
   FROM "Village" WHERE "isPoor" AND hashtext(code) % 100 <> 0`,
  `INSERT INTO "ResponsibilityAssignment" (id, subject, "householdId", unit, "personName", "fromDate")
   SELECT gen_random_uuid(), 'HOUSEHOLD', id, '县直单位', '帮扶干部', timestamp '2014-06-01'
   FROM "Household" WHERE status = 'REGISTERED' AND abs(hashtext(id::text)) % 50 <> 0`,
];

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
    await seedDemoCounty(fresh.prisma);
    for (const sql of LOAD_SQL) await pg.query(sql);
    // One supervision sweep, the product's own SQL (activities/supervision.ts), so /tasks lists real findings.
    const now = new Date();
    for (const kind of FINDING_KINDS) {
      await sweepKind(fresh.prisma, {
        kind,
        sweepId: 'bench-reads',
        at: now.toISOString(),
        year: chinaYear(now),
        policy: DEFAULT_SUPERVISION_POLICY,
      });
    }
    await pg.query('ANALYZE');
    if (process.env.BENCH_KEEP_DATABASE === '1') log(`kept: BENCH_READS_DATABASE_URL=${db.url}`);
  }
  const counts = (
    await pg.query<{
      households: string;
      villages: string;
      open: string;
      rounds: string;
      objections: string;
      findings: string;
    }>(
      `SELECT (SELECT count(*) FROM "Household") households, (SELECT count(*) FROM "Village") villages,
              (SELECT count(*) FROM "Round" WHERE status = 'OPEN') open, (SELECT count(*) FROM "Round") rounds,
              (SELECT count(*) FROM "Objection") objections,
              (SELECT count(*) FROM "SupervisionFinding" WHERE status = 'OPEN') findings`,
    )
  ).rows[0]!;
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
    createApp({ prisma, client: new TemporalClient(), taskQueue: 'bench-reads', logger: createLogger('error') }),
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

  async function timed(c: Case, i: number, url = timedUrl) {
    const path = pathFor(c, i);
    const r = await http(url, tokenFor(c, i), 'GET', path);
    if (r.status !== 200) throw new Error(`GET ${path} as ${c.name}: ${r.status} ${r.text}`);
    return r;
  }
  async function checked(c: Case, i: number, url = timedUrl) {
    return (await timed(c, i, url)).ms;
  }

  const results: { c: Case; ms: number[]; stages: Map<string, number> }[] = [];
  const measure = async (c: Case, url: string) => {
    const stages = new Map<string, number>();
    const replies = await mapLimit(
      Array.from({ length: REQUESTS }, (_, i) => i),
      CONCURRENCY,
      (i) => timed(c, i + 100, url),
    );
    for (const r of replies) {
      for (const [stage, ms] of parseServerTiming(r.serverTiming)) stages.set(stage, (stages.get(stage) ?? 0) + ms);
    }
    return { c, ms: replies.map((r) => r.ms), stages };
  };
  // The floor answers the township's /tasks (the first case's request) and nothing else.
  const floorCase = { ...cases[0]!, name: 'township official, bare node:http + pg (floor)' };
  // Warm-up: every case a few times, the floor's too (connections, JIT, PostgreSQL's cache).
  const warmUp = (c: Case, url: string) => mapLimit([0, 1, 2, 3, 4, 5, 6, 7], CONCURRENCY, (i) => checked(c, i, url));
  for (const c of cases) await warmUp(c, timedUrl);
  await warmUp(floorCase, floorUrl);
  let floor: { ms: number[] } | undefined;
  for (const c of cases) {
    results.push(await measure(c, timedUrl));
    // The floor right after the same request shape, so both see the same machine.
    if (c === cases[0]) floor = await measure(floorCase, floorUrl);
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
  const rows = results.map(({ c, ms }) => {
    const st = summarize(ms);
    return [
      `GET ${c.endpoint} — ${c.name}`,
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
  });
  const f = summarize(floor!.ms);
  rows.splice(1, 0, [`GET /tasks — ${floorCase.name}`, f.n, f.p50, f.p95, f.p99, f.max, '', '', '', '']);
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
  const t = summarize(results[0]!.ms);
  log(
    `GET /tasks (township official) ÷ the bare node:http + pg floor, same statement, same run: ` +
      `p50 ${fmt(t.p50)} / ${fmt(f.p50)} = ${fmt(t.p50 / f.p50)}×, p99 ${fmt(t.p99)} / ${fmt(f.p99)} = ${fmt(t.p99 / f.p99)}×`,
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
    const requests = results.length * (REQUESTS + 8) + REQUESTS + 16;
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
