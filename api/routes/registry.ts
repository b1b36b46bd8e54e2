import { Router } from 'express';
import { z } from 'zod';
import {
  CATEGORIES,
  CAUSES,
  ENTRY_REASONS,
  EXIT_REASONS,
  HOUSEHOLD_STATUSES,
  STAGES,
  type Category,
  type Cause,
  type EntryReason,
  type ExitReason,
  type HouseholdStatus,
} from '../../domain/enums';
import { maskIdNumber, maskPhone } from '../../domain/idNumber';
import { rawQuery, type PrismaClient } from '../../infra/db';
import { householdListQuery } from './list-queries';
import { caller } from '../auth';
import { decodeCursor, page, ZPage } from '../pagination';
import { badRequest, notFound, parseOr400 } from '../problem';
import { mark } from '../timing';
import { ZHouseholdListQuery, ZTownshipCode, ZVillageCode } from '../schemas';
import { codesWithin, inScope, requireScope, seesIdNumbers } from '../scope';
import type { Official } from '../auth';
import { pageOf, ZDateTime, type ApiOperation } from '../responses';
import { householdFactsView, ZHouseholdFactsView } from './facts';

export const ZVillageCodeParam = ZVillageCode;
export const ZHouseholdId = z.string().uuid('must be a UUID');
export const ZVillagesQuery = ZPage.extend({ township: ZTownshipCode.optional() });

export const ZTownshipListResponse = pageOf(
  z
    .object({
      code: z.string(),
      name: z.string(),
      countyCode: z.string(),
      plannedExitYear: z.number().int().nullable(),
      exitedYear: z.number().int().nullable(),
      villageCount: z.number().int(),
    })
    .meta({ id: 'Township' }),
);

export const ZVillage = z
  .object({
    code: z.string(),
    name: z.string(),
    townshipCode: z.string(),
    belt: z.number().int().nullable(),
    isPoor: z.boolean(),
    plannedExitYear: z.number().int().nullable(),
    exitedYear: z.number().int().nullable(),
  })
  .meta({ id: 'Village' });
export const ZVillageListResponse = pageOf(ZVillage);

export const ZVillageDetail = ZVillage.extend({
  townshipName: z.string(),
  households: z
    .partialRecord(z.enum(HOUSEHOLD_STATUSES), z.object({ households: z.number().int(), people: z.number().int() }))
    .meta({ description: 'Households and people by household status.' }),
  openRound: z.object({ id: z.string(), stage: z.enum(STAGES), stageDeadline: ZDateTime.nullable() }).nullable(),
  responsibility: z.object({ unit: z.string(), personName: z.string(), since: ZDateTime }).nullable(),
}).meta({ id: 'VillageDetail' });

export const ZHousehold = z
  .object({
    id: z.string(),
    registryNo: z.string(),
    villageCode: z.string(),
    headName: z.string(),
    idNumber: z.string(),
    idNumberMasked: z.boolean(),
    phone: z.string().nullable(),
    size: z.number().int(),
    category: z.enum(CATEGORIES).nullable(),
    status: z.enum(HOUSEHOLD_STATUSES),
    cause: z.enum(CAUSES).nullable(),
    entryReason: z.enum(ENTRY_REASONS).nullable(),
    exitReason: z.enum(EXIT_REASONS).nullable(),
    registeredOn: ZDateTime.nullable(),
    exitedOn: ZDateTime.nullable(),
  })
  .meta({ id: 'Household' });
export const ZHouseholdListResponse = pageOf(ZHousehold);

export const ZHouseholdDetail = ZHousehold.extend({
  changes: z.array(
    z.object({
      at: ZDateTime,
      action: z.string(),
      roundId: z.string().nullable(),
      fromStatus: z.enum(HOUSEHOLD_STATUSES).nullable(),
      toStatus: z.enum(HOUSEHOLD_STATUSES),
      fromCategory: z.enum(CATEGORIES).nullable(),
      toCategory: z.enum(CATEGORIES).nullable(),
      cause: z.enum(CAUSES).nullable(),
      entryReason: z.enum(ENTRY_REASONS).nullable(),
      exitReason: z.enum(EXIT_REASONS).nullable(),
      decidedById: z.string().nullable(),
    }),
  ),
  facts: ZHouseholdFactsView.meta({
    description: 'Members, incomes with each year’s poverty line, indicators, and the history of their changes.',
  }),
}).meta({ id: 'HouseholdDetail' });

/** The columns a household's view needs (GET /households reads exactly these). */
type HouseholdRow = Parameters<typeof householdView>[1];

export function householdView(
  o: Official,
  h: {
    id: string;
    registryNo: string;
    villageCode: string;
    headName: string;
    idNumber: string;
    phone: string | null;
    size: number;
    category: Category | null;
    status: HouseholdStatus;
    cause: Cause | null;
    entryReason: EntryReason | null;
    exitReason: ExitReason | null;
    registeredOn: Date | null;
    exitedOn: Date | null;
  },
): z.input<typeof ZHousehold> {
  const full = seesIdNumbers(o, h.villageCode);
  return {
    id: h.id,
    registryNo: h.registryNo,
    villageCode: h.villageCode,
    headName: h.headName,
    idNumber: full ? h.idNumber : maskIdNumber(h.idNumber),
    idNumberMasked: !full,
    phone: h.phone ? (full ? h.phone : maskPhone(h.phone)) : null,
    size: h.size,
    category: h.category,
    status: h.status,
    cause: h.cause,
    entryReason: h.entryReason,
    exitReason: h.exitReason,
    registeredOn: h.registeredOn,
    exitedOn: h.exitedOn,
  };
}

export function registryRouter(prisma: PrismaClient): Router {
  const r = Router();

  r.get('/townships', async (req, res) => {
    const o = caller(req);
    const q = parseOr400(ZPage, req.query, 'query');
    const after = decodeCursor(q.cursor);
    // A village official sees its own township too: codes nest, so test both directions.
    const scopes = [o.scopeCode.slice(0, 9), o.scopeCode];
    const rows = await prisma.township.findMany({
      where: {
        OR: [{ code: { startsWith: o.scopeCode } }, { code: { in: scopes } }],
        ...(after ? { code: { gt: after } } : {}),
      },
      orderBy: { code: 'asc' },
      take: q.limit + 1,
      include: { _count: { select: { villages: true } } },
    });
    const p = page(rows, q.limit, (t) => t.code);
    res.json({
      items: p.items.map((t) => ({
        code: t.code,
        name: t.name,
        countyCode: t.countyCode,
        plannedExitYear: t.plannedExitYear,
        exitedYear: t.exitedYear,
        villageCount: t._count.villages,
      })),
      nextCursor: p.nextCursor,
    } satisfies z.input<typeof ZTownshipListResponse>);
  });

  r.get('/villages', async (req, res) => {
    const o = caller(req);
    const q = parseOr400(ZVillagesQuery, req.query, 'query');
    const after = decodeCursor(q.cursor);
    // A village official may name its own township; anyone else only townships inside their jurisdiction.
    if (q.township && !inScope(o, q.township) && !o.scopeCode.startsWith(q.township)) {
      requireScope(o, q.township, `Township ${q.township}`);
    }
    const rows = await prisma.village.findMany({
      where: {
        code: { ...codesWithin(o.scopeCode), ...(after ? { gt: after } : {}) },
        ...(q.township ? { townshipCode: q.township } : {}),
      },
      orderBy: { code: 'asc' },
      take: q.limit + 1,
    });
    const p = page(rows, q.limit, (v) => v.code);
    res.json({ items: p.items.map(villageView), nextCursor: p.nextCursor } satisfies z.input<
      typeof ZVillageListResponse
    >);
  });

  r.get('/villages/:code', async (req, res) => {
    const o = caller(req);
    const code = parseOr400(ZVillageCodeParam, req.params.code, 'village code');
    // Jurisdiction first, so that outsiders cannot probe which codes exist.
    requireScope(o, code, `Village ${code}`);
    const v = await prisma.village.findUnique({ where: { code }, include: { township: true } });
    if (!v) throw notFound(`No village ${code}.`);
    const [byStatus, openRound, responsibility] = await Promise.all([
      prisma.household.groupBy({ by: ['status'], where: { villageCode: code }, _count: true, _sum: { size: true } }),
      prisma.round.findUnique({
        where: { openVillageCode: code },
        select: { id: true, stage: true, stageDeadline: true },
      }),
      prisma.responsibilityAssignment.findFirst({
        where: { subject: 'VILLAGE', villageCode: code, toDate: null },
        orderBy: { fromDate: 'desc' },
      }),
    ]);
    res.json({
      ...villageView(v),
      townshipName: v.township.name,
      households: Object.fromEntries(
        byStatus.map((g) => [g.status, { households: g._count, people: g._sum.size ?? 0 }]),
      ),
      openRound,
      responsibility: responsibility
        ? { unit: responsibility.unit, personName: responsibility.personName, since: responsibility.fromDate }
        : null,
    } satisfies z.input<typeof ZVillageDetail>);
  });

  r.get('/households', async (req, res) => {
    const o = caller(req);
    mark(res, 'routing');
    const q = parseOr400(ZHouseholdListQuery, req.query, 'query');
    const after = householdCursor(decodeCursor(q.cursor));
    mark(res, 'validation');
    if (q.village) requireScope(o, q.village, `Village ${q.village}`);
    mark(res, 'query');
    // Village by village, then by registry number: the (villageCode, registryNo) index serves this order for a
    // village, a township or the county alike, where ordering by registry number alone made PostgreSQL walk the
    // whole registry for a township late in the order (docs/BENCHMARKS.md, bench:reads).
    const rows = await rawQuery<HouseholdRow>(prisma, householdListQuery(o, q, after));
    mark(res, 'database');
    const p = page(rows, q.limit, (h) => `${h.villageCode}:${h.registryNo}`);
    const body = {
      items: p.items.map((h) => householdView(o, h)),
      nextCursor: p.nextCursor,
    } satisfies z.input<typeof ZHouseholdListResponse>;
    mark(res, 'mapping');
    res.json(body);
  });

  r.get('/households/:id', async (req, res) => {
    const o = caller(req);
    const id = parseOr400(ZHouseholdId, req.params.id, 'household id');
    const h = await prisma.household.findUnique({
      where: { id },
      include: { changes: { orderBy: { at: 'asc' } } },
    });
    if (!h) throw notFound(`No household ${id}.`);
    requireScope(o, h.villageCode, `Household ${id}`);
    res.json({
      ...householdView(o, h),
      changes: h.changes.map((c) => ({
        at: c.at,
        action: c.action,
        roundId: c.roundId,
        fromStatus: c.fromStatus,
        toStatus: c.toStatus,
        fromCategory: c.fromCategory,
        toCategory: c.toCategory,
        cause: c.cause,
        entryReason: c.entryReason,
        exitReason: c.exitReason,
        decidedById: c.decidedById,
      })),
      facts: await householdFactsView(prisma, o, h),
    } satisfies z.input<typeof ZHouseholdDetail>);
  });

  return r;
}

/** A households cursor is `<village code>:<registry number>` of the last item of the page before. */
function householdCursor(value: string | undefined): { villageCode: string; registryNo: string } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{12}):(.+)$/.exec(value);
  if (!m) throw badRequest('Invalid cursor.', undefined, 'INVALID_CURSOR');
  return { villageCode: m[1]!, registryNo: m[2]! };
}

function villageView(v: {
  code: string;
  name: string;
  townshipCode: string;
  belt: number | null;
  isPoor: boolean;
  plannedExitYear: number | null;
  exitedYear: number | null;
}): z.input<typeof ZVillage> {
  return {
    code: v.code,
    name: v.name,
    townshipCode: v.townshipCode,
    belt: v.belt,
    isPoor: v.isPoor,
    plannedExitYear: v.plannedExitYear,
    exitedYear: v.exitedYear,
  };
}

/** The operations of this router, for the OpenAPI document (api/openapi.ts). */
export const registryOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/townships',
    operationId: 'listTownships',
    summary: 'Townships in (or above, for a village official) the caller’s jurisdiction',
    tag: 'registry',
    query: ZPage,
    responses: { 200: { description: 'A page of townships, by code.', schema: ZTownshipListResponse } },
    problems: [400],
  },
  {
    method: 'get',
    path: '/villages',
    operationId: 'listVillages',
    summary: 'Villages in the caller’s jurisdiction',
    tag: 'registry',
    query: ZVillagesQuery,
    responses: { 200: { description: 'A page of villages, by code.', schema: ZVillageListResponse } },
    problems: [400, 403],
  },
  {
    method: 'get',
    path: '/villages/{code}',
    operationId: 'getVillage',
    summary: 'A village with its household counts, open round and responsible unit',
    tag: 'registry',
    params: z.object({ code: ZVillageCodeParam }),
    responses: { 200: { description: 'The village.', schema: ZVillageDetail } },
    problems: [400, 403, 404],
  },
  {
    method: 'get',
    path: '/households',
    operationId: 'listHouseholds',
    summary: 'Registered households (建档立卡户) in the caller’s jurisdiction',
    description: 'ID numbers and phones are masked unless the caller is of the household’s village or township.',
    tag: 'registry',
    query: ZHouseholdListQuery,
    responses: {
      200: { description: 'A page of households, by village and registry number.', schema: ZHouseholdListResponse },
    },
    problems: [400, 403],
  },
  {
    method: 'get',
    path: '/households/{id}',
    operationId: 'getHousehold',
    summary: 'A household with its registry changes and its facts',
    tag: 'registry',
    params: z.object({ id: ZHouseholdId }),
    responses: { 200: { description: 'The household.', schema: ZHouseholdDetail } },
    problems: [400, 403, 404],
  },
];
