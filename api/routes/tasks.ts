import { Router } from 'express';
import { z } from 'zod';
import type { Stage } from '../../domain/enums';
import { FINDING_ACTIONS, FINDING_LABELS, type FindingKind } from '../../domain/supervision';
import type { PrismaClient } from '../../infra/db';
import { caller } from '../auth';
import { parseOr400 } from '../problem';
import { codesWithin } from '../scope';
import { findingScope } from './supervision';

const WAITS_ON: Partial<Record<string, Stage>> = {
  VILLAGE: 'VILLAGE_ASSESSMENT',
  TOWNSHIP: 'TOWNSHIP_REVIEW',
  COUNTY: 'COUNTY_ANNOUNCEMENT',
};

interface Task {
  kind: 'DECIDE' | 'RESOLVE_OBJECTION' | 'OVERDUE' | 'FINDING';
  /** Null for a finding that concerns no round (e.g. a household without a responsible person). */
  roundId: string | null;
  villageCode: string | null;
  stage: Stage | null;
  /** A finding is due from the moment it was opened. */
  deadline: Date | null;
  overdue: boolean;
  objectionId?: string;
  finding?: {
    id: string;
    kind: string;
    label: string;
    subjectKey: string;
    householdId: string | null;
    townshipCode: string | null;
    openedAt: Date;
    ageSeconds: number;
    escalatedTo: { role: string | null; scopeCode: string | null };
  };
  action: string;
}

/** The round fields a task shows: a county's list holds hundreds of rounds, so not their policies and timestamps. */
const ROUND_FIELDS = { id: true, villageCode: true, stage: true, stageDeadline: true, overdueSince: true } as const;

/** What the caller must act on now: rounds waiting for them, objections to resolve, overdue stages. */
export function tasksRouter(prisma: PrismaClient): Router {
  const r = Router();
  r.get('/tasks', async (req, res) => {
    const o = caller(req);
    const q = parseOr400(
      z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }),
      req.query,
      'query',
    );
    const inScope = codesWithin(o.scopeCode);
    const stage = WAITS_ON[o.role];
    const [waiting, objections, overdue, findings] = await Promise.all([
      stage
        ? prisma.round.findMany({
            where: { status: 'OPEN', stage, villageCode: inScope },
            orderBy: { stageDeadline: 'asc' },
            take: q.limit,
            select: ROUND_FIELDS,
          })
        : [],
      o.role === 'TOWNSHIP'
        ? prisma.objection.findMany({
            where: { status: 'OPEN', round: { status: 'OPEN', villageCode: inScope } },
            select: { id: true, roundId: true, round: { select: ROUND_FIELDS } },
            orderBy: { filedAt: 'asc' },
            take: q.limit,
          })
        : [],
      // Supervisors (township, county, admin) also see every overdue stage below them.
      o.role === 'VILLAGE'
        ? []
        : prisma.round.findMany({
            where: { status: 'OPEN', overdueSince: { not: null }, villageCode: inScope },
            orderBy: { stageDeadline: 'asc' },
            take: q.limit,
            select: ROUND_FIELDS,
          }),
      // Supervision findings escalated to the caller; the county and administrators see every finding below them.
      prisma.supervisionFinding.findMany({
        where: {
          status: 'OPEN',
          ...(o.role === 'COUNTY' || o.role === 'ADMIN'
            ? findingScope(o)
            : { escalatedToRole: o.role, escalatedToScope: inScope }),
        },
        orderBy: [{ openedAt: 'asc' }, { id: 'asc' }],
        take: q.limit,
      }),
    ]);
    const tasks: Task[] = [];
    const seen = new Set<string>();
    for (const x of waiting) {
      seen.add(x.id);
      tasks.push({
        kind: 'DECIDE',
        roundId: x.id,
        villageCode: x.villageCode,
        stage: x.stage,
        deadline: x.stageDeadline,
        overdue: x.overdueSince !== null,
        action: `decide ${x.stage}`,
      });
    }
    for (const x of objections) {
      tasks.push({
        kind: 'RESOLVE_OBJECTION',
        roundId: x.roundId,
        villageCode: x.round.villageCode,
        stage: x.round.stage,
        deadline: x.round.stageDeadline,
        overdue: x.round.overdueSince !== null,
        objectionId: x.id,
        action: 'resolve the objection',
      });
      seen.add(x.roundId);
    }
    for (const x of overdue) {
      if (seen.has(x.id)) continue;
      tasks.push({
        kind: 'OVERDUE',
        roundId: x.id,
        villageCode: x.villageCode,
        stage: x.stage,
        deadline: x.stageDeadline,
        overdue: true,
        action: `follow up: ${x.stage} is past its deadline`,
      });
    }
    const now = Date.now();
    for (const f of findings) {
      const kind = f.kind as FindingKind;
      const stage = (f.detail as { stage?: Stage } | null)?.stage ?? null;
      tasks.push({
        kind: 'FINDING',
        roundId: f.roundId,
        villageCode: f.villageCode,
        stage,
        deadline: f.openedAt,
        overdue: true,
        finding: {
          id: f.id,
          kind,
          label: FINDING_LABELS[kind] ?? f.kind,
          subjectKey: f.subjectKey,
          householdId: f.householdId,
          townshipCode: f.townshipCode,
          openedAt: f.openedAt,
          ageSeconds: Math.max(0, Math.floor((now - f.openedAt.getTime()) / 1000)),
          escalatedTo: { role: f.escalatedToRole, scopeCode: f.escalatedToScope },
        },
        action: FINDING_ACTIONS[kind] ?? 'follow up the supervision finding',
      });
    }
    const t = (d: Date | null) => (d ? d.getTime() : Number.MAX_SAFE_INTEGER);
    const key = (x: Task) => x.roundId ?? x.finding?.id ?? '';
    tasks.sort((a, b) => t(a.deadline) - t(b.deadline) || key(a).localeCompare(key(b)));
    res.json({ items: tasks.slice(0, q.limit) });
  });
  return r;
}
