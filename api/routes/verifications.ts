// County verifications (核查抽样) and their findings, and villagers' approval surveys (群众认可度): what the three
// accuracy figures are computed from (domain/assessment.ts, infra/assessment.ts, GET /assessment/*).
import { Router } from 'express';
import { z } from 'zod';
import { VERIFICATION_FINDINGS, VERIFICATION_KINDS } from '../../domain/assessment';
import { HOUSEHOLD_STATUSES } from '../../domain/enums';
import { maskIdNumber } from '../../domain/idNumber';
import type { PrismaClient } from '../../infra/db';
import { drawVerification, recordFindings, recordSurvey } from '../../infra/verifications';
import { caller, requireRole, type Official } from '../auth';
import { decodeCursor, page, ZPage } from '../pagination';
import { badRequest, conflict, forbidden, notFound, parseOr400 } from '../problem';
import { pageOf, ZDateTime, type ApiOperation } from '../responses';
import { ZTownshipCode, ZUuid, ZVillageCode } from '../schemas';
import { codesWithin, inScope, requireScope, seesIdNumbers } from '../scope';

const ZBodyYear = z
  .number()
  .int()
  .min(2000)
  .max(2100)
  .meta({ examples: [2026] });
const ZQueryYear = z.coerce.number().int().min(2000).max(2100);

export const ZDrawVerification = z
  .object({
    townshipCode: ZTownshipCode,
    year: ZBodyYear.meta({ description: 'EXITED: the households that exited in this calendar year are drawn from.' }),
    kind: z.enum(VERIFICATION_KINDS),
    sampleSize: z.number().int().min(1).max(10_000).meta({ description: '1 to the population drawn from.' }),
  })
  .strict();

export const ZFindingInput = z
  .object({
    householdId: ZUuid,
    finding: z.enum(VERIFICATION_FINDINGS),
    note: z
      .string()
      .trim()
      .min(1)
      .max(1000)
      .optional()
      .meta({ description: 'Required for a finding other than CONFIRMED.' }),
  })
  .strict();
export const ZRecordFindings = z.array(ZFindingInput).min(1).max(1000);

export const ZRecordSurvey = z
  .object({
    villageCode: ZVillageCode,
    year: ZBodyYear,
    respondents: z.number().int().min(1).max(100_000),
    satisfied: z.number().int().min(0).max(100_000).meta({ description: 'At most `respondents`.' }),
  })
  .strict()
  .refine((s) => s.satisfied <= s.respondents, { path: ['satisfied'], message: 'must not exceed respondents' });

export const ZVerificationFilter = ZPage.extend({
  township: ZTownshipCode.optional(),
  year: ZQueryYear.optional(),
  kind: z.enum(VERIFICATION_KINDS).optional(),
});
export const ZSurveyFilter = ZPage.extend({ township: ZTownshipCode.optional(), year: ZQueryYear.optional() });
const ZVerificationParams = z.object({ id: ZUuid });

const ZBy = z.object({ id: z.string(), name: z.string() });

export const ZVerificationSummary = z
  .object({
    id: z.string(),
    townshipCode: z.string(),
    year: z.number().int(),
    kind: z.enum(VERIFICATION_KINDS),
    sampleSize: z.number().int(),
    population: z.number().int().meta({ description: 'How many households the sample was drawn from.' }),
    drawnBy: ZBy,
    drawnAt: ZDateTime,
    found: z
      .partialRecord(z.enum(VERIFICATION_FINDINGS), z.number().int())
      .meta({ description: 'Findings recorded so far, by finding; the rest of the sample is not yet checked.' }),
  })
  .meta({ id: 'VerificationSummary' });

export const ZVerification = ZVerificationSummary.extend({
  samples: z.array(
    z.object({
      seq: z.number().int().meta({ description: 'Order of the draw.' }),
      householdId: z.string(),
      registryNo: z.string(),
      villageCode: z.string(),
      headName: z.string(),
      idNumber: z.string().meta({ description: 'Masked unless the caller is of the village or its township.' }),
      status: z.enum(HOUSEHOLD_STATUSES).meta({ description: 'The household’s status now.' }),
      finding: z.enum(VERIFICATION_FINDINGS).nullable(),
      note: z.string().nullable(),
      foundBy: ZBy.nullable(),
      foundAt: ZDateTime.nullable(),
    }),
  ),
}).meta({ id: 'Verification' });
export const ZVerificationListResponse = pageOf(ZVerificationSummary);

export const ZSurvey = z
  .object({
    id: z.string(),
    villageCode: z.string(),
    townshipCode: z.string(),
    year: z.number().int(),
    respondents: z.number().int(),
    satisfied: z.number().int(),
    recordedBy: ZBy,
    recordedAt: ZDateTime,
  })
  .meta({ id: 'Survey' });
export const ZSurveyListResponse = pageOf(ZSurvey);

/** Who draws samples: the county's office (and administrators). */
const DRAWERS: Official['role'][] = ['COUNTY', 'ADMIN'];
/** Who records findings and surveys, and reads samples: the township in its township, the county, administrators. */
const CHECKERS: Official['role'][] = ['TOWNSHIP', 'COUNTY', 'ADMIN'];

type Found = z.input<typeof ZVerificationSummary>['found'];

function foundOf(samples: { finding: string | null }[]): Found {
  const found: Record<string, number> = {};
  for (const s of samples) if (s.finding) found[s.finding] = (found[s.finding] ?? 0) + 1;
  return found as Found;
}

export function verificationsRouter(prisma: PrismaClient): Router {
  const r = Router();

  async function detail(o: Official, id: string): Promise<z.input<typeof ZVerification>> {
    const v = await prisma.verification.findUnique({
      where: { id },
      include: {
        samples: {
          orderBy: { seq: 'asc' },
          include: { household: { select: { registryNo: true, headName: true, idNumber: true, status: true } } },
        },
      },
    });
    if (!v) throw notFound(`No verification ${id}.`);
    requireScope(o, v.townshipCode, `Verification ${id}`);
    return {
      id: v.id,
      townshipCode: v.townshipCode,
      year: v.year,
      kind: v.kind,
      sampleSize: v.sampleSize,
      population: v.population,
      drawnBy: { id: v.drawnById, name: v.drawnByName },
      drawnAt: v.drawnAt,
      found: foundOf(v.samples),
      samples: v.samples.map((s) => ({
        seq: s.seq,
        householdId: s.householdId,
        registryNo: s.household.registryNo,
        villageCode: s.villageCode,
        headName: s.household.headName,
        idNumber: seesIdNumbers(o, s.villageCode) ? s.household.idNumber : maskIdNumber(s.household.idNumber),
        status: s.household.status,
        finding: s.finding,
        note: s.note,
        foundBy: s.foundById ? { id: s.foundById, name: s.foundByName ?? '' } : null,
        foundAt: s.foundAt,
      })),
    };
  }

  r.post('/verifications', async (req, res) => {
    const o = requireRole(req, DRAWERS, 'Drawing a verification sample');
    const body = parseOr400(ZDrawVerification, req.body);
    requireScope(o, body.townshipCode, `Township ${body.townshipCode}`);
    const township = await prisma.township.findUnique({ where: { code: body.townshipCode }, select: { code: true } });
    if (!township) throw notFound(`No township ${body.townshipCode}.`);
    const drawn = await drawVerification(prisma, body, o);
    if (!drawn.verificationId) {
      const what = body.kind === 'EXITED' ? `households exited in ${body.year}` : 'households not registered';
      throw badRequest(
        `sampleSize must be between 1 and the population drawn from: township ${body.townshipCode} has ${drawn.population} ${what}.`,
        [{ path: 'sampleSize', message: `must be between 1 and ${drawn.population}` }],
      );
    }
    res
      .status(201)
      .location(`/api/v1/verifications/${drawn.verificationId}`)
      .json((await detail(o, drawn.verificationId)) satisfies z.input<typeof ZVerification>);
  });

  r.get('/verifications', async (req, res) => {
    const o = requireRole(req, CHECKERS, 'Reading verifications');
    const q = parseOr400(ZVerificationFilter, req.query, 'query');
    if (q.township) requireScope(o, q.township, `Township ${q.township}`);
    const after = decodeCursor(q.cursor);
    const rows = await prisma.verification.findMany({
      where: {
        townshipCode: { ...codesWithin(o.scopeCode), ...(q.township ? { equals: q.township } : {}) },
        ...(q.year ? { year: q.year } : {}),
        ...(q.kind ? { kind: q.kind } : {}),
        ...(after ? { id: { gt: after } } : {}),
      },
      orderBy: { id: 'asc' },
      take: q.limit + 1,
      include: { samples: { select: { finding: true } } },
    });
    const p = page(rows, q.limit, (v) => v.id);
    res.json({
      items: p.items.map((v) => ({
        id: v.id,
        townshipCode: v.townshipCode,
        year: v.year,
        kind: v.kind,
        sampleSize: v.sampleSize,
        population: v.population,
        drawnBy: { id: v.drawnById, name: v.drawnByName },
        drawnAt: v.drawnAt,
        found: foundOf(v.samples),
      })),
      nextCursor: p.nextCursor,
    } satisfies z.input<typeof ZVerificationListResponse>);
  });

  r.get('/verifications/:id', async (req, res) => {
    const o = requireRole(req, CHECKERS, 'Reading a verification');
    const id = parseOr400(ZUuid, req.params.id, 'verification id');
    res.json((await detail(o, id)) satisfies z.input<typeof ZVerification>);
  });

  r.post('/verifications/:id/findings', async (req, res) => {
    const o = requireRole(req, CHECKERS, 'Recording findings');
    const id = parseOr400(ZUuid, req.params.id, 'verification id');
    const v = await prisma.verification.findUnique({ where: { id }, select: { townshipCode: true } });
    if (!v) throw notFound(`No verification ${id}.`);
    requireScope(o, v.townshipCode, `Verification ${id}`);
    const body = parseOr400(ZRecordFindings, req.body);
    const refusals = await recordFindings(prisma, id, body, o);
    const invalid = refusals.filter((x) => !x.recorded);
    const errors = (list: typeof refusals) => list.map((x) => ({ path: `${x.index}.${x.field}`, message: x.message }));
    const text = (list: typeof refusals) => list.map((x) => `[${x.index}].${x.field}: ${x.message}`).join('; ');
    if (invalid.length > 0) throw badRequest(`Findings refused, none recorded: ${text(invalid)}.`, errors(invalid));
    if (refusals.length > 0) throw conflict(`Findings refused, none recorded: ${text(refusals)}.`);
    res.json((await detail(o, id)) satisfies z.input<typeof ZVerification>);
  });

  r.post('/surveys', async (req, res) => {
    const o = requireRole(req, CHECKERS, 'Recording a survey');
    const body = parseOr400(ZRecordSurvey, req.body);
    requireScope(o, body.villageCode, `Village ${body.villageCode}`);
    const village = await prisma.village.findUnique({ where: { code: body.villageCode } });
    if (!village) throw notFound(`No village ${body.villageCode}.`);
    const s = await recordSurvey(prisma, { ...body, townshipCode: village.townshipCode }, o);
    res.status(201).json({
      id: s.id,
      villageCode: s.villageCode,
      townshipCode: s.townshipCode,
      year: s.year,
      respondents: s.respondents,
      satisfied: s.satisfied,
      recordedBy: { id: s.recordedById, name: s.recordedByName },
      recordedAt: s.recordedAt,
    } satisfies z.input<typeof ZSurvey>);
  });

  r.get('/surveys', async (req, res) => {
    const o = caller(req);
    const q = parseOr400(ZSurveyFilter, req.query, 'query');
    // A village official may name its own township and sees its own village's surveys in it.
    if (q.township && !inScope(o, q.township) && !o.scopeCode.startsWith(q.township)) {
      throw forbidden(`Township ${q.township} is outside your jurisdiction (${o.scopeCode}).`, 'OUT_OF_JURISDICTION');
    }
    const after = decodeCursor(q.cursor);
    const rows = await prisma.survey.findMany({
      where: {
        villageCode: codesWithin(o.scopeCode),
        ...(q.township ? { townshipCode: q.township } : {}),
        ...(q.year ? { year: q.year } : {}),
        ...(after ? { id: { gt: after } } : {}),
      },
      orderBy: { id: 'asc' },
      take: q.limit + 1,
    });
    const p = page(rows, q.limit, (s) => s.id);
    res.json({
      items: p.items.map((s) => ({
        id: s.id,
        villageCode: s.villageCode,
        townshipCode: s.townshipCode,
        year: s.year,
        respondents: s.respondents,
        satisfied: s.satisfied,
        recordedBy: { id: s.recordedById, name: s.recordedByName },
        recordedAt: s.recordedAt,
      })),
      nextCursor: p.nextCursor,
    } satisfies z.input<typeof ZSurveyListResponse>);
  });

  return r;
}

/** The operations of this router, for the OpenAPI document (api/openapi.ts). */
export const verificationsOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/verifications',
    operationId: 'drawVerification',
    summary: 'Draw a random sample of a township’s exited or non-registered households to re-check (核查抽样)',
    description:
      'EXITED: households that exited in `year`; NOT_REGISTERED: households not in the registry now. The draw (cryptographic random), who made it, when and the population are recorded.',
    tag: 'assessment',
    body: ZDrawVerification,
    responses: {
      201: { description: 'The sample.', schema: ZVerification, headers: { Location: 'The verification’s URL.' } },
    },
    problems: [403, 404],
  },
  {
    method: 'get',
    path: '/verifications',
    operationId: 'listVerifications',
    summary: 'Verification samples in the caller’s jurisdiction',
    tag: 'assessment',
    query: ZVerificationFilter,
    responses: {
      200: { description: 'A page of samples, with their findings counted.', schema: ZVerificationListResponse },
    },
    problems: [400, 403],
  },
  {
    method: 'get',
    path: '/verifications/{id}',
    operationId: 'getVerification',
    summary: 'A verification sample: each drawn household and its finding',
    tag: 'assessment',
    params: ZVerificationParams,
    responses: { 200: { description: 'The sample.', schema: ZVerification } },
    problems: [400, 403, 404],
  },
  {
    method: 'post',
    path: '/verifications/{id}/findings',
    operationId: 'recordVerificationFindings',
    summary: 'Record the findings of drawn households, all or none',
    description:
      'CONFIRMED fits every sample, WRONGLY_EXITED only an EXITED one, MISSED_POOR only a NOT_REGISTERED one (a note says why). A finding is recorded once (409 for a household already found). A MISSED_POOR household becomes an entry candidate of its village’s next round.',
    tag: 'assessment',
    params: ZVerificationParams,
    body: ZRecordFindings,
    responses: { 200: { description: 'The sample with the findings recorded.', schema: ZVerification } },
    problems: [403, 404],
  },
  {
    method: 'post',
    path: '/surveys',
    operationId: 'recordSurvey',
    summary: 'Record a survey of villagers’ approval (群众认可度) in a village',
    tag: 'assessment',
    body: ZRecordSurvey,
    responses: { 201: { description: 'The survey as recorded.', schema: ZSurvey } },
    problems: [403, 404],
  },
  {
    method: 'get',
    path: '/surveys',
    operationId: 'listSurveys',
    summary: 'Surveys of villagers’ approval in the caller’s jurisdiction',
    tag: 'assessment',
    query: ZSurveyFilter,
    responses: { 200: { description: 'A page of surveys.', schema: ZSurveyListResponse } },
    problems: [400, 403],
  },
];
