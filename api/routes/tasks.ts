import { Router } from 'express';
import { z } from 'zod';
import type { Stage } from '../../domain/enums';
import type { PrismaClient } from '../../infra/db';
import { caller } from '../auth';
import { parseOr400 } from '../problem';

const WAITS_ON: Partial<Record<string, Stage>> = {
  VILLAGE: 'VILLAGE_ASSESSMENT',
  TOWNSHIP: 'TOWNSHIP_REVIEW',
  COUNTY: 'COUNTY_ANNOUNCEMENT',
};

interface Task {
  kind: 'DECIDE' | 'RESOLVE_OBJECTION' | 'OVERDUE';
  roundId: string;
  villageCode: string;
  stage: Stage;
  deadline: Date | null;
  overdue: boolean;
  objectionId?: string;
  action: string;
}

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
    const inScope = { startsWith: o.scopeCode };
    const stage = WAITS_ON[o.role];
    const [waiting, objections, overdue] = await Promise.all([
      stage
        ? prisma.round.findMany({
            where: { status: 'OPEN', stage, villageCode: inScope },
            orderBy: { stageDeadline: 'asc' },
            take: q.limit,
          })
        : [],
      o.role === 'TOWNSHIP'
        ? prisma.objection.findMany({
            where: { status: 'OPEN', round: { status: 'OPEN', villageCode: inScope } },
            include: { round: true },
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
    const t = (d: Date | null) => (d ? d.getTime() : Number.MAX_SAFE_INTEGER);
    tasks.sort((a, b) => t(a.deadline) - t(b.deadline) || a.roundId.localeCompare(b.roundId));
    res.json({ items: tasks.slice(0, q.limit) });
  });
  return r;
}
