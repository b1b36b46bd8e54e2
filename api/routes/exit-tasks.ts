// The exits waiting for the caller (GET /tasks): the county verifies, resolves the publicity's objections and
// announces, for every unit in its jurisdiction. Others act on no open exit (a township only requests one).
import { EXIT_DECIDER, type ExitLevel, type ExitStage } from '../../domain/exit';
import type { PrismaClient } from '../../infra/db';
import type { Official } from '../auth';
import { codesWithin } from '../scope';

export interface ExitTask {
  kind: 'DECIDE_EXIT' | 'RESOLVE_EXIT_OBJECTION';
  roundId: null;
  villageCode: string | null;
  stage: null;
  deadline: Date | null;
  overdue: boolean;
  objectionId?: string;
  exit: { exitId: string; level: ExitLevel; code: string; year: number; stage: ExitStage };
  action: string;
}

const ACTIONS: Partial<Record<ExitStage, string>> = {
  COUNTY_VERIFICATION: 're-check the sampled households and approve or reject the exit',
  ANNOUNCEMENT: 'announce the exit',
};

export async function exitTasks(prisma: PrismaClient, o: Official, limit: number, now: number): Promise<ExitTask[]> {
  if (o.role !== EXIT_DECIDER) return [];
  const code = codesWithin(o.scopeCode);
  const [deciding, objections] = await Promise.all([
    prisma.exit.findMany({
      where: { status: 'OPEN', stage: { in: ['COUNTY_VERIFICATION', 'ANNOUNCEMENT'] }, code },
      orderBy: [{ stageDeadline: 'asc' }, { id: 'asc' }],
      take: limit,
    }),
    prisma.exitObjection.findMany({
      where: { status: 'OPEN', exit: { status: 'OPEN', stage: 'PUBLICITY', code } },
      include: { exit: true },
      orderBy: [{ filedAt: 'asc' }, { id: 'asc' }],
      take: limit,
    }),
  ]);
  const of = (x: (typeof deciding)[number]) => ({
    roundId: null,
    villageCode: x.level === 'VILLAGE' ? x.code : null,
    stage: null,
    deadline: x.stageDeadline,
    overdue: x.stageDeadline !== null && x.stageDeadline.getTime() < now,
    exit: { exitId: x.id, level: x.level, code: x.code, year: x.year, stage: x.stage },
  });
  return [
    ...deciding.map((x) => ({ kind: 'DECIDE_EXIT' as const, ...of(x), action: ACTIONS[x.stage] ?? 'decide' })),
    ...objections.map((ob) => ({
      kind: 'RESOLVE_EXIT_OBJECTION' as const,
      ...of(ob.exit),
      objectionId: ob.id,
      action: 'resolve the objection to the exit',
    })),
  ];
}
