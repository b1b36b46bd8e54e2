// Reports for the county office: the household roster (花名册) as CSV or XLSX, the registry's statistics, and the
// exit timetable chart (脱贫时序图) as SVG rendered on the server.
import { Router } from 'express';
import { z } from 'zod';
import { CATEGORIES, CAUSES, ENTRY_REASONS, EXIT_REASONS, HOUSEHOLD_STATUSES } from '../../domain/enums';
import {
  EXIT_CHART_SIZE,
  exitChartDescription,
  exitChartOption,
  exitChartTitle,
  type ExitPlanYear,
} from '../../domain/exit-chart';
import { chinaDate } from '../../domain/roster';
import { chinaYear, chinaYearBounds } from '../../domain/supervision';
import { Prisma, type PrismaClient } from '../../infra/db';
import { caller } from '../auth';
import { notFound, parseOr400 } from '../problem';
import { type ApiOperation } from '../responses';
import {
  attachment,
  CSV_TYPE,
  rosterHouseholds,
  streamRosterCsv,
  streamRosterXlsx,
  XLSX_TYPE,
  type RosterPlace,
} from '../roster';
import { ZTownshipCode, ZVillageCode } from '../schemas';
import { codesWithin, requireScope, sqlCodesWithin } from '../scope';
import { exitPlanFor, figuresScope, ZYear } from './exit-plan';

export const ZRosterQuery = z
  .object({
    village: ZVillageCode.optional(),
    township: ZTownshipCode.optional(),
    format: z.enum(['csv', 'xlsx']),
  })
  .superRefine((q, ctx) => {
    if ((q.village === undefined) === (q.township === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['village'], message: 'give exactly one of village or township' });
    }
  });

export const ZStatisticsQuery = z.object({ township: ZTownshipCode.optional(), year: ZYear.optional() });
export const ZExitChartQuery = z.object({ township: ZTownshipCode.optional() });

const ZCount = z.number().int();
const ZHouseholdsPeople = z.object({ households: ZCount, people: ZCount }).meta({ id: 'HouseholdsAndPeople' });
const byReason = <T extends readonly [string, ...string[]]>(reasons: T) =>
  z.object({
    total: ZCount,
    byReason: z.record(z.enum(reasons), ZCount),
    unspecified: ZCount.meta({ description: 'Recorded without a reason (rounds of the rules of version 1).' }),
  });

export const ZStatisticsResponse = z.object({
  scopeCode: z.string(),
  name: z.string().meta({ description: 'The township’s or the county’s name.' }),
  year: z.number().int(),
  households: z.object({
    byStatus: z.record(z.enum(HOUSEHOLD_STATUSES), ZHouseholdsPeople),
    registered: z
      .object({
        total: ZHouseholdsPeople,
        byCause: z.record(z.enum(CAUSES), ZHouseholdsPeople),
        causeUnspecified: ZHouseholdsPeople,
        byCategory: z.record(z.enum(CATEGORIES), ZHouseholdsPeople),
        categoryUnspecified: ZHouseholdsPeople,
      })
      .meta({ description: 'Households registered now (REGISTERED), by cause of poverty and by category.' }),
  }),
  entries: byReason(ENTRY_REASONS).meta({ description: 'Households that entered the registry in `year`, by reason.' }),
  exits: byReason(EXIT_REASONS).meta({ description: 'Households that exited the registry in `year`, by reason.' }),
});

/** GET /reports/roster, /reports/statistics and /reports/exit-plan.svg. */
export function reportsRouter(prisma: PrismaClient): Router {
  const r = Router();

  r.get('/reports/roster', async (req, res) => {
    const o = caller(req);
    const q = parseOr400(ZRosterQuery, req.query, 'query');
    const code = (q.village ?? q.township)!;
    // As the registry's reads: jurisdiction first, so that outsiders cannot probe which codes exist.
    requireScope(o, code, `${q.village ? 'Village' : 'Township'} ${code}`);
    const place = await rosterPlace(prisma, code);
    if (!place) throw notFound(`No ${q.village ? 'village' : 'township'} ${code}.`);
    const today = chinaDate(new Date());
    const name = `花名册-${place.title}-${today}.${q.format}`;
    res.setHeader('Content-Disposition', attachment(name, `roster-${code}-${today}.${q.format}`));
    res.setHeader('Cache-Control', 'no-store');
    res.type(q.format === 'csv' ? CSV_TYPE : XLSX_TYPE);
    const batches = rosterHouseholds(prisma, o, place);
    try {
      if (q.format === 'csv') await streamRosterCsv(res, batches);
      else await streamRosterXlsx(res, batches, `${place.title}建档立卡贫困户花名册（制表日期：${today}）`);
    } catch (err) {
      // Once the first bytes are out, a problem response can no longer be sent: cut the download short instead.
      if (!res.headersSent) throw err;
      res.destroy(err as Error);
    }
  });

  r.get('/reports/statistics', async (req, res) => {
    const o = caller(req);
    const q = parseOr400(ZStatisticsQuery, req.query, 'query');
    const scope = figuresScope(o, q.township);
    const year = q.year ?? chinaYear(Date.now());
    const { start, end } = chinaYearBounds(year);
    const [name, households, changes] = await Promise.all([
      placeName(prisma, scope),
      prisma.household.groupBy({
        by: ['status', 'cause', 'category'],
        where: { villageCode: codesWithin(scope) },
        _count: { _all: true },
        _sum: { size: true },
      }),
      prisma.$queryRaw<{ action: string; reason: string | null; n: number }[]>`
        SELECT c.action, COALESCE(c."entryReason"::text, c."exitReason"::text) AS reason, count(*)::int AS n
        FROM "RegistryChange" c JOIN "Household" h ON h.id = c."householdId"
        WHERE c.action IN ('ENTER', 'EXIT') AND c.at >= ${start}::timestamp(3) AND c.at < ${end}::timestamp(3)
          AND ${sqlCodesWithin(Prisma.sql`h."villageCode"`, scope)}
        GROUP BY 1, 2`,
    ]);
    if (name === null) throw notFound(`No township ${scope}.`);
    const zero = () => ({ households: 0, people: 0 });
    const counts = <K extends string>(keys: readonly K[]) =>
      Object.fromEntries(keys.map((k) => [k, zero()])) as Record<K, { households: number; people: number }>;
    const byStatus = counts(HOUSEHOLD_STATUSES);
    const byCause = counts(CAUSES);
    const byCategory = counts(CATEGORIES);
    const total = zero();
    const causeUnspecified = zero();
    const categoryUnspecified = zero();
    const add = (to: { households: number; people: number }, n: number, people: number) => {
      to.households += n;
      to.people += people;
    };
    for (const g of households) {
      const n = g._count._all;
      const people = g._sum.size ?? 0;
      add(byStatus[g.status], n, people);
      if (g.status !== 'REGISTERED') continue;
      add(total, n, people);
      add(g.cause ? byCause[g.cause] : causeUnspecified, n, people);
      add(g.category ? byCategory[g.category] : categoryUnspecified, n, people);
    }
    const reasons = <K extends string>(action: 'ENTER' | 'EXIT', keys: readonly K[]) => {
      const byReason = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
      let unspecified = 0;
      for (const c of changes.filter((x) => x.action === action)) {
        if (c.reason !== null && (keys as readonly string[]).includes(c.reason)) byReason[c.reason as K] += c.n;
        else unspecified += c.n;
      }
      return { total: Object.values<number>(byReason).reduce((s, x) => s + x, unspecified), byReason, unspecified };
    };
    res.json({
      scopeCode: scope,
      name,
      year,
      households: {
        byStatus,
        registered: { total, byCause, causeUnspecified, byCategory, categoryUnspecified },
      },
      entries: reasons('ENTER', ENTRY_REASONS),
      exits: reasons('EXIT', EXIT_REASONS),
    } satisfies z.input<typeof ZStatisticsResponse>);
  });

  r.get('/reports/exit-plan.svg', async (req, res) => {
    const o = caller(req);
    const q = parseOr400(ZExitChartQuery, req.query, 'query');
    const scope = figuresScope(o, q.township);
    const name = await placeName(prisma, scope);
    if (name === null) throw notFound(`No township ${scope}.`);
    const now = new Date();
    const years = await exitPlanYears(prisma, scope, chinaYear(now));
    res.setHeader('Cache-Control', 'no-store');
    res.type('image/svg+xml; charset=utf-8').send(await renderExitChart(name, years, chinaDate(now)));
  });

  return r;
}

/** The name of a township, or of the county (a 6-digit scope); null when there is none. */
async function placeName(prisma: PrismaClient, scope: string): Promise<string | null> {
  if (scope.length === 6) return (await prisma.county.findUnique({ where: { code: scope } }))?.name ?? null;
  return (await prisma.township.findUnique({ where: { code: scope } }))?.name ?? null;
}

/** A village or township of the roster, with the names its rows carry; null when it does not exist. */
async function rosterPlace(prisma: PrismaClient, code: string): Promise<RosterPlace | null> {
  const villages = await prisma.village.findMany({
    where: code.length === 12 ? { code } : { townshipCode: code },
    include: { township: true },
  });
  const names = new Map(villages.map((v) => [v.code, { villageName: v.name, townshipName: v.township.name }]));
  if (code.length === 12) {
    const v = villages[0];
    return v ? { code, title: `${v.township.name}${v.name}`, villages: names } : null;
  }
  const t = villages[0]?.township ?? (await prisma.township.findUnique({ where: { code } }));
  return t ? { code, title: t.name, villages: names } : null;
}

/** Years the chart spans: from the first planned or actual exit to the last (at most 40). */
const MAX_YEARS = 40;

/** Planned and actual exits by the end of each year, each year from the same query as GET /exit-plan. */
async function exitPlanYears(prisma: PrismaClient, scope: string, currentYear: number): Promise<ExitPlanYear[]> {
  const select = { plannedExitYear: true, exitedYear: true } as const;
  const [v, t] = await Promise.all([
    prisma.village.aggregate({
      where: { isPoor: true, townshipCode: codesWithin(scope) },
      _min: select,
      _max: select,
    }),
    prisma.township.aggregate({ where: { code: codesWithin(scope) }, _min: select, _max: select }),
  ]);
  const known = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null);
  const firsts = known([v._min.plannedExitYear, v._min.exitedYear, t._min.plannedExitYear, t._min.exitedYear]);
  const lasts = known([v._max.plannedExitYear, v._max.exitedYear, t._max.plannedExitYear, t._max.exitedYear]);
  if (firsts.length === 0) return [];
  const first = Math.min(...firsts);
  const last = Math.min(Math.max(...lasts), first + MAX_YEARS - 1);
  const years = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  return Promise.all(
    years.map(async (year) => {
      const { totals } = await exitPlanFor(prisma, scope, year, currentYear);
      return {
        year,
        villages: { planned: totals.villages.planned, exited: totals.villages.exited },
        townships: totals.townships,
      };
    }),
  );
}

/** The chart as a standalone SVG document: ECharts' server-side SVG renderer, no canvas, no external reference. */
export async function renderExitChart(
  placeName: string,
  years: readonly ExitPlanYear[],
  generatedOn: string,
): Promise<string> {
  // Loaded on first use: the API starts without the charting library.
  const echarts = await import('echarts');
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, ...EXIT_CHART_SIZE });
  try {
    chart.setOption(exitChartOption(placeName, years, generatedOn));
    const svg = chart.renderToSVGString();
    // ECharts' aria option labels the browser's container, not the SVG: name the document and describe it here.
    const label = escapeXml(exitChartDescription(placeName, years));
    const named = svg.replace(
      /<svg\b[^>]*>/,
      (open) =>
        `${open.slice(0, -1)} role="img" aria-label="${label}">` +
        `<title>${escapeXml(exitChartTitle(placeName))}</title><desc>${label}</desc>`,
    );
    return `<?xml version="1.0" encoding="UTF-8"?>\n${named}`;
  } finally {
    chart.dispose();
  }
}

function escapeXml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );
}

const XLSX = { type: 'string', format: 'binary' } as const;

/** The operations of this router, for the OpenAPI document (api/openapi.ts). */
export const reportsOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/reports/roster',
    operationId: 'getRoster',
    summary: 'The household roster (花名册) of a village or a township, as CSV or XLSX',
    description:
      'Registered and exited households (建档立卡户), village by village and by registry number: one row per member, ' +
      'the household’s columns repeated on each (a household without members recorded has one row). Chinese ' +
      'headers. ID numbers are masked as GET /households masks them for the caller. CSV: UTF-8 with a byte-order ' +
      'mark, RFC 4180, text cells starting with = + - @ prefixed with an apostrophe. XLSX: a title row, the header ' +
      'frozen under it. Give exactly one of `village` and `township`; jurisdiction as GET /households.',
    tag: 'reports',
    query: ZRosterQuery,
    responses: {
      200: {
        description: 'The roster, as an attachment.',
        media: { 'text/csv': { type: 'string' }, [XLSX_TYPE]: XLSX },
        headers: { 'Content-Disposition': "attachment; filename*=UTF-8''花名册-<place>-<date>.<format>" },
      },
    },
    problems: [400, 403, 404],
  },
  {
    method: 'get',
    path: '/reports/statistics',
    operationId: 'getStatistics',
    summary: 'Counts of households by status, cause and category, and of the year’s entries and exits by reason',
    description:
      'For `township`, or without it the caller’s jurisdiction (the county for county officials; a village ' +
      'official’s own township). Entries and exits are the registry changes of rounds in `year` (China time; ' +
      'default: this year).',
    tag: 'reports',
    query: ZStatisticsQuery,
    responses: { 200: { description: 'The statistics.', schema: ZStatisticsResponse } },
    problems: [400, 403, 404],
  },
  {
    method: 'get',
    path: '/reports/exit-plan.svg',
    operationId: 'getExitPlanChart',
    summary: 'The exit timetable (脱贫时序) as an SVG chart: planned against actual exits of villages and townships',
    description:
      'Per year, the villages and townships planned to exit and exited by the end of that year, as GET /exit-plan ' +
      'counts them for the same township (or the caller’s jurisdiction); each bar carries its value.',
    tag: 'reports',
    query: ZExitChartQuery,
    responses: { 200: { description: 'The chart.', media: { 'image/svg+xml': { type: 'string' } } } },
    problems: [400, 403, 404],
  },
];
