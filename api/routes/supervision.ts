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
import { ROLES } from '../../domain/enums';
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
import { pageOf, ZDateTime, type ApiOperation } from '../responses';
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

export const ZFindingFilter = ZPage.extend({
  status: z.enum(FINDING_STATUSES).optional(),
  township: ZTownshipCode.optional(),
  kind: z.enum(FINDING_KINDS).optional(),
});

export const ZFinding = z
  .object({
    id: z.string(),
    kind: z.enum(FINDING_KINDS),
    label: z.string(),
    subjectKey: z.string(),
    status: z.enum(FINDING_STATUSES),
    townshipCode: z.string().nullable(),
    villageCode: z.string().nullable(),
    roundId: z.string().nullable(),
    householdId: z.string().nullable(),
    escalatedTo: z.object({ role: z.enum(ROLES), scopeCode: z.string().nullable() }).nullable(),
    detail: z.unknown().meta({ description: 'What the sweep found (JSON, by kind), or null.' }),
    openedAt: ZDateTime,
    lastSeenAt: ZDateTime,
    closedAt: ZDateTime.nullable(),
  })
  .meta({ id: 'Finding' });
export const ZFindingListResponse = pageOf(ZFinding);

const ZKindCounts = z.object({
  opened: z.number().int().meta({ description: 'Findings first recorded by this sweep.' }),
  stillOpen: z.number().int().meta({ description: 'Findings already open that this sweep saw again.' }),
  closed: z.number().int().meta({ description: 'Open findings whose condition has cleared.' }),
});

/** domain/supervision.ts SweepSummary. */
export const ZSweepSummary = z
  .object({
    sweepId: z.string(),
    at: z.iso.datetime(),
    year: z.number().int().meta({ description: 'The calendar year (China time) the exit plan is judged against.' }),
    policy: z.object({ objectionStaleAfter: z.string(), roundStuckAfter: z.string() }),
    byKind: z
      .partialRecord(z.enum(FINDING_KINDS), ZKindCounts)
      .meta({ description: 'Counts per kind; a kind added later is absent from sweeps that ran before it.' }),
    escalatedToRounds: z.number().int(),
    idempotencyRecordsPurged: z.number().int().optional(),
  })
  .meta({ id: 'SweepSummary' });

export const ZSweepStarted = z
  .object({ sweepId: z.string().meta({ description: 'Read the sweep with GET /supervision/sweeps/{sweepId}.' }) })
  .meta({ id: 'SweepStarted' });

const ZSweepBase = { sweepId: z.string(), startedAt: ZDateTime, closedAt: ZDateTime.nullable() };
/** A sweep's state: RUNNING, COMPLETED with its summary, or FAILED with what happened (never the failure's text). */
export const ZSweepStatus = z
  .discriminatedUnion('state', [
    z.object({ ...ZSweepBase, state: z.literal('RUNNING') }).strict(),
    z.object({ ...ZSweepBase, state: z.literal('COMPLETED'), results: ZSweepSummary }).strict(),
    z
      .object({
        ...ZSweepBase,
        state: z.literal('FAILED'),
        failure: z
          .object({
            status: z.enum([
              'FAILED',
              'CANCELLED',
              'TERMINATED',
              'TIMED_OUT',
              'CONTINUED_AS_NEW',
              'UNSPECIFIED',
              'UNKNOWN',
            ]),
            type: z
              .string()
              .nullable()
              .meta({ description: 'The failure type (e.g. an activity error name), if any.' }),
            message: z.string(),
          })
          .strict(),
      })
      .strict(),
  ])
  .meta({ id: 'SweepStatus' });

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
  status: (typeof FINDING_STATUSES)[number];
  townshipCode: string | null;
  villageCode: string | null;
  roundId: string | null;
  householdId: string | null;
  escalatedToRole: Official['role'] | null;
  escalatedToScope: string | null;
  detail: unknown;
  openedAt: Date;
  lastSeenAt: Date;
  closedAt: Date | null;
}): z.input<typeof ZFinding> {
  return {
    id: f.id,
    kind: f.kind as FindingKind,
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
      if (!m) throw badRequest('Invalid cursor.', undefined, 'INVALID_CURSOR');
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
    res.json({ items: p.items.map(findingView), nextCursor: p.nextCursor } satisfies z.input<
      typeof ZFindingListResponse
    >);
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
    res
      .status(202)
      .location(`/api/v1/supervision/sweeps/${sweepId}`)
      .json({ sweepId } satisfies z.input<typeof ZSweepStarted>);
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
      res.json({ ...base, state: 'RUNNING' as const } satisfies z.input<typeof ZSweepStatus>);
      return;
    }
    if (status === 'COMPLETED') {
      const results: SweepSummary = await handle.result();
      res.json({ ...base, state: 'COMPLETED' as const, results } satisfies z.input<typeof ZSweepStatus>);
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
      state: 'FAILED' as const,
      failure: { status, type: failureType, message: FAILURE_MESSAGES[status] },
    } satisfies z.input<typeof ZSweepStatus>);
  });

  return r;
}

/** The operations of this router, for the OpenAPI document (api/openapi.ts). */
export const supervisionOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/supervision/findings',
    operationId: 'listFindings',
    summary: 'Supervision findings in the caller’s jurisdiction',
    tag: 'supervision',
    query: ZFindingFilter,
    responses: { 200: { description: 'A page of findings, oldest first.', schema: ZFindingListResponse } },
    problems: [400, 403],
  },
  {
    method: 'post',
    path: '/supervision/sweeps',
    operationId: 'runSweep',
    summary: 'Start a supervision sweep now',
    description: 'Answers at once; the sweep runs as a workflow. Poll GET /supervision/sweeps/{sweepId}.',
    tag: 'supervision',
    body: ZSweepRequest,
    bodyOptional: true,
    responses: {
      202: {
        description: 'The sweep started (or, under the same Idempotency-Key, had started).',
        schema: ZSweepStarted,
        headers: { Location: 'The sweep’s URL.' },
      },
    },
    problems: [403],
  },
  {
    method: 'get',
    path: '/supervision/sweeps/{sweepId}',
    operationId: 'getSweep',
    summary: 'A supervision sweep’s state and, once it completed, its results',
    tag: 'supervision',
    params: z.object({ sweepId: z.string() }),
    responses: { 200: { description: 'RUNNING, COMPLETED with results, or FAILED.', schema: ZSweepStatus } },
    problems: [403, 404],
  },
];
