// npx tsx bench/sweep.ts [households...]   (default: 10000 100000 1000000)
//
// Times the supervision sweep (activities/supervision.ts sweepKind, the very function the sweep workflow's
// activity runs) over a synthetic registry of national shape: per 1,000,000 households, 128,000 villages in
// 40,000 townships, 3,000 open rounds with objections. Each size gets its own fresh database (on
// TEST_DATABASE_URL, else the local PostgreSQL on 5432), generated set-based in SQL. Three sweeps per size:
//   1. first   — every finding is new (inserts)
//   2. steady  — nothing changed (every open finding seen again, none closed)
//   3. cleared — half the households without a cadre get one, half the stale objections are resolved (closes)
// Set BENCH_KEEP=1 to keep the databases.
import os from 'node:os';
import { sweepKind } from '../activities/supervision';
import { DEFAULT_SUPERVISION_POLICY, FINDING_KINDS, chinaYear, type FindingKind } from '../domain/supervision';
import type { PrismaClient } from '../infra/db';
import { Client as PgClient } from 'pg';
import { adminUrl, createTestDatabase } from '../kit/database';

const say = (line = '') => process.stdout.write(line + '\n');

interface Shape {
  households: number;
  villages: number;
  townships: number;
  counties: number;
  openRounds: number;
}

function shape(households: number): Shape {
  const villages = Math.round(households * 0.128);
  const townships = Math.max(1, Math.round(villages / 3.2));
  // Township codes are the county's 6 digits + 3: at most 800 townships per county here (100..899).
  const counties = Math.ceil(townships / 800);
  return { households, villages, townships, counties, openRounds: Math.max(10, Math.round(households * 0.003)) };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const v = await fn();
  return [v, Number(process.hrtime.bigint() - t0) / 1e9];
}

/** The whole synthetic registry, set-based: INSERT ... SELECT generate_series. */
async function generate(p: PrismaClient, s: Shape, now: Date): Promise<void> {
  const year = chinaYear(now);
  await p.$executeRaw`
    INSERT INTO "County" (code, name)
    SELECT '62' || lpad((1000 + i)::text, 4, '0'), '县' || i FROM generate_series(0, ${s.counties - 1}::int) i`;
  await p.$executeRaw`
    INSERT INTO "Township" (code, name, "countyCode", "plannedExitYear", "exitedYear")
    SELECT '62' || lpad((1000 + t / 800)::text, 4, '0') || (100 + t % 800)::text, '镇' || t,
           '62' || lpad((1000 + t / 800)::text, 4, '0'), 2014 + t % 7,
           CASE WHEN 2014 + t % 7 < ${year}::int THEN 2014 + t % 7 END
    FROM generate_series(0, ${s.townships - 1}::int) t`;
  // Village v lies in township v % T; 3 in 5 are poor villages; 1 in 100 is behind its exit plan.
  await p.$executeRaw`
    INSERT INTO "Village" (code, name, "townshipCode", "isPoor", "plannedExitYear", "exitedYear", population)
    SELECT tc || (200 + v / ${s.townships}::int)::text, '村' || v, tc, v % 5 < 3, py,
           CASE WHEN py < ${year}::int AND v % 100 <> 7 THEN py END, 600 + (v * 7919) % 2400
    FROM generate_series(0, ${s.villages - 1}::int) v,
         LATERAL (SELECT '62' || lpad((1000 + (v % ${s.townships}::int) / 800)::text, 4, '0')
                         || (100 + (v % ${s.townships}::int) % 800)::text AS tc, 2014 + v % 7 AS py) x`;
  // Households: 70% registered, 20% exited, 10% never registered.
  await p.$executeRaw`
    INSERT INTO "Household" (id, "registryNo", "villageCode", "headName", "idNumber", size, category, status,
                             "registeredOn", "updatedAt")
    SELECT gen_random_uuid(), v.code || '-' || lpad((h / ${s.villages}::int + 1)::text, 4, '0'), v.code,
           '户主' || h, '62' || lpad(h::text, 15, '0') || 'X', 1 + h % 8,
           CASE WHEN h % 10 < 9 THEN 'TARGETED'::"HouseholdCategory" END,
           (CASE WHEN h % 10 < 7 THEN 'REGISTERED' WHEN h % 10 < 9 THEN 'EXITED' ELSE 'NOT_REGISTERED' END)::"HouseholdStatus",
           CASE WHEN h % 10 < 9 THEN timestamp '2014-06-01' END, ${now}::timestamp(3)
    FROM generate_series(0, ${s.households - 1}::int) h,
         LATERAL (SELECT h % ${s.villages}::int AS vi) a,
         LATERAL (SELECT '62' || lpad((1000 + (vi % ${s.townships}::int) / 800)::text, 4, '0')
                         || (100 + (vi % ${s.townships}::int) % 800)::text
                         || (200 + vi / ${s.townships}::int)::text AS code) v`;
  // Responsibility: 99% of poor villages and 98% of registered households have a current assignment; about a
  // quarter also a past one (a handover), so the history table is larger than the current set.
  await p.$executeRaw`
    INSERT INTO "ResponsibilityAssignment" (id, subject, "villageCode", unit, "personName", "fromDate", "toDate")
    SELECT gen_random_uuid(), 'VILLAGE', code, '县直单位', '干部', timestamp '2014-03-01',
           CASE WHEN k = 0 THEN NULL ELSE timestamp '2016-03-01' END
    FROM "Village" v, generate_series(0, 1) k
    WHERE "isPoor" AND ((k = 0 AND hashtext(code) % 100 <> 0) OR (k = 1 AND hashtext(code) % 4 = 0))`;
  await p.$executeRaw`
    INSERT INTO "ResponsibilityAssignment" (id, subject, "householdId", unit, "personName", "fromDate", "toDate")
    SELECT gen_random_uuid(), 'HOUSEHOLD', h.id, '县直单位', '帮扶干部', timestamp '2014-06-01',
           CASE WHEN k = 0 THEN NULL ELSE timestamp '2016-06-01' END
    FROM "Household" h, generate_series(0, 1) k
    WHERE h.status = 'REGISTERED'
      AND ((k = 0 AND abs(hashtext(h.id::text)) % 50 <> 0) OR (k = 1 AND abs(hashtext(h.id::text)) % 4 = 0))`;
  // Open rounds in every n-th poor village: stages in turn, deadlines from 20 days ago to 20 days ahead, last
  // change 0 to 29 days ago; and as many completed rounds. Two objections per open round, one still open.
  const poorVillages = Math.ceil((s.villages * 3) / 5);
  const step = Math.max(1, Math.floor(poorVillages / (s.openRounds * 2)));
  await p.$executeRaw`
    INSERT INTO "Round" (id, "villageCode", "townshipCode", "roundNo", stage, status, "openVillageCode", policy,
                         "stageEnteredAt", "stageDeadline", "startedById", "startedAt", "finishedAt", "updatedAt")
    SELECT 'round-' || v.code || '-1', v.code, v."townshipCode", 1,
           (CASE WHEN open THEN (ARRAY['VILLAGE_ASSESSMENT','FIRST_PUBLICITY','TOWNSHIP_REVIEW','SECOND_PUBLICITY',
                                        'COUNTY_ANNOUNCEMENT'])[1 + (r % 5)::int] ELSE 'COMPLETED' END)::"RoundStage",
           (CASE WHEN open THEN 'OPEN' ELSE 'COMPLETED' END)::"RoundStatus",
           CASE WHEN open THEN v.code END, '{}'::jsonb,
           ${now}::timestamp(3) - (r % 20) * interval '1 day',
           CASE WHEN open THEN ${now}::timestamp(3) + ((r % 40) - 20) * interval '1 day' END,
           gen_random_uuid(), ${now}::timestamp(3) - interval '40 days',
           CASE WHEN NOT open THEN ${now}::timestamp(3) - interval '1 day' END,
           ${now}::timestamp(3) - (r % 30) * interval '1 day'
    FROM (SELECT code, "townshipCode", row_number() OVER (ORDER BY code) - 1 AS r
          FROM "Village" WHERE "isPoor") v
    CROSS JOIN LATERAL (SELECT (v.r / ${step}::int) % 2 = 0 AS open) o
    WHERE v.r % ${step}::int = 0 AND v.r / ${step}::int < ${s.openRounds * 2}::int`;
  await p.$executeRaw`
    INSERT INTO "Objection" (id, "roundId", "noticeVersion", "objectorName", reason, status, "filedById", "filedAt")
    SELECT gen_random_uuid(), r.id, 1, '村民', '异议', (CASE WHEN k = 0 THEN 'OPEN' ELSE 'DISMISSED' END)::"ObjectionStatus",
           gen_random_uuid(), ${now}::timestamp(3) - (abs(hashtext(r.id)) % 15) * interval '1 day'
    FROM "Round" r, generate_series(0, 1) k WHERE r.status = 'OPEN'`;
  await p.$executeRaw`ANALYZE`;
}

async function counts(p: PrismaClient) {
  const [row] = await p.$queryRaw<Record<string, bigint>[]>`
    SELECT (SELECT count(*) FROM "Township") AS townships, (SELECT count(*) FROM "Village") AS villages,
           (SELECT count(*) FROM "Household") AS households,
           (SELECT count(*) FROM "ResponsibilityAssignment") AS assignments,
           (SELECT count(*) FROM "Round" WHERE status = 'OPEN') AS "openRounds",
           (SELECT count(*) FROM "Objection") AS objections`;
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
}

type SweepTimes = Record<FindingKind, { seconds: number; opened: number; stillOpen: number; closed: number }>;

async function sweep(p: PrismaClient, sweepId: string, now: Date): Promise<{ total: number; kinds: SweepTimes }> {
  const kinds = {} as SweepTimes;
  let total = 0;
  for (const kind of FINDING_KINDS) {
    const [c, seconds] = await timed(() =>
      sweepKind(p, {
        kind,
        sweepId,
        at: now.toISOString(),
        year: chinaYear(now),
        policy: DEFAULT_SUPERVISION_POLICY,
      }),
    );
    kinds[kind] = { seconds, ...c };
    total += seconds;
  }
  return { total, kinds };
}

async function benchOne(households: number) {
  const s = shape(households);
  const db = await createTestDatabase('jz_bench_sweep');
  const p = db.prisma;
  try {
    const now = new Date();
    const [, genSeconds] = await timed(() => generate(p, s, now));
    const rows = await counts(p);
    say(`\n== ${households.toLocaleString('en')} households (generated in ${genSeconds.toFixed(1)} s) ==`);
    say(
      `   ${Object.entries(rows)
        .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
        .join(', ')}`,
    );
    const t = (ms: number) => new Date(now.getTime() + ms);
    const first = await sweep(p, 'bench-1', t(1000));
    const steady = await sweep(p, 'bench-2', t(2000));
    // Clear half of two conditions, so the third sweep closes findings too.
    await p.$executeRaw`
      INSERT INTO "ResponsibilityAssignment" (id, subject, "householdId", unit, "personName", "fromDate")
      SELECT gen_random_uuid(), 'HOUSEHOLD', f."householdId", '县直单位', '新干部', ${now}::timestamp(3)
      FROM "SupervisionFinding" f
      WHERE f.kind = 'HOUSEHOLD_NO_RESPONSIBLE' AND f.status = 'OPEN' AND abs(hashtext(f.id::text)) % 2 = 0`;
    await p.$executeRaw`
      UPDATE "Objection" SET status = 'DISMISSED' WHERE status = 'OPEN' AND abs(hashtext(id::text)) % 2 = 0`;
    const cleared = await sweep(p, 'bench-3', t(3000));
    const pad = (v: string, n: number) => v.padStart(n);
    say(
      `   ${'kind'.padEnd(26)}${pad('first s', 9)}${pad('opened', 9)}${pad('steady s', 10)}${pad('seen', 9)}` +
        `${pad('cleared s', 11)}${pad('closed', 9)}`,
    );
    for (const kind of FINDING_KINDS) {
      const [a, b, c] = [first.kinds[kind], steady.kinds[kind], cleared.kinds[kind]];
      say(
        `   ${kind.padEnd(26)}${pad(a.seconds.toFixed(3), 9)}${pad(String(a.opened), 9)}` +
          `${pad(b.seconds.toFixed(3), 10)}${pad(String(b.stillOpen), 9)}` +
          `${pad(c.seconds.toFixed(3), 11)}${pad(String(c.closed), 9)}`,
      );
    }
    say(
      `   ${'total'.padEnd(26)}${pad(first.total.toFixed(3), 9)}${pad('', 9)}${pad(steady.total.toFixed(3), 10)}` +
        `${pad('', 9)}${pad(cleared.total.toFixed(3), 11)}`,
    );
    return { households, first: first.total, steady: steady.total, cleared: cleared.total };
  } finally {
    if (process.env.BENCH_KEEP === '1') {
      await p.$disconnect();
      say(`   kept database ${db.name}`);
    } else await db.drop();
  }
}

async function main() {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const list = sizes.length ? sizes : [10_000, 100_000, 1_000_000];
  // The server's version from the admin connection: no database needs creating for it.
  const probe = new PgClient({ connectionString: adminUrl() });
  await probe.connect();
  const pg = (await probe.query<{ v: string }>('SELECT version() AS v')).rows[0]?.v ?? '?';
  await probe.end();
  say(
    `bench:sweep — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  );
  say(`PostgreSQL: ${pg}`);
  const results = [];
  for (const n of list) results.push(await benchOne(n));
  say('\nsummary (seconds for a whole sweep, all six kinds):');
  for (const r of results) {
    say(
      `   ${r.households.toLocaleString('en').padStart(10)} households: first ${r.first.toFixed(2)}, ` +
        `steady ${r.steady.toFixed(2)}, clearing ${r.cleared.toFixed(2)}`,
    );
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
