// A household's facts (members, yearly per-capita income, the two assurances and three guarantees) and their history,
// read in GET /households/{id} and changed by PUT /households/{id}/facts; the poverty line per year, GET /poverty-lines.
import { Router } from 'express';
import { z } from 'zod';
import {
  HEALTH_STATUSES,
  LABOUR_ABILITIES,
  MEMBER_RELATIONS,
  SCHOOLINGS,
  SEXES,
  type HouseholdFacts,
} from '../../domain/facts';
import { maskIdNumber } from '../../domain/idNumber';
import { Prisma, rawQuery, sqlOf, utcTimestamp, type PrismaClient } from '../../infra/db';
import {
  COUNTY_ENTERED_SOURCE,
  factsChanges,
  factsColumns,
  factsWrites,
  povertyLines,
  recordedFacts,
  type StoredFacts,
} from '../../infra/facts';
import { together } from '../../infra/sql';
import { caller, requireRole, type Official } from '../auth';
import { ZFacts, ZIndicators } from '../facts-schemas';
import { notFound, parseOr400 } from '../problem';
import { ZDateTime, type ApiOperation } from '../responses';
import { ZUuid } from '../schemas';
import { requireScope, seesIdNumbers } from '../scope';

const ZScalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const ZFactsChange = z
  .object({
    at: ZDateTime,
    source: z.string().meta({ description: 'API, IMPORT, SEED or ROUND (a round that entered a new household).' }),
    changedById: z.string().nullable(),
    changedByName: z.string().nullable(),
    changes: z.array(z.object({ path: z.string(), from: ZScalar, to: ZScalar })).meta({
      description: 'Field by field (`members.2.health`, `incomes.2020`, `indicators.housing`); ID numbers masked.',
    }),
  })
  .meta({ id: 'FactsChange' });

export const ZHouseholdFactsView = z
  .object({
    members: z.array(
      z.object({
        seq: z.number().int(),
        name: z.string(),
        relation: z.enum(MEMBER_RELATIONS),
        idNumber: z.string().nullable(),
        idNumberMasked: z.boolean(),
        birthYear: z.number().int(),
        sex: z.enum(SEXES),
        health: z.enum(HEALTH_STATUSES),
        schooling: z.enum(SCHOOLINGS),
        labour: z.enum(LABOUR_ABILITIES),
      }),
    ),
    incomes: z.array(
      z.object({
        year: z.number().int(),
        perCapita: z.number().int(),
        line: z.number().int().nullable().meta({ description: 'The poverty line of that year; null: none recorded.' }),
        aboveLine: z.boolean().nullable().meta({ description: 'Above the line; null when the year has no line.' }),
      }),
    ),
    indicators: ZIndicators.nullable().meta({ description: 'Null until assessed.' }),
    history: z.array(ZFactsChange),
  })
  .meta({ id: 'HouseholdFactsView' });

export const ZPutFactsResponse = z.object({
  changed: z.boolean().meta({ description: 'False when the sections given were already recorded as they are.' }),
  facts: ZHouseholdFactsView,
});

export const ZPovertyLinesResponse = z.object({
  items: z.array(
    z
      .object({
        year: z.number().int(),
        perCapita: z.number().int().meta({ description: 'Yuan per person per year, at that year’s prices.' }),
        source: z.string(),
        enteredByCounty: z.boolean().meta({ description: 'Entered by the county, not a published default.' }),
        updatedAt: ZDateTime,
      })
      .meta({ id: 'PovertyLine' }),
  ),
});

/** The facts of a household as `o` may see them: members' ID numbers masked as the household's own are. */
export async function householdFactsView(
  prisma: PrismaClient,
  o: Official,
  household: { id: string; villageCode: string },
): Promise<z.input<typeof ZHouseholdFactsView>> {
  const full = seesIdNumbers(o, household.villageCode);
  // One statement: the facts, the poverty lines and the history of changes.
  const id = Prisma.sql`${household.id}::uuid`;
  const [row] = await rawQuery<
    StoredFacts & {
      lines: { year: number; perCapita: number }[];
      history: {
        changedAt: string;
        source: string;
        changedById: string | null;
        changedByName: string | null;
        changes: unknown;
      }[];
    }
  >(
    prisma,
    Prisma.sql`
      SELECT ${factsColumns(id)},
        (SELECT coalesce(json_agg(json_build_object('year', l."year", 'perCapita', l."perCapita")), '[]')
           FROM "PovertyLine" l) AS "lines",
        (SELECT coalesce(json_agg(json_build_object('changedAt', c."changedAt", 'source', c."source",
                  'changedById', c."changedById", 'changedByName', c."changedByName", 'changes', c."changes")
                  ORDER BY c."changedAt"), '[]')
           FROM "HouseholdFactsChange" c WHERE c."householdId" = ${id}) AS "history"`,
  );
  const facts = recordedFacts(row!);
  const { lines } = row!;
  const history = row!.history.map((h) => ({ ...h, changedAt: utcTimestamp(h.changedAt) }));
  const lineOf = new Map(lines.map((l) => [l.year, l.perCapita]));
  return {
    members: facts.members.map((m, i) => ({
      seq: i + 1,
      ...m,
      idNumber: m.idNumber === undefined ? null : full ? m.idNumber : maskIdNumber(m.idNumber),
      idNumberMasked: !full,
    })),
    incomes: facts.incomes.map((i) => {
      const line = lineOf.get(i.year) ?? null;
      return { ...i, line, aboveLine: line === null ? null : i.perCapita > line };
    }),
    indicators: facts.indicators,
    history: history.map((h) => ({
      at: h.changedAt,
      source: h.source,
      changedById: h.changedById,
      changedByName: h.changedByName,
      changes: h.changes as z.input<typeof ZFactsChange>['changes'],
    })),
  };
}

/**
 * Who records a household's facts: those who visit it (入户调查), the village and its township. The county checks them
 * by its spot checks and verifications, and does not write them.
 */
const FACT_WRITERS: Official['role'][] = ['VILLAGE', 'TOWNSHIP'];

export function factsRouter(prisma: PrismaClient): Router {
  const r = Router();

  r.put('/households/:id/facts', async (req, res) => {
    const o = requireRole(req, FACT_WRITERS, "Recording a household's facts");
    const id = parseOr400(ZUuid, req.params.id, 'household id');
    // The household with its facts as recorded, in one statement; the change in one more (factsWrites: atomic).
    const [h] = await rawQuery<{ id: string; villageCode: string } & StoredFacts>(
      prisma,
      Prisma.sql`SELECT h."id"::text AS "id", h."villageCode", ${factsColumns(Prisma.sql`h."id"`)}
                 FROM "Household" h WHERE h."id" = ${id}::uuid`,
    );
    if (!h) throw notFound(`No household ${id}.`);
    requireScope(o, h.villageCode, `Household ${id}`);
    const body: HouseholdFacts = parseOr400(ZFacts, req.body);
    const changes = factsChanges(recordedFacts(h), body);
    if (changes.length > 0) {
      const by = { id: o.id, name: o.name, source: 'API', at: new Date() } as const;
      await sqlOf(prisma).query(together(factsWrites(id, body, changes, by)));
    }
    res.json({
      changed: changes.length > 0,
      facts: await householdFactsView(prisma, o, h),
    } satisfies z.input<typeof ZPutFactsResponse>);
  });

  r.get('/poverty-lines', async (req, res) => {
    caller(req);
    const lines = await povertyLines(sqlOf(prisma));
    res.json({
      items: lines.map((l) => ({
        year: l.year,
        perCapita: l.perCapita,
        source: l.source,
        enteredByCounty: l.enteredById !== null || l.source.includes(COUNTY_ENTERED_SOURCE),
        updatedAt: l.updatedAt,
      })),
    } satisfies z.input<typeof ZPovertyLinesResponse>);
  });

  return r;
}

/** The operations of this router, for the OpenAPI document (api/openapi.ts). */
export const factsOperations: ApiOperation[] = [
  {
    method: 'put',
    path: '/households/{id}/facts',
    operationId: 'putHouseholdFacts',
    summary: 'Record a household’s facts: members, yearly per-capita income, the two assurances and three guarantees',
    description:
      'VILLAGE of the household’s village or TOWNSHIP of its township. Each section given (members, incomes, indicators) replaces the recorded one whole; what changed is kept in the history with who and when (ID numbers masked).',
    tag: 'registry',
    params: z.object({ id: ZUuid }),
    body: ZFacts,
    responses: { 200: { description: 'The facts as they now stand.', schema: ZPutFactsResponse } },
    problems: [403, 404],
  },
  {
    method: 'get',
    path: '/poverty-lines',
    operationId: 'listPovertyLines',
    summary: 'The national rural poverty line per year (国家农村贫困标准), with its source',
    description: 'Published figures with their source; years the county entered (CLI `poverty-line set`) say so.',
    tag: 'registry',
    responses: { 200: { description: 'Every year with a line, by year.', schema: ZPovertyLinesResponse } },
    problems: [],
  },
];
