import { Router } from 'express';
import { z } from 'zod';
import { ROLES, STAGES, type Stage } from '../../domain/enums';
import { objectionStagesResolvedBy, stageDecidedBy } from '../../domain/procedure';
import { FINDING_ACTIONS, FINDING_KINDS, FINDING_LABELS, type FindingKind } from '../../domain/supervision';
import { Prisma, rawQuery, utcTimestamp, type PrismaClient } from '../../infra/db';
import { caller, type Official } from '../auth';
import { parseOr400 } from '../problem';
import { mark } from '../timing';
import { ZDateTime, type ApiOperation } from '../responses';
import { sqlCodesWithin } from '../scope';
import { EXIT_LEVELS, EXIT_STAGES } from '../../domain/exit';
import { CANDIDATE_WAITING } from '../../infra/verifications';
import { exitTaskRows, exitTasksOf } from './exit-tasks';
import { inboxRead } from '../inbox';

export const ZTasksQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) });

const TASK_KINDS = [
  'DECIDE',
  'RESOLVE_OBJECTION',
  'OVERDUE',
  'FINDING',
  'DECIDE_EXIT',
  'RESOLVE_EXIT_OBJECTION',
  'PROPOSE_ENTRY',
] as const;

export const ZTask = z
  .object({
    kind: z.enum(TASK_KINDS),
    roundId: z.string().nullable().meta({ description: 'Null for a finding that concerns no round.' }),
    villageCode: z.string().nullable(),
    stage: z.enum(STAGES).nullable(),
    deadline: ZDateTime.nullable().meta({ description: 'A finding is due from the moment it was opened.' }),
    overdue: z.boolean(),
    objectionId: z.string().optional(),
    finding: z
      .object({
        id: z.string(),
        kind: z.enum(FINDING_KINDS),
        label: z.string(),
        subjectKey: z.string(),
        householdId: z.string().nullable(),
        townshipCode: z.string().nullable(),
        openedAt: ZDateTime,
        ageSeconds: z.number().int(),
        escalatedTo: z.object({ role: z.enum(ROLES).nullable(), scopeCode: z.string().nullable() }),
      })
      .optional(),
    exit: z
      .object({
        exitId: z.string(),
        level: z.enum(EXIT_LEVELS),
        code: z.string(),
        year: z.number().int(),
        stage: z.enum(EXIT_STAGES),
      })
      .optional()
      .meta({ description: 'The exit (摘帽) a DECIDE_EXIT or RESOLVE_EXIT_OBJECTION task concerns.' }),
    candidate: z
      .object({
        id: z.string(),
        householdId: z.string(),
        source: z.string(),
        sourceId: z.string(),
        createdAt: ZDateTime,
      })
      .optional()
      .meta({
        description:
          'PROPOSE_ENTRY (the village): a household found MISSED_POOR by a county verification, to propose for entry in the open round at VILLAGE_ASSESSMENT (`roundId`) or the next one.',
      }),
    action: z.string().meta({ description: 'What to do, in words.' }),
  })
  .meta({ id: 'Task' });
export const ZTasksResponse = z.object({ items: z.array(ZTask) });

type TaskKind = Exclude<(typeof TASK_KINDS)[number], 'DECIDE_EXIT' | 'RESOLVE_EXIT_OBJECTION'>;

type Task = z.input<typeof ZTask>;

/** One row of the task query: a round task, a finding (the f* columns) or an entry candidate (`candidate`). */
interface TaskRow {
  kind: TaskKind;
  roundId: string | null;
  villageCode: string | null;
  stage: Stage | null;
  deadline: Date | null;
  overdue: boolean;
  objectionId: string | null;
  fId: string | null;
  fKind: string | null;
  fSubjectKey: string | null;
  fHouseholdId: string | null;
  fTownshipCode: string | null;
  fRole: Official['role'] | null;
  fScope: string | null;
  /** An entry candidate's fields as json (its instant is UTC text without a zone). */
  candidate: { id: string; householdId: string; source: string; sourceId: string; createdAt: string } | null;
}

const ROUND_COLUMNS = Prisma.sql`r."id" AS "roundId", r."villageCode", r."stage"::text AS "stage",
  r."stageDeadline" AS "deadline", r."overdueSince" IS NOT NULL AS "overdue"`;
const NO_FINDING = Prisma.sql`NULL::text AS "fId", NULL::text AS "fKind", NULL::text AS "fSubjectKey",
  NULL::text AS "fHouseholdId", NULL::text AS "fTownshipCode", NULL::text AS "fRole", NULL::text AS "fScope"`;
const NO_CANDIDATE = Prisma.sql`NULL::json AS "candidate", NULL::bigint AS "cRank"`;

/**
 * Everything the caller must act on, in one statement: each kind of task is its own index-served, limited branch,
 * and PostgreSQL merges them by deadline, so the API maps at most `limit` rows (docs/BENCHMARKS.md, bench:reads).
 */
export function taskQuery(o: Official, limit: number): Prisma.Sql {
  const stage = stageDecidedBy(o.role);
  // A township's rounds are also named by their township code: (townshipCode, status, stage) is an index, so each
  // branch reads that township's open rounds alone instead of intersecting the village range with every open round
  // of the county (bench:reads). Jurisdiction is still decided by the village code, as a filter on those few rows
  // (starts_with, which no btree serves, so the planner does not intersect the two indexes again).
  const villages =
    o.role === 'TOWNSHIP'
      ? Prisma.sql`r."townshipCode" = ${o.scopeCode} AND starts_with(r."villageCode", ${o.scopeCode})`
      : sqlCodesWithin(Prisma.sql`r."villageCode"`, o.scopeCode);
  const branches: Prisma.Sql[] = [];
  if (stage) {
    branches.push(Prisma.sql`(SELECT 'DECIDE' AS "kind", ${ROUND_COLUMNS}, NULL::text AS "objectionId", ${NO_FINDING},
        ${NO_CANDIDATE}
      FROM "Round" r
      WHERE r."status" = 'OPEN' AND r."stage" = ${stage}::"RoundStage" AND ${villages}
      ORDER BY r."stageDeadline" LIMIT ${limit})`);
  }
  // Objections the caller resolves: the township those of the publicities, the county those of its announcement period.
  const resolves = objectionStagesResolvedBy(o.role);
  const inResolvedStage =
    resolves.length > 0
      ? Prisma.sql`r."stage" IN (${Prisma.join(resolves.map((s) => Prisma.sql`${s}::"RoundStage"`))})`
      : Prisma.sql`false`;
  if (resolves.length > 0) {
    branches.push(Prisma.sql`(SELECT 'RESOLVE_OBJECTION' AS "kind", ${ROUND_COLUMNS}, ob."id"::text AS "objectionId", ${NO_FINDING},
        ${NO_CANDIDATE}
      FROM "Objection" ob JOIN "Round" r ON r."id" = ob."roundId"
      WHERE ob."status" = 'OPEN' AND r."status" = 'OPEN' AND ${inResolvedStage} AND ${villages}
      ORDER BY ob."filedAt" LIMIT ${limit})`);
  }
  if (o.role !== 'VILLAGE') {
    // Supervisors (township, county, admin) also see every overdue stage below them, once: a round they must decide
    // or whose objection they must resolve is listed as that task instead.
    const notTheirs = [
      ...(stage ? [Prisma.sql`r."stage" <> ${stage}::"RoundStage"`] : []),
      ...(resolves.length > 0
        ? [
            Prisma.sql`NOT (${inResolvedStage} AND EXISTS (SELECT 1 FROM "Objection" ob WHERE ob."roundId" = r."id" AND ob."status" = 'OPEN'))`,
          ]
        : []),
    ];
    branches.push(Prisma.sql`(SELECT 'OVERDUE' AS "kind", ${ROUND_COLUMNS}, NULL::text AS "objectionId", ${NO_FINDING},
        ${NO_CANDIDATE}
      FROM "Round" r
      WHERE r."status" = 'OPEN' AND r."overdueSince" IS NOT NULL AND ${villages}
        ${notTheirs.length > 0 ? Prisma.sql`AND ${Prisma.join(notTheirs, ' AND ')}` : Prisma.empty}
      ORDER BY r."stageDeadline" LIMIT ${limit})`);
  }
  // Supervision findings escalated to the caller; the county and administrators see every finding below them.
  const findingScope =
    o.role === 'COUNTY' || o.role === 'ADMIN'
      ? Prisma.sql`(${sqlCodesWithin(Prisma.sql`f."villageCode"`, o.scopeCode)}
          OR (f."villageCode" IS NULL AND ${sqlCodesWithin(Prisma.sql`f."townshipCode"`, o.scopeCode)}))`
      : Prisma.sql`f."escalatedToRole" = ${o.role}::"OfficialRole" AND ${sqlCodesWithin(Prisma.sql`f."escalatedToScope"`, o.scopeCode)}`;
  branches.push(Prisma.sql`(SELECT 'FINDING' AS "kind", f."roundId", f."villageCode", f."detail"->>'stage' AS "stage",
      f."openedAt" AS "deadline", true AS "overdue", NULL::text AS "objectionId",
      f."id"::text AS "fId", f."kind" AS "fKind", f."subjectKey" AS "fSubjectKey", f."householdId"::text AS "fHouseholdId",
      f."townshipCode" AS "fTownshipCode", f."escalatedToRole"::text AS "fRole", f."escalatedToScope" AS "fScope",
      ${NO_CANDIDATE}
    FROM "SupervisionFinding" f
    WHERE f."status" = 'OPEN' AND ${findingScope}
    ORDER BY f."openedAt", f."id" LIMIT ${limit})`);
  // The village's entry candidates (households a county verification found MISSED_POOR, never proposed or proposed by
  // a round since cancelled), with the open round at VILLAGE_ASSESSMENT each may be proposed in: after the rounds'
  // tasks of the same deadline, in their own order (cRank: created, then id).
  if (o.role === 'VILLAGE') {
    branches.push(Prisma.sql`(SELECT 'PROPOSE_ENTRY' AS "kind", r."id" AS "roundId", c."villageCode",
        r."stage"::text AS "stage", r."stageDeadline" AS "deadline", false AS "overdue", NULL::text AS "objectionId",
        ${NO_FINDING},
        json_build_object('id', c."id"::text, 'householdId', c."householdId"::text, 'source', c."source",
                          'sourceId', c."sourceId", 'createdAt', c."createdAt") AS "candidate",
        row_number() OVER (ORDER BY c."createdAt", c."id") AS "cRank"
      FROM "EntryCandidate" c
      LEFT JOIN "Round" r ON r."openVillageCode" = c."villageCode" AND r."stage" = 'VILLAGE_ASSESSMENT'
      WHERE ${CANDIDATE_WAITING} AND ${sqlCodesWithin(Prisma.sql`c."villageCode"`, o.scopeCode)}
      ORDER BY c."createdAt", c."id" LIMIT ${limit})`);
  }
  return Prisma.sql`SELECT * FROM (${Prisma.join(branches, ' UNION ALL ')}) t
    ORDER BY t."deadline" ASC NULLS LAST, t."cRank" ASC NULLS FIRST, COALESCE(t."roundId", t."fId") COLLATE "C",
      t."objectionId" COLLATE "C"
    LIMIT ${limit}`;
}

function toTask(x: TaskRow, now: number): Task {
  const round = { roundId: x.roundId, villageCode: x.villageCode, stage: x.stage, deadline: x.deadline };
  switch (x.kind) {
    case 'DECIDE':
      return { kind: x.kind, ...round, overdue: x.overdue, action: `decide ${x.stage}` };
    case 'RESOLVE_OBJECTION':
      return {
        kind: x.kind,
        ...round,
        overdue: x.overdue,
        objectionId: x.objectionId as string,
        action: 'resolve the objection',
      };
    case 'OVERDUE':
      return { kind: x.kind, ...round, overdue: true, action: `follow up: ${x.stage} is past its deadline` };
    case 'PROPOSE_ENTRY': {
      const c = x.candidate!;
      return {
        kind: x.kind,
        ...round,
        overdue: false,
        candidate: { ...c, createdAt: utcTimestamp(c.createdAt) },
        action: 'propose the missed household (漏评) for entry in the village’s assessment',
      };
    }
    case 'FINDING': {
      const kind = x.fKind as FindingKind;
      const openedAt = x.deadline as Date;
      return {
        kind: x.kind,
        ...round,
        overdue: true,
        finding: {
          id: x.fId as string,
          kind,
          label: FINDING_LABELS[kind] ?? kind,
          subjectKey: x.fSubjectKey as string,
          householdId: x.fHouseholdId,
          townshipCode: x.fTownshipCode,
          openedAt,
          ageSeconds: Math.max(0, Math.floor((now - openedAt.getTime()) / 1000)),
          escalatedTo: { role: x.fRole, scopeCode: x.fScope },
        },
        action: FINDING_ACTIONS[kind] ?? 'follow up the supervision finding',
      };
    }
  }
}

/** What the caller must act on now: rounds waiting for them, objections to resolve, overdue stages, findings. */
export function tasksRouter(prisma: PrismaClient): Router {
  const r = Router();
  r.get('/tasks', async (req, res) => {
    const o = caller(req);
    mark(res, 'routing');
    const q = parseOr400(ZTasksQuery, req.query, 'query');
    mark(res, 'validation');
    // The rows as last read, unless a change concerning the caller was committed since (api/inbox.ts); the statement
    // is built only when they are read.
    const [rows, exitRows] = await inboxRead(prisma, o, String(q.limit), () =>
      Promise.all([
        rawQuery<TaskRow>(prisma, taskQuery(o, q.limit), { prepared: true }),
        exitTaskRows(prisma, o, q.limit),
      ]),
    );
    mark(res, 'database');
    const now = Date.now();
    const exits = exitTasksOf(exitRows, now);
    // Exits join the rounds' tasks by deadline (none last); a stable sort keeps each list's own order among equals.
    const at = (t: Task) => (t.deadline ? t.deadline.getTime() : Infinity);
    const items: Task[] = [...rows.map((x) => toTask(x, now)), ...exits].sort((a, b) =>
      at(a) === at(b) ? 0 : at(a) < at(b) ? -1 : 1,
    );
    const body = { items: items.slice(0, q.limit) } satisfies z.input<typeof ZTasksResponse>;
    mark(res, 'mapping');
    res.json(body);
  });
  return r;
}

/** The operations of this router, for the OpenAPI document (api/openapi.ts). */
export const tasksOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/tasks',
    operationId: 'listTasks',
    summary: 'What the caller must act on now',
    description:
      'Rounds and exits (摘帽) waiting for the caller’s decision, objections to resolve, overdue stages below them and supervision findings escalated to them, by deadline.',
    tag: 'tasks',
    query: ZTasksQuery,
    responses: { 200: { description: 'The tasks, most urgent first.', schema: ZTasksResponse } },
    problems: [400],
  },
];
