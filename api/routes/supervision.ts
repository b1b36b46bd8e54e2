import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import { ROLES } from '../../domain/enums';
import {
  DEFAULT_SUPERVISION_POLICY,
  FINDING_KINDS,
  FINDING_LABELS,
  FINDING_STATUSES,
  type FindingKind,
  type SupervisionPolicy,
} from '../../domain/supervision';
import type { Prisma, PrismaClient } from '../../infra/db';
import { supervisionSweepWorkflow } from '../../workflows/sweep';
import { caller, requireRole, type Official } from '../auth';
import { derivedUuid } from '../derived-ids';
import { decodeCursor, page, ZPage } from '../pagination';
import { badRequest, parseOr400 } from '../problem';
import { pageOf, ZDateTime, type ApiOperation } from '../responses';
import { duration, ZTownshipCode } from '../schemas';
import { codesWithin, inScope, requireScope } from '../scope';

const sweepThreshold = duration(1000, 365 * 86_400_000);

export const ZSupervisionPolicy = z
  .object({ objectionStaleAfter: sweepThreshold.optional(), roundStuckAfter: sweepThreshold.optional() })
  .strict();

export const ZSweepRequest = z.object({ policy: ZSupervisionPolicy.optional() }).strict();
export type TSweepRequest = z.infer<typeof ZSweepRequest>;

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
    byKind: z.record(z.enum(FINDING_KINDS), ZKindCounts),
    escalatedToRounds: z.number().int(),
    idempotencyRecordsPurged: z.number().int().optional(),
  })
  .meta({ id: 'SweepSummary' });

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

/** GET /supervision/findings and POST /supervision/sweeps. */
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

  r.post('/supervision/sweeps', async (req, res) => {
    const o = requireRole(req, ['COUNTY', 'ADMIN'], 'Running a supervision sweep');
    const body = parseOr400(ZSweepRequest, req.body ?? {});
    // Under an Idempotency-Key a retry finds the sweep its first attempt started, instead of starting another.
    const idem = req.idempotency;
    const workflowId = `sweep-manual-${idem ? derivedUuid(o.id, idem.key, idem.hash, 'sweep') : randomUUID()}`;
    let handle: WorkflowHandle<typeof supervisionSweepWorkflow>;
    try {
      handle = await client.workflow.start(supervisionSweepWorkflow, {
        taskQueue,
        workflowId,
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
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      handle = client.workflow.getHandle(workflowId);
    }
    res.status(201).json((await handle.result()) satisfies z.input<typeof ZSweepSummary>);
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
    summary: 'Run a supervision sweep now and wait for its summary',
    tag: 'supervision',
    body: ZSweepRequest,
    bodyOptional: true,
    responses: { 201: { description: 'The sweep ran; its summary.', schema: ZSweepSummary } },
    problems: [403],
  },
];
