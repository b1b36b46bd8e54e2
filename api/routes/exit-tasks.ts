// The exits waiting for the caller (GET /tasks): the county verifies, resolves the publicity's objections and
// announces, for every unit in its jurisdiction. Others act on no open exit (a township only requests one).
import { EXIT_DECIDER, type ExitLevel, type ExitStage } from '../../domain/exit';
import { Prisma, rawQuery, type PrismaClient } from '../../infra/db';
import type { Official } from '../auth';
import { sqlCodesWithin } from '../scope';

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

interface ExitRow {
  id: string;
  level: ExitLevel;
  code: string;
  year: number;
  stage: ExitStage;
  stageDeadline: Date | null;
}

const ACTIONS: Partial<Record<ExitStage, string>> = {
  COUNTY_VERIFICATION: 're-check the sampled households and approve or reject the exit',
  ANNOUNCEMENT: 'announce the exit',
};

/** The rows of the caller's exit tasks: the exits at a stage it decides, and the open objections it resolves. */
export interface ExitTaskRows {
  deciding: ExitRow[];
  objections: (ExitRow & { objectionId: string })[];
}

const NO_EXIT_TASKS: ExitTaskRows = { deciding: [], objections: [] };

export async function exitTaskRows(prisma: PrismaClient, o: Official, limit: number): Promise<ExitTaskRows> {
  if (o.role !== EXIT_DECIDER) return NO_EXIT_TASKS;
  // Raw (issue 16): the county polls its inbox all day. The exits at a stage the county decides, and the open
  // objections of exits in their publicity, each in Prisma's order.
  const cols = Prisma.sql`e."id", e."level"::text AS "level", e."code", e."year", e."stage"::text AS "stage",
                          e."stageDeadline"`;
  const [deciding, objections] = await Promise.all([
    rawQuery<ExitRow>(
      prisma,
      Prisma.sql`SELECT ${cols} FROM "Exit" e
                 WHERE e."status" = 'OPEN' AND e."stage" IN ('COUNTY_VERIFICATION', 'ANNOUNCEMENT')
                   AND ${sqlCodesWithin(Prisma.sql`e."code"`, o.scopeCode)}
                 ORDER BY e."stageDeadline" ASC NULLS LAST, e."id" LIMIT ${limit}`,
      { prepared: true },
    ),
    rawQuery<ExitRow & { objectionId: string }>(
      prisma,
      Prisma.sql`SELECT ${cols}, ob."id"::text AS "objectionId" FROM "ExitObjection" ob JOIN "Exit" e ON e."id" = ob."exitId"
                 WHERE ob."status" = 'OPEN' AND e."status" = 'OPEN' AND e."stage" = 'PUBLICITY'
                   AND ${sqlCodesWithin(Prisma.sql`e."code"`, o.scopeCode)}
                 ORDER BY ob."filedAt", ob."id" LIMIT ${limit}`,
      { prepared: true },
    ),
  ]);
  return { deciding, objections };
}

/** The exit tasks of those rows at `now` (an exit past its deadline is overdue). */
export function exitTasksOf({ deciding, objections }: ExitTaskRows, now: number): ExitTask[] {
  const of = (x: ExitRow) => ({
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
      ...of(ob),
      objectionId: ob.objectionId,
      action: 'resolve the objection to the exit',
    })),
  ];
}
