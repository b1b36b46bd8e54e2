import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import {
  assignResponsibility,
  responsibilityOf,
  type Assignment,
  type ResponsibilitySubject,
} from '../../infra/responsibility';
import { maskPhone } from '../../domain/idNumber';
import type { PrismaClient } from '../../infra/db';
import { caller, requireRole, type Official } from '../auth';
import { notFound, parseOr400 } from '../problem';
import { text, ZUuid, ZVillageCode } from '../schemas';
import { ZDateTime, type ApiOperation } from '../responses';
import { requireScope, seesIdNumbers } from '../scope';

export const ZAssignResponsibility = z
  .object({
    unit: text(100),
    personName: text(50),
    personPhone: z
      .string()
      .trim()
      .regex(/^\+?\d[\d -]{4,19}$/, 'must be a phone number')
      .meta({ examples: ['13800138000'] })
      .optional(),
    note: z.string().trim().max(1000).optional(),
  })
  .strict();
export type TAssignResponsibility = z.infer<typeof ZAssignResponsibility>;

export const ZAssignment = z
  .object({
    id: z.string(),
    unit: z.string(),
    personName: z.string(),
    personPhone: z.string().nullable().meta({ description: 'Masked unless the caller is of the village or township.' }),
    from: ZDateTime,
    to: ZDateTime.nullable(),
    note: z.string().nullable(),
    assignedById: z.string().nullable(),
  })
  .meta({ id: 'Assignment' });
export const ZResponsibilityResponse = z.object({ current: ZAssignment.nullable(), history: z.array(ZAssignment) });
export const ZAssignResponsibilityResponse = z.object({
  current: ZAssignment,
  history: z.array(ZAssignment),
  changed: z.boolean().meta({ description: 'False when the same unit and person were already assigned.' }),
});

/** Who may assign: the township over the subject, the county, an administrator. */
const ASSIGNERS: Official['role'][] = ['TOWNSHIP', 'COUNTY', 'ADMIN'];

function assignmentView(o: Official, villageCode: string, a: Assignment): z.input<typeof ZAssignment> {
  const full = seesIdNumbers(o, villageCode);
  return {
    id: a.id,
    unit: a.unit,
    personName: a.personName,
    personPhone: a.personPhone ? (full ? a.personPhone : maskPhone(a.personPhone)) : null,
    from: a.fromDate,
    to: a.toDate,
    note: a.note,
    assignedById: a.assignedById,
  };
}

/** GET and PUT /villages/:code/responsibility and /households/:id/responsibility. */
export function responsibilityRouter(prisma: PrismaClient): Router {
  const r = Router();
  type Resolved = { subject: ResponsibilitySubject; villageCode: string };

  async function village(o: Official, raw: unknown) {
    const code = parseOr400(ZVillageCode, raw, 'village code');
    // Jurisdiction first, so that outsiders cannot probe which codes exist.
    requireScope(o, code, `Village ${code}`);
    const v = await prisma.village.findUnique({ where: { code }, select: { code: true } });
    if (!v) throw notFound(`No village ${code}.`);
    return { subject: { subject: 'VILLAGE', villageCode: code }, villageCode: code } satisfies Resolved;
  }

  async function household(o: Official, raw: unknown) {
    const id = parseOr400(ZUuid, raw, 'household id');
    const h = await prisma.household.findUnique({ where: { id }, select: { id: true, villageCode: true } });
    if (!h) throw notFound(`No household ${id}.`);
    requireScope(o, h.villageCode, `Household ${id}`);
    return { subject: { subject: 'HOUSEHOLD', householdId: id }, villageCode: h.villageCode } satisfies Resolved;
  }

  function read(resolve: (o: Official, raw: unknown) => Promise<Resolved>, param: string): RequestHandler {
    return async (req, res) => {
      const o = caller(req);
      const { subject, villageCode } = await resolve(o, req.params[param]);
      const { current, history } = await responsibilityOf(prisma, subject);
      res.json({
        current: current ? assignmentView(o, villageCode, current) : null,
        history: history.map((a) => assignmentView(o, villageCode, a)),
      } satisfies z.input<typeof ZResponsibilityResponse>);
    };
  }

  function assign(resolve: (o: Official, raw: unknown) => Promise<Resolved>, param: string): RequestHandler {
    return async (req, res) => {
      const o = requireRole(req, ASSIGNERS, 'Assigning a responsible unit and person');
      const { subject, villageCode } = await resolve(o, req.params[param]);
      const body = parseOr400(ZAssignResponsibility, req.body);
      const result = await assignResponsibility(prisma, subject, { ...body, assignedById: o.id });
      res.json({
        current: assignmentView(o, villageCode, result.current),
        history: result.history.map((a) => assignmentView(o, villageCode, a)),
        changed: result.changed,
      } satisfies z.input<typeof ZAssignResponsibilityResponse>);
    };
  }

  r.get('/villages/:code/responsibility', read(village, 'code'));
  r.put('/villages/:code/responsibility', assign(village, 'code'));
  r.get('/households/:id/responsibility', read(household, 'id'));
  r.put('/households/:id/responsibility', assign(household, 'id'));

  return r;
}

const villageParams = z.object({ code: ZVillageCode });
const householdParams = z.object({ id: ZUuid });
const readResponse = {
  200: { description: 'The current assignment (null when none) and the history.', schema: ZResponsibilityResponse },
};
const assignResponse = {
  200: { description: 'The assignment as it now stands.', schema: ZAssignResponsibilityResponse },
};

/** The operations of this router, for the OpenAPI document (api/openapi.ts). */
export const responsibilityOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/villages/{code}/responsibility',
    operationId: 'getVillageResponsibility',
    summary: 'The unit and person responsible for a village',
    tag: 'responsibility',
    params: villageParams,
    responses: readResponse,
    problems: [400, 403, 404],
  },
  {
    method: 'put',
    path: '/villages/{code}/responsibility',
    operationId: 'assignVillageResponsibility',
    summary: 'Assign the unit and person responsible for a village',
    tag: 'responsibility',
    params: villageParams,
    body: ZAssignResponsibility,
    responses: assignResponse,
    problems: [403, 404],
  },
  {
    method: 'get',
    path: '/households/{id}/responsibility',
    operationId: 'getHouseholdResponsibility',
    summary: 'The person responsible for helping a household',
    tag: 'responsibility',
    params: householdParams,
    responses: readResponse,
    problems: [400, 403, 404],
  },
  {
    method: 'put',
    path: '/households/{id}/responsibility',
    operationId: 'assignHouseholdResponsibility',
    summary: 'Assign the person responsible for helping a household',
    tag: 'responsibility',
    params: householdParams,
    body: ZAssignResponsibility,
    responses: assignResponse,
    problems: [403, 404],
  },
];
