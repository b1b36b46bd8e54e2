// Exits of villages, townships and the county (摘帽): POST /exits starts an exit workflow after checking the unit's
// figures (a refusal is a 400 naming the reason), reads come from PostgreSQL, and each decision is an Update sent to
// the workflow after the same checks its validator makes.
import type { Client } from '@temporalio/client';
import { Router, type Request } from 'express';
import { z } from 'zod';
import {
  approvalProblems,
  DEFAULT_EXIT_POLICY,
  EXIT_LEVEL_LABELS,
  EXIT_REQUESTERS,
  exitRefusals,
  exitVisible,
  exitWorkflowId,
  parseExitId,
  publicityBelowMinimum,
  type ExitCheck,
  type ExitInput,
  type ExitRules,
} from '../../domain/exit';
import { DEFAULT_EXIT_POOR_SHARE_THRESHOLD } from '../../domain/supervision';
import type { PrismaClient } from '../../infra/db';
import { readExitFigures } from '../../infra/exit-figures';
import { exitWorkflow } from '../../workflows/exit';
import {
  announceExitUpdate,
  cancelExitUpdate,
  exitOpenedUpdate,
  fileExitObjectionUpdate,
  resolveExitObjectionUpdate,
  verifyExitUpdate,
} from '../../workflows/exit-contract';
import { EXIT_LEVEL_KEY, STAGE_KEY, TOWNSHIP_KEY, VILLAGE_KEY } from '../../workflows/search-attributes';
import { caller, requireRole } from '../auth';
import { IDEMPOTENCY_MEMO, requestIds, startedByRequest } from '../request-ids';
import { decodeCursor, page } from '../pagination';
import { badRequest, conflict, forbidden, notFound, parseOr400 } from '../problem';
import type { RulesSettings } from '../rules';
import { codesWithin, requireScope } from '../scope';
import { toProblem } from '../temporal-errors';
import { ZUuid } from '../schemas';
import { exitDetail, summary } from './exit-detail';
import {
  ZExitAnnouncement,
  ZExitCancel,
  ZExitDecisionResult,
  ZExitListQuery,
  ZExitId,
  ZExitListResponse,
  ZExitObjection,
  ZExitObjectionResponse,
  ZExitResolution,
  ZExitVerification,
  ZStartExit,
  ZStartExitResponse,
} from './exit-responses';
import { actorOf } from './rounds';

export { exitsOperations } from './exit-responses';

export interface ExitsDeps {
  prisma: PrismaClient;
  client: Client;
  taskQueue: string;
  /** MIN_PUBLICITY_PERIOD and COUNTY_SAMPLE_SHARE, captured into each exit; national defaults when absent. */
  rules?: RulesSettings;
  /** EXIT_POOR_SHARE_THRESHOLD, captured into each exit. */
  exitPoorShareThreshold?: number;
}

/** The division codes that contain `scopeCode` (a village official sees its township's and county's exits). */
function containing(scopeCode: string): string[] {
  return [6, 9].filter((n) => n < scopeCode.length).map((n) => scopeCode.slice(0, n));
}

export function exitsRouter({ prisma, client, taskQueue, rules: settings, exitPoorShareThreshold }: ExitsDeps): Router {
  const r = Router();
  const rules: ExitRules = {
    minPublicityPeriod: settings?.minPublicityPeriod ?? '7 days',
    sampleShare: settings?.countySampleShare ?? 0.1,
    exitPoorShareThreshold: exitPoorShareThreshold ?? DEFAULT_EXIT_POOR_SHARE_THRESHOLD,
  };

  async function loadExit(req: Request) {
    const o = caller(req);
    const exitId = parseOr400(ZExitId, req.params.exitId, 'exit id');
    const named = parseExitId(exitId);
    if (!named) throw badRequest(`${exitId} is not an exit id.`, [{ path: 'exitId', message: 'code of wrong length' }]);
    // The id names the unit: check jurisdiction before revealing whether the exit exists.
    if (!exitVisible(o.scopeCode, named.code)) {
      throw forbidden(`Exit ${exitId} is outside your jurisdiction (${o.scopeCode}).`, 'OUT_OF_JURISDICTION');
    }
    const exit = await prisma.exit.findUnique({ where: { id: exitId } });
    if (!exit) throw notFound(`No exit ${exitId}.`);
    return { o, exit };
  }

  /** An open exit the caller may decide on: the role, and jurisdiction over the unit (or, to object, near it). */
  async function openExit(req: Request, roles: Parameters<typeof requireRole>[1], what: string, near = false) {
    const { o, exit } = await loadExit(req);
    requireRole(req, roles, what);
    if (!near) requireScope(o, exit.code, `${EXIT_LEVEL_LABELS[exit.level]} ${exit.code}`);
    if (exit.status !== 'OPEN' && !req.idempotency) {
      throw conflict(`Exit ${exit.id} is ${exit.status.toLowerCase()}.`, {}, 'ROUND_CLOSED');
    }
    return { o, exit, handle: client.workflow.getHandle(exit.id), ...requestIds(req) };
  }

  async function decide<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toProblem(err);
    }
  }

  r.post('/exits', async (req, res) => {
    requireRole(req, ['TOWNSHIP', 'COUNTY'], 'Requesting an exit');
    const body = parseOr400(ZStartExit, req.body);
    const o = requireRole(req, [...EXIT_REQUESTERS[body.level]], `Requesting a ${body.level} exit`);
    requireScope(o, body.code, `${EXIT_LEVEL_LABELS[body.level]} ${body.code}`);
    const policy = { ...DEFAULT_EXIT_POLICY, ...body.policy };
    if (publicityBelowMinimum(policy, rules)) {
      const min = `MIN_PUBLICITY_PERIOD (${rules.minPublicityPeriod})`;
      throw badRequest(`policy.publicityPeriod must be at least the minimum publicity period ${min}.`, [
        { path: 'policy.publicityPeriod', message: `shorter than ${min}` },
      ]);
    }
    const read = await readExitFigures(prisma, {
      level: body.level,
      code: body.code,
      threshold: rules.exitPoorShareThreshold,
      year: body.year,
    });
    if (!read) throw notFound(`No ${body.level.toLowerCase()} ${body.code}.`);
    const exitId = exitWorkflowId(body.level, body.code, body.year);
    const existing = await prisma.exit.findFirst({
      where: { OR: [{ id: exitId }, { level: body.level, code: body.code, status: 'OPEN' }] },
    });
    // With an Idempotency-Key the workflow carries a token of it, so a retry (the API died before answering)
    // recognises the exit its first attempt started and answers as it would have.
    const token = req.idempotency ? requestIds(req).derive('exit') : undefined;
    const startedByThisRequest = () => startedByRequest(client, exitId, token);
    const answerCreated = async () => {
      await client.workflow.getHandle(exitId).executeUpdate(exitOpenedUpdate, { updateId: requestIds(req).updateId });
      const row = await prisma.exit.findUniqueOrThrow({ where: { id: exitId } });
      res
        .status(201)
        .location(`/api/v1/exits/${exitId}`)
        .json({ exitId, workflowId: exitId, stage: row.stage, status: row.status } satisfies z.input<
          typeof ZStartExitResponse
        >);
    };
    if (existing) {
      if (existing.id === exitId && (await startedByThisRequest())) return answerCreated();
      throw conflict(
        `${read.figures.name} already has an exit: ${existing.id} (${existing.status}).`,
        {},
        'ALREADY_EXISTS',
      );
    }
    const refusals = exitRefusals(read.figures, rules.exitPoorShareThreshold);
    if (refusals.length > 0) {
      throw badRequest(`${read.figures.name} may not exit: ${refusals.map((x) => x.message).join('; ')}.`, refusals);
    }
    const townshipCode = body.level === 'COUNTY' ? undefined : body.code.slice(0, 9);
    const input: ExitInput = {
      exitId,
      level: body.level,
      code: body.code,
      ...(townshipCode ? { townshipCode } : {}),
      year: body.year,
      policy,
      rules,
      requestedBy: actorOf(o),
    };
    try {
      await client.workflow.start(exitWorkflow, {
        workflowId: exitId,
        taskQueue,
        args: [input],
        // One exit per unit and year: a second request for it is refused here if it slipped past the check above.
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: EXIT_LEVEL_KEY, value: body.level },
          { key: STAGE_KEY, value: 'COUNTY_VERIFICATION' },
          ...(townshipCode ? [{ key: TOWNSHIP_KEY, value: townshipCode }] : []),
          ...(body.level === 'VILLAGE' ? [{ key: VILLAGE_KEY, value: body.code }] : []),
        ],
        ...(token ? { memo: { [IDEMPOTENCY_MEMO]: token } } : {}),
        staticSummary: `${read.figures.name} (${body.code}) exit of ${body.year}`,
        staticDetails: `${body.level} ${body.code}; publicity ${policy.publicityPeriod}; requested by ${o.role} ${o.id}.`,
      });
    } catch (err) {
      const p = toProblem(err);
      if (p === err) throw err;
      if (await startedByThisRequest()) return answerCreated();
      throw conflict(`${read.figures.name} already has an exit: ${exitId}.`, {}, 'ALREADY_EXISTS');
    }
    return answerCreated();
  });

  r.get('/exits', async (req, res) => {
    const o = caller(req);
    const q = parseOr400(ZExitListQuery, req.query, 'query');
    const after = decodeCursor(q.cursor);
    const rows = await prisma.exit.findMany({
      where: {
        OR: [{ code: codesWithin(o.scopeCode) }, { code: { in: containing(o.scopeCode) } }],
        ...(q.level ? { level: q.level } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.stage ? { stage: q.stage } : {}),
        ...(q.code ? { code: q.code } : {}),
        ...(after ? { id: { gt: after } } : {}),
      },
      orderBy: { id: 'asc' },
      take: q.limit + 1,
    });
    const p = page(rows, q.limit, (x) => x.id);
    res.json({ items: p.items.map(summary), nextCursor: p.nextCursor } satisfies z.input<typeof ZExitListResponse>);
  });

  r.get('/exits/:exitId', async (req, res) => {
    const { o, exit } = await loadExit(req);
    res.json(await exitDetail(prisma, o, exit.id));
  });

  r.post('/exits/:exitId/verification', async (req, res) => {
    const { o, exit, handle, updateId } = await openExit(req, ['COUNTY'], 'The county verification');
    const body = parseOr400(ZExitVerification, req.body);
    const findings: ExitCheck[] = body.findings ?? [];
    if (body.decision === 'APPROVE' && exit.stage === 'COUNTY_VERIFICATION') {
      const problems = approvalProblems(exit.sample, findings);
      if (problems.length > 0) {
        throw badRequest(`The exit cannot be approved: ${problems.map((p) => p.message).join('; ')}.`, problems);
      }
    }
    const result = await decide(() =>
      handle.executeUpdate(verifyExitUpdate, {
        args: [{ actor: actorOf(o), decision: body.decision, note: body.note, findings }],
        updateId,
      }),
    );
    res.json(result satisfies z.input<typeof ZExitDecisionResult>);
  });

  r.post('/exits/:exitId/objections', async (req, res) => {
    const { o, handle, updateId, derive } = await openExit(
      req,
      ['VILLAGE', 'TOWNSHIP', 'COUNTY'],
      'Recording an objection',
      true,
    );
    const body = parseOr400(ZExitObjection, req.body);
    const objectionId = derive('objection');
    const result = await decide(() =>
      handle.executeUpdate(fileExitObjectionUpdate, { args: [{ actor: actorOf(o), objectionId, ...body }], updateId }),
    );
    res.status(201).json(result satisfies z.input<typeof ZExitObjectionResponse>);
  });

  r.post('/exits/:exitId/objections/:objectionId/resolution', async (req, res) => {
    const { o, handle, updateId } = await openExit(req, ['COUNTY'], 'Resolving an objection');
    const objectionId = parseOr400(ZUuid, req.params.objectionId, 'objection id');
    const body = parseOr400(ZExitResolution, req.body);
    const result = await decide(() =>
      handle.executeUpdate(resolveExitObjectionUpdate, {
        args: [{ actor: actorOf(o), objectionId, ...body }],
        updateId,
      }),
    );
    res.json(result satisfies z.input<typeof ZExitDecisionResult>);
  });

  r.post('/exits/:exitId/announcement', async (req, res) => {
    const { o, handle, updateId } = await openExit(req, ['COUNTY'], 'The announcement');
    const body = parseOr400(ZExitAnnouncement, req.body);
    const result = await decide(() =>
      handle.executeUpdate(announceExitUpdate, { args: [{ actor: actorOf(o), ...body }], updateId }),
    );
    res.json(result satisfies z.input<typeof ZExitDecisionResult>);
  });

  r.post('/exits/:exitId/cancel', async (req, res) => {
    const { o, handle, updateId } = await openExit(req, ['COUNTY', 'ADMIN'], 'Cancelling an exit');
    const body = parseOr400(ZExitCancel, req.body);
    const result = await decide(() =>
      handle.executeUpdate(cancelExitUpdate, { args: [{ actor: actorOf(o), ...body }], updateId }),
    );
    res.json(result satisfies z.input<typeof ZExitDecisionResult>);
  });

  return r;
}
