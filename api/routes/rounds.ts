import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { roundWorkflowId, townshipOf } from '../../domain/constants';
import {
  CATEGORIES,
  CAUSES,
  EXIT_REASONS,
  NOTICE_KINDS,
  OBJECTION_STATUSES,
  PROPOSAL_ACTIONS,
  PROPOSAL_STATUSES,
  ROUND_STATUSES,
  STAGES,
} from '../../domain/enums';
import { maskIdNumber, maskPhone } from '../../domain/idNumber';
import { DEFAULT_POLICY, type Actor, type ProposalInput, type RoundInput, type RoundPolicy } from '../../domain/round';
import type { PrismaClient } from '../../infra/db';
import {
  cancelRoundUpdate,
  countyAnnouncementUpdate,
  fileObjectionUpdate,
  resolveObjectionUpdate,
  roundOpenedUpdate,
  submitAssessmentUpdate,
  townshipReviewUpdate,
} from '../../workflows/round-contract';
import { roundWorkflow } from '../../workflows/round';
import { CAMPAIGN_KEY, STAGE_KEY, TOWNSHIP_KEY, VILLAGE_KEY } from '../../workflows/search-attributes';
import { caller, requireRole, type Official } from '../auth';
import { pageOf, ZDateTime, ZDecisionResult, type ApiOperation } from '../responses';
import { derivedUuid } from '../derived-ids';
import { decodeCursor, page, ZPage } from '../pagination';
import { badRequest, conflict, notFound, parseOr400 } from '../problem';
import {
  ZAssessment,
  ZCancel,
  ZCountyAnnouncement,
  ZObjection,
  ZResolution,
  ZRoundFilter,
  ZStartRound,
  ZTownshipReview,
  ZUuid,
  type TAssessment,
} from '../schemas';
import { codesWithin, inScope, requireScope, seesIdNumbers } from '../scope';
import { toProblem } from '../temporal-errors';

export interface RoundsDeps {
  prisma: PrismaClient;
  client: Client;
  taskQueue: string;
}

export const ZRoundId = z
  .string()
  .regex(/^round-\d{12}-\d{1,6}$/, 'must be a round id such as round-620522100201-1')
  .meta({ examples: ['round-620522100201-1'] });
export const ZNoticeVersion = z.coerce.number().int().min(1).max(100_000);

export const ZStartRoundResponse = z.object({ roundId: z.string(), workflowId: z.string(), stage: z.enum(STAGES) });

export const ZRoundSummary = z
  .object({
    roundId: z.string(),
    workflowId: z.string(),
    villageCode: z.string(),
    villageName: z.string(),
    townshipCode: z.string(),
    roundNo: z.number().int(),
    campaignId: z.string().nullable(),
    stage: z.enum(STAGES),
    status: z.enum(ROUND_STATUSES),
    deadline: ZDateTime.nullable(),
    publicityEndsAt: ZDateTime.nullable(),
    overdue: z.boolean(),
    startedAt: ZDateTime,
    finishedAt: ZDateTime.nullable(),
  })
  .meta({ id: 'RoundSummary' });
export const ZRoundListResponse = pageOf(ZRoundSummary);

export const ZRoundDetail = z
  .object({
    roundId: z.string(),
    workflowId: z.string(),
    villageCode: z.string(),
    villageName: z.string(),
    townshipCode: z.string(),
    roundNo: z.number().int(),
    campaignId: z.string().nullable(),
    stage: z.enum(STAGES),
    status: z.enum(ROUND_STATUSES),
    policy: z.object({ publicityPeriod: z.string(), stageDeadline: z.string() }),
    stageEnteredAt: ZDateTime,
    deadline: ZDateTime.nullable(),
    publicityEndsAt: ZDateTime.nullable(),
    overdueSince: ZDateTime.nullable(),
    startedAt: ZDateTime,
    finishedAt: ZDateTime.nullable(),
    proposals: z.array(
      z.object({
        id: z.string(),
        assessmentNo: z.number().int(),
        action: z.enum(PROPOSAL_ACTIONS),
        status: z.enum(PROPOSAL_STATUSES),
        statusReason: z.string().nullable(),
        householdId: z.string().nullable(),
        headName: z.string().nullable(),
        idNumber: z.string().meta({ description: 'Masked unless the caller is of the village or its township.' }),
        size: z.number().int().nullable(),
        category: z.enum(CATEGORIES).nullable(),
        cause: z.enum(CAUSES).nullable(),
        exitReason: z.enum(EXIT_REASONS).nullable(),
        votesFor: z.number().int(),
        votesAgainst: z.number().int(),
        note: z.string().nullable(),
      }),
    ),
    notices: z.array(
      z.object({
        version: z.number().int(),
        kind: z.enum(NOTICE_KINDS),
        startsAt: ZDateTime,
        endsAt: ZDateTime.nullable(),
        publishedAt: ZDateTime,
        url: z.string().meta({ description: 'The printable notice (text/html).' }),
      }),
    ),
    objections: z.array(
      z.object({
        id: z.string(),
        noticeVersion: z.number().int(),
        proposalId: z.string().nullable(),
        objector: z.object({ name: z.string(), contact: z.string().nullable() }),
        reason: z.string(),
        status: z.enum(OBJECTION_STATUSES),
        filedById: z.string(),
        filedAt: ZDateTime,
        resolvedById: z.string().nullable(),
        resolvedAt: ZDateTime.nullable(),
        resolutionNote: z.string().nullable(),
        withdrewProposal: z.boolean(),
      }),
    ),
    decisions: z.array(
      z.object({
        seq: z.number().int(),
        stage: z.enum(STAGES),
        kind: z.string(),
        by: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
        at: ZDateTime,
        decision: z.string().nullable(),
        note: z.string().nullable(),
        details: z.unknown().meta({ description: 'What the decision carried (JSON), or null.' }),
      }),
    ),
  })
  .meta({ id: 'RoundDetail' });

export const ZAssessmentResponse = ZDecisionResult.extend({
  proposals: z.array(
    z.object({ id: z.string(), action: z.enum(PROPOSAL_ACTIONS), householdId: z.string().nullable() }),
  ),
});
export const ZObjectionResponse = z.object({ objectionId: z.string(), roundId: z.string(), stage: z.enum(STAGES) });

export function roundsRouter({ prisma, client, taskQueue }: RoundsDeps): Router {
  const r = Router();

  async function loadRound(req: Request) {
    const o = caller(req);
    const roundId = parseOr400(ZRoundId, req.params.roundId, 'round id');
    // The id names the village (round-<village>-<no>): check jurisdiction before revealing whether it exists.
    requireScope(o, roundId.split('-')[1]!, `Round ${roundId}`);
    const round = await prisma.round.findUnique({ where: { id: roundId } });
    if (!round) throw notFound(`No round ${roundId}.`);
    return { o, round };
  }

  async function openRound(req: Request, roles: Official['role'][], what: string) {
    const { o, round } = await loadRound(req);
    requireRole(req, roles, what);
    // A retry under an Idempotency-Key goes on to the workflow even when its first attempt closed the round:
    // the update id is the same, so Temporal answers the first outcome; the workflow refuses anything else.
    if (round.status !== 'OPEN' && !req.idempotency)
      throw conflict(`Round ${round.id} is ${round.status.toLowerCase()}.`, { stage: round.stage }, 'ROUND_CLOSED');
    return { o, round, handle: client.workflow.getHandle(round.id), ...idsFor(req) };
  }

  /** Runs a workflow update and maps a refusal (validator) or a missing workflow to a problem response. */
  async function decide<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toProblem(err);
    }
  }

  r.post('/rounds', async (req, res) => {
    const o = requireRole(req, ['TOWNSHIP', 'COUNTY', 'ADMIN'], 'Starting a round');
    const body = parseOr400(ZStartRound, req.body);
    // Jurisdiction first, so that outsiders cannot probe which codes exist.
    requireScope(o, body.villageCode, `Village ${body.villageCode}`);
    const village = await prisma.village.findUnique({ where: { code: body.villageCode } });
    if (!village) throw notFound(`No village ${body.villageCode}.`);
    // With an Idempotency-Key the workflow carries a token of it, so a retry recognises the round it started.
    const token = req.idempotency ? idsFor(req).derive('round') : undefined;
    /** Whether a first attempt of this very request started the round (the API died before answering). */
    const startedByThisRequest = async (id: string) =>
      token !== undefined &&
      (await client.workflow
        .getHandle(id)
        .describe()
        .then(
          (d) => d.memo?.[IDEMPOTENCY_MEMO] === token,
          () => false,
        ));
    /** 201 once the round is recorded in the database, so that GET finds it. */
    const answerCreated = async (id: string) => {
      await client.workflow.getHandle(id).executeUpdate(roundOpenedUpdate, { updateId: idsFor(req).updateId });
      res
        .status(201)
        .location(`/api/v1/rounds/${id}`)
        .json({ roundId: id, workflowId: id, stage: 'VILLAGE_ASSESSMENT' } satisfies z.input<
          typeof ZStartRoundResponse
        >);
    };
    // Read the highest round number before looking for an open round: a round opened by a concurrent start
    // after the first read is then seen by the second, so no request computes the number after the winner's.
    const last = await prisma.round.aggregate({ where: { villageCode: village.code }, _max: { roundNo: true } });
    const open = await prisma.round.findUnique({ where: { openVillageCode: village.code } });
    if (open) {
      if (await startedByThisRequest(open.id)) return answerCreated(open.id);
      throw conflict(
        `Village ${village.code} already has an open round: ${open.id}.`,
        { roundId: open.id },
        'ALREADY_EXISTS',
      );
    }
    const roundNo = (last._max.roundNo ?? 0) + 1;
    const roundId = roundWorkflowId(village.code, roundNo);
    const input: RoundInput = {
      roundId,
      villageCode: village.code,
      townshipCode: village.townshipCode,
      roundNo,
      policy: { ...DEFAULT_POLICY, ...body.policy },
      startedBy: actorOf(o),
    };
    try {
      await client.workflow.start(roundWorkflow, {
        workflowId: roundId,
        taskQueue,
        args: [input],
        // Two starts racing for the same village compute the same round number: one wins here.
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: VILLAGE_KEY, value: village.code },
          { key: TOWNSHIP_KEY, value: village.townshipCode },
          { key: STAGE_KEY, value: 'VILLAGE_ASSESSMENT' },
          ...(input.campaignId ? [{ key: CAMPAIGN_KEY, value: input.campaignId }] : []),
        ],
        ...(token ? { memo: { [IDEMPOTENCY_MEMO]: token } } : {}),
        staticSummary: `${village.name} (${village.code}) identification round ${roundNo}`,
        staticDetails: `Village ${village.code}, township ${village.townshipCode}; publicity ${input.policy.publicityPeriod}, stage deadline ${input.policy.stageDeadline}; started by ${o.name} (${o.role}).`,
      });
    } catch (err) {
      const p = toProblem(err);
      if (p === err) throw err;
      if (await startedByThisRequest(roundId)) return answerCreated(roundId);
      throw conflict(`Village ${village.code} already has an open round: ${roundId}.`, { roundId }, 'ALREADY_EXISTS');
    }
    try {
      await answerCreated(roundId);
    } catch (err) {
      // The round could not be recorded because another one is open (started some other way): name that one.
      const other = await prisma.round.findUnique({ where: { openVillageCode: village.code } });
      if (other && other.id !== roundId) {
        throw conflict(
          `Village ${village.code} already has an open round: ${other.id}.`,
          { roundId: other.id },
          'ALREADY_EXISTS',
        );
      }
      throw err;
    }
  });

  r.get('/rounds', async (req, res) => {
    const o = caller(req);
    const q = parseOr400(ZPage.merge(ZRoundFilter), req.query, 'query');
    const after = decodeCursor(q.cursor);
    const place = q.village ?? q.township;
    if (place && !inScope(o, place) && !(q.township && o.scopeCode.startsWith(q.township))) {
      requireScope(o, place, place);
    }
    const rows = await prisma.round.findMany({
      where: {
        villageCode: { ...codesWithin(o.scopeCode), ...(q.village ? { equals: q.village } : {}) },
        ...(q.township ? { townshipCode: q.township } : {}),
        ...(q.stage ? { stage: q.stage } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(after ? { id: { gt: after } } : {}),
      },
      orderBy: { id: 'asc' },
      take: q.limit + 1,
      include: { village: { select: { name: true } } },
    });
    const p = page(rows, q.limit, (x) => x.id);
    res.json({
      items: p.items.map((x) => ({
        roundId: x.id,
        workflowId: x.id,
        villageCode: x.villageCode,
        villageName: x.village.name,
        townshipCode: x.townshipCode,
        roundNo: x.roundNo,
        campaignId: x.campaignId,
        stage: x.stage,
        status: x.status,
        deadline: x.stageDeadline,
        publicityEndsAt: x.publicityEndsAt,
        overdue: x.overdueSince !== null,
        startedAt: x.startedAt,
        finishedAt: x.finishedAt,
      })),
      nextCursor: p.nextCursor,
    } satisfies z.input<typeof ZRoundListResponse>);
  });

  r.get('/rounds/:roundId', async (req, res) => {
    const { o, round } = await loadRound(req);
    res.json(await roundDetail(prisma, o, round.id));
  });

  r.get('/rounds/:roundId/notices/:version', async (req, res) => {
    const { round } = await loadRound(req);
    const version = parseOr400(ZNoticeVersion, req.params.version, 'notice version');
    const notice = await prisma.notice.findUnique({ where: { roundId_version: { roundId: round.id, version } } });
    if (!notice) throw notFound(`Round ${round.id} has no notice version ${version}.`);
    res
      .type('text/html; charset=utf-8')
      .setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(notice.html);
  });

  r.post('/rounds/:roundId/assessment', async (req, res) => {
    const { o, round, handle, updateId, derive } = await openRound(req, ['VILLAGE'], 'The village assessment');
    const body = parseOr400(ZAssessment, req.body);
    await checkProposals(prisma, round.villageCode, body);
    const proposals: ProposalInput[] = body.proposals.map((p, i) => ({ ...p, id: derive(`proposal-${i}`) }));
    const result = await decide(() =>
      handle.executeUpdate(submitAssessmentUpdate, {
        args: [{ actor: actorOf(o), meeting: body.meeting, proposals }],
        updateId,
      }),
    );
    res.json({
      ...result,
      proposals: proposals.map((p) => ({ id: p.id, action: p.action, householdId: p.householdId ?? null })),
    } satisfies z.input<typeof ZAssessmentResponse>);
  });

  r.post('/rounds/:roundId/objections', async (req, res) => {
    const { o, handle, updateId, derive } = await openRound(
      req,
      ['VILLAGE', 'TOWNSHIP', 'COUNTY'],
      'Recording an objection',
    );
    const body = parseOr400(ZObjection, req.body);
    const objectionId = derive('objection');
    const result = await decide(() =>
      handle.executeUpdate(fileObjectionUpdate, { args: [{ actor: actorOf(o), objectionId, ...body }], updateId }),
    );
    res
      .status(201)
      .json({ objectionId, roundId: result.roundId, stage: result.stage } satisfies z.input<typeof ZObjectionResponse>);
  });

  r.post('/rounds/:roundId/objections/:objectionId/resolution', async (req, res) => {
    const { o, handle, updateId } = await openRound(req, ['TOWNSHIP'], 'Resolving an objection');
    const objectionId = parseOr400(ZUuid, req.params.objectionId, 'objection id');
    const body = parseOr400(ZResolution, req.body);
    const result = await decide(() =>
      handle.executeUpdate(resolveObjectionUpdate, { args: [{ actor: actorOf(o), objectionId, ...body }], updateId }),
    );
    res.json(result satisfies z.input<typeof ZDecisionResult>);
  });

  r.post('/rounds/:roundId/township-review', async (req, res) => {
    const { o, handle, updateId } = await openRound(req, ['TOWNSHIP'], 'The township review');
    const body = parseOr400(ZTownshipReview, req.body);
    const result = await decide(() =>
      handle.executeUpdate(townshipReviewUpdate, { args: [{ actor: actorOf(o), ...body }], updateId }),
    );
    res.json(result satisfies z.input<typeof ZDecisionResult>);
  });

  r.post('/rounds/:roundId/county-announcement', async (req, res) => {
    const { o, handle, updateId } = await openRound(req, ['COUNTY'], 'The county announcement');
    const body = parseOr400(ZCountyAnnouncement, req.body);
    const result = await decide(() =>
      handle.executeUpdate(countyAnnouncementUpdate, { args: [{ actor: actorOf(o), ...body }], updateId }),
    );
    res.json(result satisfies z.input<typeof ZDecisionResult>);
  });

  r.post('/rounds/:roundId/cancel', async (req, res) => {
    const { o, handle, updateId } = await openRound(req, ['COUNTY', 'ADMIN'], 'Cancelling a round');
    const body = parseOr400(ZCancel, req.body);
    const result = await decide(() =>
      handle.executeUpdate(cancelRoundUpdate, { args: [{ actor: actorOf(o), ...body }], updateId }),
    );
    res.json(result satisfies z.input<typeof ZDecisionResult>);
  });

  return r;
}

/** Memo field of a round workflow started under an Idempotency-Key: a token derived from the key. */
const IDEMPOTENCY_MEMO = 'idempotencyToken';

/**
 * Ids a request hands to Temporal. Under an Idempotency-Key they derive from (official, key, request), so a
 * retry after a crash re-uses them: Temporal answers an update id it has seen with the first outcome, and
 * objection and proposal ids come out the same. Without a key: a fresh UUID each time, Temporal's own update id.
 */
function idsFor(req: Request) {
  const o = caller(req);
  const idem = req.idempotency;
  const derive = (purpose: string) => (idem ? derivedUuid(o.id, idem.key, idem.hash, purpose) : randomUUID());
  return { updateId: idem ? derive('update') : undefined, derive };
}

export function actorOf(o: Official): Actor {
  return { id: o.id, name: o.name, role: o.role, scopeCode: o.scopeCode };
}

/** Checks that need the registry: refused with 400 before anything reaches the round. */
async function checkProposals(prisma: PrismaClient, villageCode: string, body: TAssessment) {
  const errors: { path: string; message: string }[] = [];
  const ids = body.proposals.map((p) => p.householdId).filter((id): id is string => id !== undefined);
  const newIds = body.proposals.map((p) => p.household?.idNumber).filter((v): v is string => v !== undefined);
  const [households, known] = await Promise.all([
    prisma.household.findMany({ where: { id: { in: ids } } }),
    prisma.household.findMany({ where: { idNumber: { in: newIds } }, select: { idNumber: true } }),
  ]);
  const byId = new Map(households.map((h) => [h.id, h]));
  const knownIds = new Set(known.map((k) => k.idNumber));
  const seenHouseholds = new Set<string>();
  const seenIdNumbers = new Set<string>();
  body.proposals.forEach((p, i) => {
    const at = (field: string, message: string) => errors.push({ path: `proposals.${i}.${field}`, message });
    if (p.householdId) {
      if (seenHouseholds.has(p.householdId)) at('householdId', 'the same household appears twice in the list');
      seenHouseholds.add(p.householdId);
      const h = byId.get(p.householdId);
      if (!h) return at('householdId', 'no such household');
      if (h.villageCode !== villageCode) return at('householdId', 'the household belongs to another village');
      if (p.action === 'EXIT' && h.status !== 'REGISTERED')
        at('action', `only a registered household can exit; it is ${h.status}`);
      if (p.action === 'RECLASSIFY' && h.status !== 'REGISTERED')
        at('action', `only a registered household can be reclassified; it is ${h.status}`);
      if (p.action === 'RECLASSIFY' && h.category === p.category)
        at('category', `the household is already ${h.category}`);
      if (p.action === 'ENTER' && h.status === 'REGISTERED') at('action', 'the household is already registered');
    }
    if (p.household) {
      const idn = p.household.idNumber;
      if (seenIdNumbers.has(idn)) at('household.idNumber', 'the same household appears twice in the list');
      seenIdNumbers.add(idn);
      if (knownIds.has(idn))
        at(
          'household.idNumber',
          'a household with this ID number is already in the registry: propose it by householdId',
        );
    }
  });
  if (errors.length)
    throw badRequest(
      `The proposals cannot be accepted: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      errors,
    );
}

export async function roundDetail(
  prisma: PrismaClient,
  o: Official,
  roundId: string,
): Promise<z.input<typeof ZRoundDetail>> {
  const round = await prisma.round.findUniqueOrThrow({
    where: { id: roundId },
    include: {
      village: { select: { name: true } },
      proposals: { orderBy: [{ assessmentNo: 'asc' }, { id: 'asc' }] },
      notices: {
        orderBy: { version: 'asc' },
        select: { version: true, kind: true, startsAt: true, endsAt: true, publishedAt: true },
      },
      objections: { orderBy: { filedAt: 'asc' } },
      decisions: { orderBy: { seq: 'asc' } },
    },
  });
  const full = seesIdNumbers(o, round.villageCode);
  const householdIds = round.proposals.map((p) => p.householdId).filter((id): id is string => id !== null);
  const households = new Map(
    (await prisma.household.findMany({ where: { id: { in: householdIds } } })).map((h) => [h.id, h]),
  );
  return {
    roundId: round.id,
    workflowId: round.id,
    villageCode: round.villageCode,
    villageName: round.village.name,
    townshipCode: round.townshipCode ?? townshipOf(round.villageCode),
    roundNo: round.roundNo,
    campaignId: round.campaignId,
    stage: round.stage,
    status: round.status,
    policy: round.policy as unknown as RoundPolicy,
    stageEnteredAt: round.stageEnteredAt,
    deadline: round.stageDeadline,
    publicityEndsAt: round.publicityEndsAt,
    overdueSince: round.overdueSince,
    startedAt: round.startedAt,
    finishedAt: round.finishedAt,
    proposals: round.proposals.map((p) => {
      const h = p.householdId ? households.get(p.householdId) : undefined;
      const fresh = p.newHousehold as { headName: string; idNumber: string; size: number } | null;
      const idNumber = h?.idNumber ?? fresh?.idNumber ?? '';
      return {
        id: p.id,
        assessmentNo: p.assessmentNo,
        action: p.action,
        status: p.status,
        statusReason: p.statusReason,
        householdId: p.householdId,
        headName: h?.headName ?? fresh?.headName ?? null,
        idNumber: full ? idNumber : maskIdNumber(idNumber),
        size: h?.size ?? fresh?.size ?? null,
        category: p.category,
        cause: p.cause,
        exitReason: p.exitReason,
        votesFor: p.votesFor,
        votesAgainst: p.votesAgainst,
        note: p.note,
      };
    }),
    notices: round.notices.map((n) => ({ ...n, url: `/api/v1/rounds/${round.id}/notices/${n.version}` })),
    objections: round.objections.map((x) => ({
      id: x.id,
      noticeVersion: x.noticeVersion,
      proposalId: x.proposalId,
      objector: {
        name: x.objectorName,
        contact: x.objectorContact ? (full ? x.objectorContact : maskPhone(x.objectorContact)) : null,
      },
      reason: x.reason,
      status: x.status,
      filedById: x.filedById,
      filedAt: x.filedAt,
      resolvedById: x.resolvedById,
      resolvedAt: x.resolvedAt,
      resolutionNote: x.resolutionNote,
      withdrewProposal: x.withdrewProposal,
    })),
    decisions: round.decisions.map((d) => ({
      seq: d.seq,
      stage: d.stage,
      kind: d.kind,
      by: d.officialId ? { id: d.officialId, name: d.officialName } : null,
      at: d.at,
      decision: d.decision,
      note: d.note,
      details: d.payload,
    })),
  };
}

const roundParams = z.object({ roundId: ZRoundId });
const decisionProblems = [403, 404, 409, 422];

/** The operations of this router, for the OpenAPI document (api/openapi.ts). */
export const roundsOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/rounds',
    operationId: 'startRound',
    summary: 'Start an identification round in a village',
    tag: 'rounds',
    body: ZStartRound,
    responses: {
      201: {
        description: 'The round is started and recorded.',
        schema: ZStartRoundResponse,
        headers: { Location: 'The round’s URL.' },
      },
    },
    problems: [403, 404, 409],
  },
  {
    method: 'get',
    path: '/rounds',
    operationId: 'listRounds',
    summary: 'List the rounds in the caller’s jurisdiction',
    tag: 'rounds',
    query: ZPage.merge(ZRoundFilter),
    responses: { 200: { description: 'A page of rounds, by id.', schema: ZRoundListResponse } },
    problems: [400, 403],
  },
  {
    method: 'get',
    path: '/rounds/{roundId}',
    operationId: 'getRound',
    summary: 'A round with its proposals, notices, objections and decisions',
    tag: 'rounds',
    params: roundParams,
    responses: { 200: { description: 'The round.', schema: ZRoundDetail } },
    problems: [400, 403, 404],
  },
  {
    method: 'get',
    path: '/rounds/{roundId}/notices/{version}',
    operationId: 'getNotice',
    summary: 'A printable publicity notice or announcement (HTML)',
    tag: 'rounds',
    params: roundParams.extend({ version: ZNoticeVersion }),
    responses: { 200: { description: 'The notice as an HTML page.', html: true } },
    problems: [400, 403, 404],
  },
  {
    method: 'post',
    path: '/rounds/{roundId}/assessment',
    operationId: 'submitAssessment',
    summary: 'The village assessment (民主评议): the meeting and its proposals',
    tag: 'rounds',
    params: roundParams,
    body: ZAssessment,
    responses: { 200: { description: 'The assessment is recorded.', schema: ZAssessmentResponse } },
    problems: decisionProblems,
  },
  {
    method: 'post',
    path: '/rounds/{roundId}/objections',
    operationId: 'fileObjection',
    summary: 'Record an objection raised during a publicity',
    tag: 'rounds',
    params: roundParams,
    body: ZObjection,
    responses: { 201: { description: 'The objection is recorded.', schema: ZObjectionResponse } },
    problems: decisionProblems,
  },
  {
    method: 'post',
    path: '/rounds/{roundId}/objections/{objectionId}/resolution',
    operationId: 'resolveObjection',
    summary: 'Resolve an objection (township)',
    tag: 'rounds',
    params: roundParams.extend({ objectionId: ZUuid }),
    body: ZResolution,
    responses: { 200: { description: 'The objection is resolved.', schema: ZDecisionResult } },
    problems: decisionProblems,
  },
  {
    method: 'post',
    path: '/rounds/{roundId}/township-review',
    operationId: 'townshipReview',
    summary: 'The township review: approve, or return to the village',
    tag: 'rounds',
    params: roundParams,
    body: ZTownshipReview,
    responses: { 200: { description: 'The review is recorded.', schema: ZDecisionResult } },
    problems: decisionProblems,
  },
  {
    method: 'post',
    path: '/rounds/{roundId}/county-announcement',
    operationId: 'countyAnnouncement',
    summary: 'The county announcement: announce, or return',
    tag: 'rounds',
    params: roundParams,
    body: ZCountyAnnouncement,
    responses: { 200: { description: 'The decision is recorded.', schema: ZDecisionResult } },
    problems: decisionProblems,
  },
  {
    method: 'post',
    path: '/rounds/{roundId}/cancel',
    operationId: 'cancelRound',
    summary: 'Cancel a round',
    tag: 'rounds',
    params: roundParams,
    body: ZCancel,
    responses: { 200: { description: 'The round is cancelled.', schema: ZDecisionResult } },
    problems: decisionProblems,
  },
];
