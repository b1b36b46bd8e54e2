import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionStatusName,
} from '@temporalio/client';
import { z } from 'zod';
import {
  DEFAULT_SUPERVISION_POLICY,
  FINDING_KINDS,
  FINDING_LABELS,
  FINDING_STATUSES,
  type FindingKind,
  type SupervisionPolicy,
  type SweepSummary,
} from '../../domain/supervision';
import type { Prisma, PrismaClient } from '../../infra/db';
import { supervisionSweepWorkflow } from '../../workflows/sweep';
import { caller, requireRole, type Official } from '../auth';
import { derivedUuid } from '../derived-ids';
import { decodeCursor, page, ZPage } from '../pagination';
import { badRequest, notFound, parseOr400 } from '../problem';
import { duration, ZTownshipCode } from '../schemas';
import { codesWithin, inScope, requireScope } from '../scope';

const sweepThreshold = duration(1000, 365 * 86_400_000);

export const ZSupervisionPolicy = z
  .object({ objectionStaleAfter: sweepThreshold.optional(), roundStuckAfter: sweepThreshold.optional() })
  .strict();

export const ZSweepRequest = z.object({ policy: ZSupervisionPolicy.optional() }).strict();
export type TSweepRequest = z.infer<typeof ZSweepRequest>;

/** A sweep's id: one run from the API (`sweep-manual-<uuid>`) or by the schedule (its id + the scheduled time). */
export const ZSweepId = z
  .string()
  .regex(
    /^(sweep-manual-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|supervision-sweep-\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)$/,
  );

export type SweepState = 'RUNNING' | 'COMPLETED' | 'FAILED';

export const ZFindingFilter = ZPage.extend({
  status: z.enum(FINDING_STATUSES).optional(),
  township: ZTownshipCode.optional(),
  kind: z.enum(FINDING_KINDS).optional(),
});

export interface SupervisionDeps {
  prisma: PrismaClient;
  client: Client;
  taskQueue: string;
  /** Thresholds of a sweep run from the API when the request names none (the schedule's, from config). */
  policy?: SupervisionPolicy;
  /** How long Idempotency-Key answers are kept (config IDEMPOTENCY_RETENTION); the sweep deletes older ones. */
  idempotencyRetention?: string;
}

/** Findings an official may see: those about a village in their jurisdiction (or a township, for township-wide ones). */
export function findingScope(o: Official): Prisma.SupervisionFindingWhereInput {
  return {
    OR: [{ villageCode: codesWithin(o.scopeCode) }, { villageCode: null, townshipCode: codesWithin(o.scopeCode) }],
  };
}

export function findingView(f: {
  id: string;
  kind: string;
  subjectKey: string;
  status: string;
  townshipCode: string | null;
  villageCode: string | null;
  roundId: string | null;
  householdId: string | null;
  escalatedToRole: string | null;
  escalatedToScope: string | null;
  detail: unknown;
  openedAt: Date;
  lastSeenAt: Date;
  closedAt: Date | null;
}) {
  return {
    id: f.id,
    kind: f.kind,
    label: FINDING_LABELS[f.kind as FindingKind] ?? f.kind,
    subjectKey: f.subjectKey,
    status: f.status,
    townshipCode: f.townshipCode,
    villageCode: f.villageCode,
    roundId: f.roundId,
    householdId: f.householdId,
    escalatedTo: f.escalatedToRole ? { role: f.escalatedToRole, scopeCode: f.escalatedToScope } : null,
    detail: f.detail,
    openedAt: f.openedAt,
    lastSeenAt: f.lastSeenAt,
    closedAt: f.closedAt,
  };
}

/** What an ended sweep that did not complete says about itself: what happened, never the failure's own text. */
const FAILURE_MESSAGES: Record<Exclude<WorkflowExecutionStatusName, 'RUNNING' | 'PAUSED' | 'COMPLETED'>, string> = {
  FAILED: 'The sweep failed; an administrator finds the cause in its Temporal history.',
  CANCELLED: 'The sweep was cancelled.',
  TERMINATED: 'The sweep was terminated.',
  TIMED_OUT: 'The sweep timed out.',
  CONTINUED_AS_NEW: 'The sweep continued as another run.',
  UNSPECIFIED: 'The sweep ended in an unknown state.',
  UNKNOWN: 'The sweep ended in an unknown state.',
};

/** The type of a failure (an ApplicationFailure's type, else the failure's class): never its message. */
function failureName(cause: unknown): string | null {
  if (!cause || typeof cause !== 'object') return null;
  const c = cause as { type?: unknown; cause?: unknown; name?: unknown };
  // An activity failure wraps the activity's own error: name that one.
  if (c.name === 'ActivityFailure' && c.cause) return failureName(c.cause);
  if (typeof c.type === 'string' && c.type) return c.type;
  return typeof c.name === 'string' ? c.name : null;
}

/** GET /supervision/findings, POST /supervision/sweeps (202 at once) and GET /supervision/sweeps/:sweepId. */
export function supervisionRouter({
  prisma,
  client,
  taskQueue,
  policy,
  idempotencyRetention,
}: SupervisionDeps): Router {
  const r = Router();

  r.get('/supervision/findings', async (req, res) => {
    const o = caller(req);
    const q = parseOr400(ZFindingFilter, req.query, 'query');
    // A village official may name its own township; anyone else only townships inside their jurisdiction.
    if (q.township && !inScope(o, q.township) && !o.scopeCode.startsWith(q.township)) {
      requireScope(o, q.township, `Township ${q.township}`);
    }
    const after = decodeCursor(q.cursor);
    let cursor: Prisma.SupervisionFindingWhereInput | undefined;
    if (after) {
      const m = /^(\d{1,15}):([0-9a-f-]{36})$/.exec(after);
      if (!m) throw badRequest('Invalid cursor.');
      const openedAt = new Date(Number(m[1]));
      cursor = { OR: [{ openedAt: { gt: openedAt } }, { openedAt, id: { gt: m[2]! } }] };
    }
    const rows = await prisma.supervisionFinding.findMany({
      where: {
        AND: [
          findingScope(o),
          ...(cursor ? [cursor] : []),
          {
            ...(q.status ? { status: q.status } : {}),
            ...(q.kind ? { kind: q.kind } : {}),
            ...(q.township ? { townshipCode: q.township } : {}),
          },
        ],
      },
      orderBy: [{ openedAt: 'asc' }, { id: 'asc' }],
      take: q.limit + 1,
    });
    const p = page(rows, q.limit, (f) => `${f.openedAt.getTime()}:${f.id}`);
    res.json({ items: p.items.map(findingView), nextCursor: p.nextCursor });
  });

  const sweepRoles: Official['role'][] = ['COUNTY', 'ADMIN'];

  // 202 at once: a sweep over a whole registry takes minutes, longer than a client should hold a request open.
  r.post('/supervision/sweeps', async (req, res) => {
    const o = requireRole(req, sweepRoles, 'Running a supervision sweep');
    const body = parseOr400(ZSweepRequest, req.body ?? {});
    // Under an Idempotency-Key a retry finds the sweep its first attempt started, instead of starting another.
    const idem = req.idempotency;
    const sweepId = `sweep-manual-${idem ? derivedUuid(o.id, idem.key, idem.hash, 'sweep') : randomUUID()}`;
    try {
      await client.workflow.start(supervisionSweepWorkflow, {
        taskQueue,
        workflowId: sweepId,
        args: [
          {
            policy: { ...DEFAULT_SUPERVISION_POLICY, ...policy, ...body.policy },
            ...(idempotencyRetention ? { idempotencyRetention } : {}),
          },
        ],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `Supervision sweep (督查) run by ${o.name} (${o.role})`,
      });
    } catch (err) {
      // A retry after the sweep has already closed: it is the same sweep, and GET tells how it ended.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    res.status(202).location(`/api/v1/supervision/sweeps/${sweepId}`).json({ sweepId });
  });

  r.get('/supervision/sweeps/:sweepId', async (req, res) => {
    requireRole(req, sweepRoles, 'Reading a supervision sweep');
    const id = ZSweepId.safeParse(req.params.sweepId);
    // Anything that is not a sweep's id names no sweep: 404, as for a sweep Temporal does not know.
    if (!id.success) throw notFound('No such supervision sweep.');
    const sweepId = id.data;
    const handle = client.workflow.getHandle<typeof supervisionSweepWorkflow>(sweepId);
    let info;
    try {
      info = await handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(`No supervision sweep ${sweepId}.`);
      throw err;
    }
    if (info.type !== supervisionSweepWorkflow.name) throw notFound(`No supervision sweep ${sweepId}.`);
    const base = { sweepId, startedAt: info.startTime, closedAt: info.closeTime ?? null };
    const status = info.status.name;
    // A paused sweep has not ended: it resumes where it stopped.
    if (status === 'RUNNING' || status === 'PAUSED') {
      res.json({ ...base, state: 'RUNNING' satisfies SweepState });
      return;
    }
    if (status === 'COMPLETED') {
      const results: SweepSummary = await handle.result();
      res.json({ ...base, state: 'COMPLETED' satisfies SweepState, results });
      return;
    }
    // Failed, cancelled, terminated or timed out. The failure's own message can quote a database error and the
    // data in it, so the answer names only what happened; the details stay in Temporal's history.
    let failureType: string | null = null;
    if (status === 'FAILED') {
      try {
        await handle.result();
      } catch (err) {
        if (err instanceof WorkflowFailedError) failureType = failureName(err.cause);
      }
    }
    res.json({
      ...base,
      state: 'FAILED' satisfies SweepState,
      failure: { status, type: failureType, message: FAILURE_MESSAGES[status] },
    });
  });

  return r;
}
