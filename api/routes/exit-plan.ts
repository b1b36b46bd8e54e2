import { Router } from 'express';
import { z } from 'zod';
import {
  chinaYear,
  chinaYearBounds,
  DEFAULT_EXIT_POOR_SHARE_THRESHOLD,
  FINDING_KINDS,
  behindExitPlan,
  lastDuePlanYear,
  mayExit,
  poorShare,
} from '../../domain/supervision';
import { EXIT_STAGES, EXIT_STATUSES } from '../../domain/exit';
import { accuracyFigures } from '../../infra/assessment';
import { Prisma, type PrismaClient } from '../../infra/db';
import { caller, requireRole, type Official } from '../auth';
import { forbidden, parseOr400 } from '../problem';
import { ZTownshipCode } from '../schemas';
import { type ApiOperation } from '../responses';
import { codesWithin, sqlCodesWithin } from '../scope';

export const ZYear = z.coerce.number().int().min(2000).max(2100);
export const ZExitPlanQuery = z.object({ year: ZYear.optional(), township: ZTownshipCode.optional() });
export const ZAssessmentQuery = z.object({ year: ZYear.optional() });

const ZPlannedExited = z.object({ planned: z.number().int(), exited: z.number().int() });

export const ZExitPlanResponse = z.object({
  year: z.number().int(),
  threshold: z.number().meta({ description: 'A poor village may exit as a whole below this poor share.' }),
  totals: z.object({
    scopeCode: z.string(),
    townships: ZPlannedExited,
    villages: ZPlannedExited.extend({ behind: z.number().int() }),
  }),
  townships: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      plannedExitYear: z.number().int().nullable(),
      exitedYear: z.number().int().nullable(),
      villages: ZPlannedExited.extend({ behind: z.number().int() }),
    }),
  ),
  villages: z
    .array(
      z.object({
        code: z.string(),
        name: z.string(),
        plannedExitYear: z.number().int().nullable(),
        exitedYear: z.number().int().nullable(),
        behind: z.boolean(),
        population: z.number().int().nullable(),
        poorPopulation: z.number().int(),
        poorShare: z.number().nullable(),
        mayExit: z.boolean().nullable().meta({ description: 'Null when the village’s population is unknown.' }),
        exit: z
          .object({
            exitId: z.string(),
            year: z.number().int(),
            stage: z.enum(EXIT_STAGES),
            status: z.enum(EXIT_STATUSES),
          })
          .nullable()
          .meta({ description: 'The village’s latest exit procedure (POST /exits), if any.' }),
      }),
    )
    .optional()
    .meta({ description: 'Per poor village of the township, when `township` is given.' }),
});

export const ZFigure = z
  .object({
    label: z.string().meta({ examples: ['错退率'] }),
    comparison: z.enum(['AT_MOST', 'AT_LEAST']).meta({ description: 'The rate passes at most / at least `percent`.' }),
    percent: z.number().int().meta({ description: 'The threshold, in percent.' }),
    numerator: z.number().int(),
    denominator: z.number().int(),
    rate: z.number().nullable().meta({ description: 'numerator ÷ denominator; null when nothing was checked.' }),
    pass: z.boolean().nullable().meta({ description: 'Null (no data) when the denominator is 0.' }),
  })
  .meta({ id: 'Figure' });

export const ZAccuracyFigures = z.object({ wronglyExited: ZFigure, missed: ZFigure, approval: ZFigure }).meta({
  id: 'AccuracyFigures',
  description:
    '错退率 (wronglyExited, ≤ 2 %): households found WRONGLY_EXITED in EXITED samples plus EXIT proposals NOT_CONFIRMED on the rounds’ county spot checks, over the exits checked; 漏评率 (missed, ≤ 2 %): MISSED_POOR over the non-registered households checked; 群众认可度 (approval, ≥ 90 %): satisfied over respondents of the surveys.',
});

export const ZCountyAssessmentResponse = z.object({
  year: z.number().int(),
  countyCode: z.string(),
  townships: z.number().int().meta({ description: 'How many townships the figures pool.' }),
  accuracy: ZAccuracyFigures,
});

export const ZTownshipScorecardResponse = z.object({
  year: z.number().int(),
  items: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      rounds: z.object({
        total: z.number().int(),
        completed: z.number().int(),
        completedOnTime: z.number().int(),
        overdueNow: z.number().int(),
      }),
      openFindings: z.object({
        total: z.number().int(),
        byKind: z.partialRecord(z.enum(FINDING_KINDS), z.number().int()),
      }),
      exits: ZPlannedExited.extend({
        township: z.object({ plannedExitYear: z.number().int().nullable(), exitedYear: z.number().int().nullable() }),
      }),
      accuracy: ZAccuracyFigures,
    }),
  ),
});

export interface ExitPlanDeps {
  prisma: PrismaClient;
  /** A poor village may exit as a whole when its poor share is below this (config EXIT_POOR_SHARE_THRESHOLD). */
  exitPoorShareThreshold?: number;
}

/**
 * Township figures are not personal: a village official sees those of its own township, everyone else those of
 * the townships in their jurisdiction. Returns the township-code prefix to filter on.
 */
export function townshipScope(o: Official): string {
  return o.scopeCode.length > 9 ? o.scopeCode.slice(0, 9) : o.scopeCode;
}

/** The jurisdiction of township figures asked for: `township` (403 unless the caller may see it), else the caller's. */
export function figuresScope(o: Official, township: string | undefined): string {
  const scope = townshipScope(o);
  if (township && !township.startsWith(scope)) {
    throw forbidden(`Township ${township} is outside your jurisdiction (${o.scopeCode}).`, 'OUT_OF_JURISDICTION');
  }
  return township ?? scope;
}

const n = (v: bigint | number | null | undefined) => Number(v ?? 0);

/**
 * Planned against actual exits by the end of `year` in a jurisdiction (the county or a township): per township and
 * in total. GET /exit-plan answers it, and the exit timetable chart (GET /reports/exit-plan.svg) draws it year by
 * year, so the two agree by construction.
 */
export async function exitPlanFor(prisma: PrismaClient, scopeCode: string, year: number, currentYear: number) {
  const [townships, villageCounts] = await Promise.all([
    prisma.township.findMany({ where: { code: codesWithin(scopeCode) }, orderBy: { code: 'asc' } }),
    prisma.$queryRaw<{ townshipCode: string; planned: bigint; exited: bigint; behind: bigint }[]>`
      SELECT "townshipCode",
             count(*) FILTER (WHERE "plannedExitYear" <= ${year}::int) AS planned,
             count(*) FILTER (WHERE "exitedYear" <= ${year}::int) AS exited,
             -- behindExitPlan (domain/supervision.ts), as SQL
             count(*) FILTER (WHERE "plannedExitYear" <= ${lastDuePlanYear(year, currentYear)}::int
                                AND ("exitedYear" IS NULL OR "exitedYear" > ${year}::int)) AS behind
      FROM "Village" WHERE "isPoor" AND ${sqlCodesWithin(Prisma.sql`"townshipCode"`, scopeCode)}
      GROUP BY "townshipCode"`,
  ]);
  const byTownship = new Map(villageCounts.map((c) => [c.townshipCode, c]));
  const townshipItems = townships.map((t) => {
    const c = byTownship.get(t.code);
    return {
      code: t.code,
      name: t.name,
      plannedExitYear: t.plannedExitYear,
      exitedYear: t.exitedYear,
      villages: { planned: n(c?.planned), exited: n(c?.exited), behind: n(c?.behind) },
    };
  });
  const sum = (f: (t: (typeof townshipItems)[number]) => number) => townshipItems.reduce((s, t) => s + f(t), 0);
  const totals = {
    scopeCode,
    townships: {
      planned: townshipItems.filter((t) => t.plannedExitYear !== null && t.plannedExitYear <= year).length,
      exited: townshipItems.filter((t) => t.exitedYear !== null && t.exitedYear <= year).length,
    },
    villages: {
      planned: sum((t) => t.villages.planned),
      exited: sum((t) => t.villages.exited),
      behind: sum((t) => t.villages.behind),
    },
  };
  return { townships: townshipItems, totals };
}

/** GET /exit-plan (脱贫时序: planned against actual) and GET /assessment/townships (the township scorecard). */
export function exitPlanRouter({ prisma, exitPoorShareThreshold }: ExitPlanDeps): Router {
  const r = Router();
  const threshold = exitPoorShareThreshold ?? DEFAULT_EXIT_POOR_SHARE_THRESHOLD;

  r.get('/exit-plan', async (req, res) => {
    const o = caller(req);
    const q = parseOr400(ZExitPlanQuery, req.query, 'query');
    const currentYear = chinaYear(Date.now());
    const year = q.year ?? currentYear;
    const { townships: townshipItems, totals } = await exitPlanFor(
      prisma,
      figuresScope(o, q.township),
      year,
      currentYear,
    );
    let villages;
    if (q.township) {
      // Per village, whether it may exit as a whole: the poor population (people in REGISTERED households)
      // against the village's population. A village official sees only its own village here.
      const rows = await prisma.$queryRaw<
        {
          code: string;
          name: string;
          plannedExitYear: number | null;
          exitedYear: number | null;
          population: number | null;
          poorPopulation: bigint;
        }[]
      >`
        SELECT v.code, v.name, v."plannedExitYear", v."exitedYear", v.population,
               COALESCE(h.poor, 0) AS "poorPopulation"
        FROM "Village" v
        LEFT JOIN (
          SELECT "villageCode", sum(size) AS poor FROM "Household"
          WHERE status = 'REGISTERED' AND ${sqlCodesWithin(Prisma.sql`"villageCode"`, q.township)}
          GROUP BY "villageCode"
        ) h ON h."villageCode" = v.code
        WHERE v."isPoor" AND v."townshipCode" = ${q.township} AND ${sqlCodesWithin(Prisma.sql`v.code`, o.scopeCode)}
        ORDER BY v.code`;
      // The latest exit procedure of each village (a completed one has also recorded its exitedYear).
      const exits = await prisma.exit.findMany({
        where: { level: 'VILLAGE', code: { in: rows.map((v) => v.code) } },
        orderBy: [{ year: 'asc' }, { requestedAt: 'asc' }],
      });
      const latestExit = new Map(exits.map((e) => [e.code, e]));
      villages = rows.map((v) => {
        const poor = n(v.poorPopulation);
        const e = latestExit.get(v.code);
        const share = poorShare(poor, v.population);
        return {
          code: v.code,
          name: v.name,
          plannedExitYear: v.plannedExitYear,
          exitedYear: v.exitedYear,
          behind: behindExitPlan(v, year, currentYear),
          population: v.population,
          poorPopulation: poor,
          poorShare: share === null ? null : Math.round(share * 10_000) / 10_000,
          mayExit: mayExit(share, threshold),
          exit: e ? { exitId: e.id, year: e.year, stage: e.stage, status: e.status } : null,
        };
      });
    }
    res.json({
      year,
      threshold,
      totals,
      townships: townshipItems,
      ...(villages ? { villages } : {}),
    } satisfies z.input<typeof ZExitPlanResponse>);
  });

  r.get('/assessment/townships', async (req, res) => {
    const o = caller(req);
    const q = parseOr400(ZAssessmentQuery, req.query, 'query');
    const now = new Date();
    const year = q.year ?? chinaYear(now);
    const { start, end } = chinaYearBounds(year);
    const scope = townshipScope(o);
    const townships = await prisma.township.findMany({ where: { code: codesWithin(scope) }, orderBy: { code: 'asc' } });
    const [rounds, findings, exits, accuracy] = await Promise.all([
      // A round counts in the year it started; "overdue now" counts every open round past its stage deadline.
      prisma.$queryRaw<
        { townshipCode: string; total: bigint; completed: bigint; onTime: bigint; overdueNow: bigint }[]
      >`
        SELECT r."townshipCode",
               count(*) FILTER (WHERE y.inYear) AS total,
               count(*) FILTER (WHERE y.inYear AND r.status = 'COMPLETED') AS completed,
               count(*) FILTER (WHERE y.inYear AND r.status = 'COMPLETED' AND NOT EXISTS (
                 SELECT 1 FROM "Decision" d WHERE d."roundId" = r.id AND d.kind = 'DEADLINE_REMINDER')) AS "onTime",
               count(*) FILTER (WHERE r.status = 'OPEN' AND r."stageDeadline" < ${now}::timestamp(3)) AS "overdueNow"
        FROM "Round" r
        CROSS JOIN LATERAL (SELECT r."startedAt" >= ${start}::timestamp(3)
                                   AND r."startedAt" < ${end}::timestamp(3) AS inYear) y
        WHERE ${sqlCodesWithin(Prisma.sql`r."townshipCode"`, scope)} AND (y.inYear OR r.status = 'OPEN')
        GROUP BY r."townshipCode"`,
      prisma.supervisionFinding.groupBy({
        by: ['townshipCode', 'kind'],
        where: { status: 'OPEN', townshipCode: codesWithin(scope) },
        _count: { _all: true },
      }),
      prisma.$queryRaw<{ townshipCode: string; planned: bigint; exited: bigint }[]>`
        SELECT "townshipCode",
               count(*) FILTER (WHERE "plannedExitYear" = ${year}::int) AS planned,
               count(*) FILTER (WHERE "exitedYear" = ${year}::int) AS exited
        FROM "Village" WHERE "isPoor" AND ${sqlCodesWithin(Prisma.sql`"townshipCode"`, scope)}
        GROUP BY "townshipCode"`,
      accuracyFigures(prisma, { townshipCodes: townships.map((t) => t.code), year }),
    ]);
    const roundsBy = new Map(rounds.map((x) => [x.townshipCode, x]));
    const exitsBy = new Map(exits.map((x) => [x.townshipCode, x]));
    const findingsBy = new Map<string, Record<string, number>>();
    for (const f of findings) {
      if (!f.townshipCode) continue;
      const m = findingsBy.get(f.townshipCode) ?? {};
      m[f.kind] = f._count._all;
      findingsBy.set(f.townshipCode, m);
    }
    res.json({
      year,
      items: townships.map((t) => {
        const x = roundsBy.get(t.code);
        const e = exitsBy.get(t.code);
        const open = findingsBy.get(t.code) ?? {};
        return {
          code: t.code,
          name: t.name,
          rounds: {
            total: n(x?.total),
            completed: n(x?.completed),
            completedOnTime: n(x?.onTime),
            overdueNow: n(x?.overdueNow),
          },
          openFindings: { total: Object.values(open).reduce((s, c) => s + c, 0), byKind: open },
          exits: {
            planned: n(e?.planned),
            exited: n(e?.exited),
            township: { plannedExitYear: t.plannedExitYear, exitedYear: t.exitedYear },
          },
          accuracy: accuracy.townships[t.code]!,
        };
      }),
    } satisfies z.input<typeof ZTownshipScorecardResponse>);
  });

  r.get('/assessment/county', async (req, res) => {
    const o = requireRole(req, ['COUNTY', 'ADMIN'], 'The county’s figures');
    const q = parseOr400(ZAssessmentQuery, req.query, 'query');
    const year = q.year ?? chinaYear(Date.now());
    const countyCode = o.scopeCode.slice(0, 6);
    const townships = await prisma.township.findMany({
      where: { code: codesWithin(countyCode) },
      select: { code: true },
    });
    const { total } = await accuracyFigures(prisma, { townshipCodes: townships.map((t) => t.code), year });
    res.json({
      year,
      countyCode,
      townships: townships.length,
      accuracy: total,
    } satisfies z.input<typeof ZCountyAssessmentResponse>);
  });

  return r;
}

/** The operations of this router, for the OpenAPI document (api/openapi.ts). */
export const exitPlanOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/exit-plan',
    operationId: 'getExitPlan',
    summary: 'The exit plan (脱贫时序): planned against actual exits, by township',
    tag: 'exit-plan',
    query: ZExitPlanQuery,
    responses: { 200: { description: 'The plan for the year.', schema: ZExitPlanResponse } },
    problems: [400, 403],
  },
  {
    method: 'get',
    path: '/assessment/townships',
    operationId: 'getTownshipScorecard',
    summary: 'The township scorecard: rounds, open findings, exits and the three accuracy figures for the year',
    tag: 'exit-plan',
    query: ZAssessmentQuery,
    responses: { 200: { description: 'One row per township.', schema: ZTownshipScorecardResponse } },
    problems: [400],
  },
  {
    method: 'get',
    path: '/assessment/county',
    operationId: 'getCountyAssessment',
    summary: 'The county’s three accuracy figures (错退率, 漏评率, 群众认可度) for the year, pooled over its townships',
    description: 'The townships’ numerators and denominators are summed, never their rates averaged.',
    tag: 'assessment',
    query: ZAssessmentQuery,
    responses: { 200: { description: 'The county’s figures.', schema: ZCountyAssessmentResponse } },
    problems: [400, 403],
  },
];
