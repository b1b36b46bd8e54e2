// bench:sweep's synthetic registries (bench/sweep.ts): national shape, generated set-based in SQL, and two identical
// copies of each, one for the SQL-only sweeps and one for the product's worker, so both kinds of sweep start from
// the same rows.
import { randomBytes } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { chinaYear } from '../domain/supervision';
import { createPrisma, type PrismaClient } from '../infra/db';
import { adminUrl, createTestDatabase, withDatabase } from '../kit/database';
import { onCleanup } from './support';

export interface Shape {
  households: number;
  villages: number;
  townships: number;
  counties: number;
  openRounds: number;
}

export function shape(households: number): Shape {
  const villages = Math.round(households * 0.128);
  const townships = Math.max(1, Math.round(villages / 3.2));
  // Township codes are the county's 6 digits + 3: at most 800 townships per county here (100..899).
  const counties = Math.ceil(townships / 800);
  return { households, villages, townships, counties, openRounds: Math.max(10, Math.round(households * 0.003)) };
}

/** The whole synthetic registry, set-based: INSERT ... SELECT generate_series. */
export async function generate(p: PrismaClient, s: Shape, now: Date): Promise<void> {
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
  // Housekeeping's share: answers kept for Idempotency-Key retries, 1 per 100 households, created over the last 14
  // days, so a sweep with the default retention of 7 days purges about half of them.
  await p.$executeRaw`
    INSERT INTO "IdempotencyRecord" ("officialId", key, method, path, "requestHash", "responseStatus", "responseBody",
                                     "createdAt", "completedAt")
    SELECT gen_random_uuid(), 'bench-' || i, 'POST', '/api/v1/rounds/bench/assessment', md5(i::text), 200, '{}'::jsonb,
           ${now}::timestamp(3) - (i % 14) * interval '1 day' - interval '1 hour',
           ${now}::timestamp(3) - (i % 14) * interval '1 day' - interval '1 hour'
    FROM generate_series(0, ${Math.max(1, Math.round(s.households / 100)) - 1}::int) i`;
  await p.$executeRaw`ANALYZE`;
}

export async function counts(p: PrismaClient) {
  const [row] = await p.$queryRaw<Record<string, bigint>[]>`
    SELECT (SELECT count(*) FROM "Township") AS townships, (SELECT count(*) FROM "Village") AS villages,
           (SELECT count(*) FROM "Household") AS households,
           (SELECT count(*) FROM "ResponsibilityAssignment") AS assignments,
           (SELECT count(*) FROM "Round" WHERE status = 'OPEN') AS "openRounds",
           (SELECT count(*) FROM "Objection") AS objections,
           (SELECT count(*) FROM "IdempotencyRecord") AS "idempotencyRecords"`;
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
}

/** Clears half of two conditions (the same half in both copies), so the next sweep closes findings too. */
export async function clearHalf(p: PrismaClient, now: Date): Promise<void> {
  await p.$executeRaw`
    INSERT INTO "ResponsibilityAssignment" (id, subject, "householdId", unit, "personName", "fromDate")
    SELECT gen_random_uuid(), 'HOUSEHOLD', f."householdId", '县直单位', '新干部', ${now}::timestamp(3)
    FROM "SupervisionFinding" f
    WHERE f.kind = 'HOUSEHOLD_NO_RESPONSIBLE' AND f.status = 'OPEN' AND abs(hashtext(f."subjectKey")) % 2 = 0`;
  await p.$executeRaw`
    UPDATE "Objection" SET status = 'DISMISSED' WHERE status = 'OPEN' AND abs(hashtext(id::text)) % 2 = 0`;
}

export interface RegistryCopy {
  name: string;
  url: string;
  prisma: PrismaClient;
}

async function admin<T>(fn: (c: PgClient) => Promise<T>): Promise<T> {
  const c = new PgClient({ connectionString: adminUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * One generated registry in two identical databases (the second made from the first as its template): `sql` for
 * the SQL-only sweeps, `workflow` for the product's worker. Both are dropped at clean-up unless `keep`.
 */
export async function registryPair(s: Shape, now: Date, keep: boolean) {
  const first = await createTestDatabase('jz_bench_sweep');
  const t0 = performance.now();
  await generate(first.prisma, s, now);
  const genSeconds = (performance.now() - t0) / 1000;
  const rows = await counts(first.prisma);
  // CREATE DATABASE ... TEMPLATE needs the template without sessions.
  await first.prisma.$disconnect();
  const copyName = `${first.name}_wf_${randomBytes(2).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${copyName}" TEMPLATE "${first.name}"`));
  const open = (name: string): RegistryCopy => {
    const url = withDatabase(first.url, name);
    const copy = { name, url, prisma: createPrisma(url) };
    onCleanup(`database ${name}`, async () => {
      await copy.prisma.$disconnect();
      if (!keep) await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    });
    return copy;
  };
  return { sql: open(first.name), workflow: open(copyName), genSeconds, rows };
}
