import type { Client } from '@temporalio/client';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { roundWorkflowId } from '../../domain/constants';
import { DEFAULT_POLICY, type Actor, type ProposalInput, type RoundInput } from '../../domain/round';
import { Prisma, rawQuery, type PrismaClient } from '../../infra/db';
import { CURRENT_LIST, findRound, type ListedProposal } from '../../infra/rounds';
import { roundListQuery, type RoundListRow } from './list-queries';
import { roundWorkflow } from '../../workflows/round';
import {
  cancelRoundUpdate,
  countyAnnouncementUpdate,
  fileObjectionUpdate,
  resolveObjectionUpdate,
  roundOpenedUpdate,
  submitAssessmentUpdate,
  townshipReviewUpdate,
} from '../../workflows/round-contract';
import { CAMPAIGN_KEY, STAGE_KEY, TOWNSHIP_KEY, VILLAGE_KEY } from '../../workflows/search-attributes';
import { caller, requireRole, type Official } from '../auth';
import { IDEMPOTENCY_MEMO, requestIds, startedByRequest } from '../request-ids';
import { decodeCursor, page } from '../pagination';
import { conflict, notFound, parseOr400 } from '../problem';
import { mark } from '../timing';
import { ZDecisionResult } from '../responses';
import { captureRules, checkSpotChecks, type RulesSettings } from '../rules';
import {
  ZAssessment,
  ZCancel,
  ZCountyAnnouncement,
  ZObjection,
  ZResolution,
  ZRoundListQuery,
  ZStartRound,
  ZTownshipReview,
  ZUuid,
} from '../schemas';
import { inScope, requireScope } from '../scope';
import {
  checkProposals,
  checkVerification,
  correctionReads,
  namedHouseholds,
  prepareCorrection,
  type NamedHousehold,
} from './round-checks';
import { toProblem } from '../temporal-errors';
import { roundDetail } from './round-detail';
import {
  ZAssessmentResponse,
  ZNoticeVersion,
  ZObjectionResponse,
  ZRoundId,
  ZRoundListResponse,
  ZStartRoundResponse,
} from './round-responses';

export { roundsOperations } from './round-responses';

export interface RoundsDeps {
  prisma: PrismaClient;
  client: Client;
  taskQueue: string;
  /** The rules new rounds start under (api/rules.ts); absent: rounds of the rules of version 1. */
  rules?: RulesSettings;
}

export function roundsRouter({ prisma, client, taskQueue, rules: settings }: RoundsDeps): Router {
  const r = Router();

  /** The caller and the round the path names, once the caller's jurisdiction covers its village. */
  function roundInScope(req: Request) {
    const o = caller(req);
    const roundId = parseOr400(ZRoundId, req.params.roundId, 'round id');
    // The id names the village (round-<village>-<no>): check jurisdiction before revealing whether it exists.
    requireScope(o, roundId.split('-')[1]!, `Round ${roundId}`);
    return { o, roundId };
  }

  /** The round the path names, or a 404; `also`: more of it, read in the same statement (findRound). */
  async function loadRound<Also extends object = object>(req: Request, also?: Prisma.Sql) {
    const { o, roundId } = roundInScope(req);
    const round = await findRound<Also>(prisma, roundId, also);
    if (!round) throw notFound(`No round ${roundId}.`);
    return { o, round };
  }

  /**
   * A decision's round, open (or under an Idempotency-Key), for an official of these roles; `also`: what the
   * decision's checks need, read with the round in one statement (findRound).
   */
  async function openRound<Also extends object = object>(
    req: Request,
    roles: Official['role'][],
    what: string,
    also?: Prisma.Sql,
  ) {
    const { o, round } = await loadRound<Also>(req, also);
    requireRole(req, roles, what);
    // A retry under an Idempotency-Key goes on to the workflow even when its first attempt closed the round:
    // the update id is the same, so Temporal answers the first outcome; the workflow refuses anything else.
    if (round.status !== 'OPEN' && !req.idempotency)
      throw conflict(`Round ${round.id} is ${round.status.toLowerCase()}.`, { stage: round.stage }, 'ROUND_CLOSED');
    return { o, round, handle: client.workflow.getHandle(round.id), ...requestIds(req) };
  }

  /**
   * openRound for a decision whose checks read with the round what its body names (`also` of the body, when the body
   * is well formed). `body()` answers the body, or its 400: called after the round's 404, 403 and 409 (and the
   * route's own parameters), as for every decision.
   */
  async function openRoundReading<S extends z.ZodType, Also extends object>(
    req: Request,
    roles: Official['role'][],
    what: string,
    schema: S,
    also: (body: z.infer<S>) => Prisma.Sql | undefined,
  ) {
    const parsed = schema.safeParse(req.body);
    const opened = await openRound<Also>(req, roles, what, parsed.success ? also(parsed.data) : undefined);
    const body = (): z.infer<S> => (parsed.success ? parsed.data : parseOr400(schema, req.body));
    return { ...opened, body };
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
    const policy = { ...DEFAULT_POLICY, ...body.policy };
    const rules = captureRules(settings, policy);
    const village = await prisma.village.findUnique({ where: { code: body.villageCode } });
    if (!village) throw notFound(`No village ${body.villageCode}.`);
    // With an Idempotency-Key the workflow carries a token of it, so a retry recognises the round it started.
    const token = req.idempotency ? requestIds(req).derive('round') : undefined;
    /** Whether a first attempt of this very request started the round (the API died before answering). */
    const startedByThisRequest = (id: string) => startedByRequest(client, id, token);
    /** 201 once the round is recorded in the database, so that GET finds it. */
    const answerCreated = async (id: string) => {
      await client.workflow.getHandle(id).executeUpdate(roundOpenedUpdate, { updateId: requestIds(req).updateId });
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
      policy,
      startedBy: actorOf(o),
      ...(rules ? { rules } : {}),
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
    mark(res, 'routing');
    const q = parseOr400(ZRoundListQuery, req.query, 'query');
    const after = decodeCursor(q.cursor);
    mark(res, 'validation');
    const place = q.village ?? q.township;
    if (place && !inScope(o, place) && !(q.township && o.scopeCode.startsWith(q.township))) {
      requireScope(o, place, place);
    }
    mark(res, 'query');
    const rows = await rawQuery<RoundListRow>(prisma, roundListQuery(o, q, after));
    mark(res, 'database');
    const p = page(rows, q.limit, (x) => x.id);
    const body = {
      items: p.items.map((x) => ({
        roundId: x.id,
        workflowId: x.id,
        villageCode: x.villageCode,
        villageName: x.villageName,
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
    } satisfies z.input<typeof ZRoundListResponse>;
    mark(res, 'mapping');
    res.json(body);
  });

  r.get('/rounds/:roundId', async (req, res) => {
    const { o, roundId } = roundInScope(req);
    const detail = await roundDetail(prisma, o, roundId);
    if (!detail) throw notFound(`No round ${roundId}.`);
    res.json(detail);
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
    // The households the list names are read with the round.
    const opened = await openRoundReading<typeof ZAssessment, { households?: NamedHousehold[] }>(
      req,
      ['VILLAGE'],
      'The village assessment',
      ZAssessment,
      (b) => namedHouseholds(b.proposals),
    );
    const { o, round, handle, updateId, derive } = opened;
    const body = opened.body();
    const evidence = await checkProposals(prisma, round, body);
    const proposals: ProposalInput[] = body.proposals.map((p, i) => ({
      ...p,
      id: derive(`proposal-${i}`),
      ...(evidence[i] ? { evidence: evidence[i] } : {}),
    }));
    const result = await decide(() =>
      handle.executeUpdate(submitAssessmentUpdate, {
        args: [{ actor: actorOf(o), meeting: body.meeting, proposals, ...(body.noChange ? { noChange: true } : {}) }],
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
    // The township resolves objections of the publicities, the county those of its announcement period (the round
    // refuses the other).
    // A correction's list and the household it adds are read with the round.
    const opened = await openRoundReading<
      typeof ZResolution,
      { currentList?: ListedProposal[]; households?: NamedHousehold[] }
    >(req, ['TOWNSHIP', 'COUNTY'], 'Resolving an objection', ZResolution, correctionReads);
    const { o, round, handle, updateId, derive } = opened;
    const objectionId = parseOr400(ZUuid, req.params.objectionId, 'objection id');
    const body = opened.body();
    const correction = await prepareCorrection(prisma, round, body, () => derive('added-proposal'));
    const result = await decide(() =>
      handle.executeUpdate(resolveObjectionUpdate, {
        args: [{ actor: actorOf(o), objectionId, ...body, ...correction }],
        updateId,
      }),
    );
    res.json(result satisfies z.input<typeof ZDecisionResult>);
  });

  r.post('/rounds/:roundId/township-review', async (req, res) => {
    const { o, round, handle, updateId } = await openRound<{ currentList: ListedProposal[] }>(
      req,
      ['TOWNSHIP'],
      'The township review',
      CURRENT_LIST,
    );
    const body = parseOr400(ZTownshipReview, req.body);
    checkVerification(round, body);
    const result = await decide(() =>
      handle.executeUpdate(townshipReviewUpdate, { args: [{ actor: actorOf(o), ...body }], updateId }),
    );
    res.json(result satisfies z.input<typeof ZDecisionResult>);
  });

  r.post('/rounds/:roundId/county-announcement', async (req, res) => {
    const { o, round, handle, updateId } = await openRound(req, ['COUNTY'], 'The county announcement');
    const body = parseOr400(ZCountyAnnouncement, req.body);
    checkSpotChecks(round, body);
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

export function actorOf(o: Official): Actor {
  return { id: o.id, name: o.name, role: o.role, scopeCode: o.scopeCode };
}
