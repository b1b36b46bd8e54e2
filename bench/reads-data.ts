// bench:reads' registry: 1,000,000 households in 10,000 villages (100 new townships beside the demo county's),
// 10,000 open rounds at every stage (a quarter of them overdue), 10,000 closed ones and 50,000 objections, loaded
// set-based beside the demo county, with one supervision sweep's findings.
import type { Client as PgClient } from 'pg';
import { sweepKind } from '../activities/supervision';
import { DEFAULT_SUPERVISION_POLICY, FINDING_KINDS, chinaYear } from '../domain/supervision';
import type { PrismaClient } from '../infra/db';
import { seedDemoCounty } from '../infra/seed';

const TOWNSHIPS = 100;
const VILLAGES_PER_TOWNSHIP = 100;
const HOUSEHOLDS_PER_VILLAGE = 100;
export const COUNTY = '620522';

/** The registry, set-based: every statement is one INSERT ... SELECT over generate_series. */
export const LOAD_SQL = [
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

/** Loads the registry into a fresh, migrated database. */
export async function loadRegistry(pg: PgClient, prisma: PrismaClient): Promise<void> {
  await seedDemoCounty(prisma);
  for (const sql of LOAD_SQL) await pg.query(sql);
  // One supervision sweep, the product's own SQL (activities/supervision.ts), so /tasks lists real findings.
  const now = new Date();
  for (const kind of FINDING_KINDS) {
    await sweepKind(prisma, {
      kind,
      sweepId: 'bench-reads',
      at: now.toISOString(),
      year: chinaYear(now),
      policy: DEFAULT_SUPERVISION_POLICY,
    });
  }
  await pg.query('ANALYZE');
}

/** What the database holds. */
export async function registryCounts(pg: PgClient) {
  return (
    await pg.query<Record<'households' | 'villages' | 'open' | 'rounds' | 'objections' | 'findings', string>>(
      `SELECT (SELECT count(*) FROM "Household") households, (SELECT count(*) FROM "Village") villages,
              (SELECT count(*) FROM "Round" WHERE status = 'OPEN') open, (SELECT count(*) FROM "Round") rounds,
              (SELECT count(*) FROM "Objection") objections,
              (SELECT count(*) FROM "SupervisionFinding" WHERE status = 'OPEN') findings`,
    )
  ).rows[0]!;
}
