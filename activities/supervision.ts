// The supervision sweep's writes: one set-based statement per kind of finding records what is late or missing,
// another closes what has cleared; newly opened findings about a round are then sent to that round's trail.
import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { durationMs } from '../domain/duration';
import {
  FINDING_KINDS,
  lastDuePlanYear,
  type FindingKind,
  type KindCounts,
  type SupervisionPolicy,
} from '../domain/supervision';
import { objectionStagesResolvedBy, STAGE_ACTOR } from '../domain/procedure';
import { Prisma, type PrismaClient } from '../infra/db';
import { supervisionFindingSignal } from '../workflows/round-contract';

export interface SupervisionActivityDeps {
  prisma: PrismaClient;
  /** Sends findings to their rounds; without it (e.g. a benchmark) findings are only recorded. */
  client?: Client;
}

export interface SweepKindInput {
  kind: FindingKind;
  sweepId: string;
  /** The sweep's time (workflow time), ISO 8601. */
  at: string;
  /** Calendar year the exit plan is judged against. */
  year: number;
  policy: SupervisionPolicy;
}

/** Kinds whose findings concern one round, and so are also sent to that round. */
export const ROUND_FINDING_KINDS: readonly FindingKind[] = ['STAGE_OVERDUE', 'OBJECTION_STALE', 'ROUND_STUCK'];

// Two-key advisory lock: (class, kind index). Sweeps of one kind never interleave, so a sweep never closes a
// finding that an overlapping sweep has just seen.
const SWEEP_LOCK_CLASS = 62052205;

const iso = (column: Prisma.Sql) => Prisma.sql`to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The candidates of one kind: rows of (subjectKey, townshipCode, villageCode, roundId, householdId,
 * escalatedToRole, escalatedToScope, detail), one per subject whose condition holds at `now`.
 */
export function candidateSql(input: SweepKindInput): Prisma.Sql {
  const now = new Date(input.at);
  switch (input.kind) {
    case 'STAGE_OVERDUE': {
      // Who must act at each stage comes from the domain table, not from a second copy in SQL.
      const roleOf = Prisma.join(
        Object.entries(STAGE_ACTOR).map(([stage, role]) => Prisma.sql`WHEN ${stage}::text THEN ${role}::text`),
        ' ',
      );
      return Prisma.sql`
        SELECT r.id || ':' || r.stage::text AS "subjectKey", r."townshipCode", r."villageCode", r.id AS "roundId",
               NULL::uuid AS "householdId", x.role AS "escalatedToRole",
               CASE x.role WHEN 'VILLAGE' THEN r."villageCode" WHEN 'TOWNSHIP' THEN r."townshipCode"
                           ELSE left(r."villageCode", 6) END AS "escalatedToScope",
               jsonb_build_object('stage', r.stage, 'deadline', ${iso(Prisma.sql`r."stageDeadline"`)}) AS detail
        FROM "Round" r
        CROSS JOIN LATERAL (SELECT CASE r.stage::text ${roleOf} ELSE 'COUNTY' END AS role) x
        WHERE r.status = 'OPEN' AND r."stageDeadline" < ${now}::timestamp(3)`;
    }
    case 'OBJECTION_STALE': {
      const cutoff = new Date(now.getTime() - durationMs(input.policy.objectionStaleAfter));
      return Prisma.sql`
        SELECT o.id::text AS "subjectKey", r."townshipCode", r."villageCode", r.id AS "roundId",
               NULL::uuid AS "householdId", x.role AS "escalatedToRole",
               CASE x.role WHEN 'TOWNSHIP' THEN r."townshipCode" ELSE left(r."villageCode", 6) END AS "escalatedToScope",
               jsonb_build_object('objectionId', o.id, 'stage', r.stage, 'filedAt', ${iso(Prisma.sql`o."filedAt"`)}) AS detail
        FROM "Objection" o
        JOIN "Round" r ON r.id = o."roundId"
        -- The township resolves objections of the publicities, the county those of its announcement period.
        CROSS JOIN LATERAL (SELECT CASE WHEN r.stage::text IN (${Prisma.join(objectionStagesResolvedBy('COUNTY'))})
                                        THEN 'COUNTY' ELSE 'TOWNSHIP' END AS role) x
        WHERE o.status = 'OPEN' AND r.status = 'OPEN' AND o."filedAt" < ${cutoff}::timestamp(3)`;
    }
    case 'VILLAGE_NO_RESPONSIBLE':
      return Prisma.sql`
        SELECT v.code AS "subjectKey", v."townshipCode", v.code AS "villageCode", NULL::text AS "roundId",
               NULL::uuid AS "householdId", 'TOWNSHIP' AS "escalatedToRole", v."townshipCode" AS "escalatedToScope",
               jsonb_build_object('villageName', v.name) AS detail
        FROM "Village" v
        WHERE v."isPoor" AND NOT EXISTS (
          SELECT 1 FROM "ResponsibilityAssignment" a
          WHERE a.subject = 'VILLAGE' AND a."villageCode" = v.code AND a."toDate" IS NULL)`;
    case 'HOUSEHOLD_NO_RESPONSIBLE':
      // Codes nest (township = first 9 digits of the village), so no join with Village is needed.
      return Prisma.sql`
        SELECT h.id::text AS "subjectKey", left(h."villageCode", 9) AS "townshipCode", h."villageCode",
               NULL::text AS "roundId", h.id AS "householdId", 'TOWNSHIP' AS "escalatedToRole",
               left(h."villageCode", 9) AS "escalatedToScope",
               jsonb_build_object('registryNo', h."registryNo") AS detail
        FROM "Household" h
        WHERE h.status = 'REGISTERED' AND NOT EXISTS (
          SELECT 1 FROM "ResponsibilityAssignment" a
          WHERE a.subject = 'HOUSEHOLD' AND a."householdId" = h.id AND a."toDate" IS NULL)`;
    case 'VILLAGE_BEHIND_EXIT_PLAN':
      return Prisma.sql`
        SELECT v.code AS "subjectKey", v."townshipCode", v.code AS "villageCode", NULL::text AS "roundId",
               NULL::uuid AS "householdId", 'COUNTY' AS "escalatedToRole", left(v.code, 6) AS "escalatedToScope",
               jsonb_build_object('villageName', v.name, 'plannedExitYear', v."plannedExitYear") AS detail
        FROM "Village" v
        -- behindExitPlan (domain/supervision.ts), as SQL
        WHERE v."isPoor" AND v."plannedExitYear" <= ${lastDuePlanYear(input.year, input.year)}::int
          AND (v."exitedYear" IS NULL OR v."exitedYear" > ${input.year}::int)`;
    case 'ROUND_STUCK': {
      const cutoff = new Date(now.getTime() - durationMs(input.policy.roundStuckAfter));
      return Prisma.sql`
        SELECT r.id AS "subjectKey", r."townshipCode", r."villageCode", r.id AS "roundId",
               NULL::uuid AS "householdId", 'TOWNSHIP' AS "escalatedToRole", r."townshipCode" AS "escalatedToScope",
               jsonb_build_object('stage', r.stage, 'stageEnteredAt', ${iso(Prisma.sql`r."stageEnteredAt"`)}) AS detail
        FROM "Round" r
        -- Progress is a stage change: reminders and escalations touch the row but move nothing.
        WHERE r.status = 'OPEN' AND r."stageEnteredAt" < ${cutoff}::timestamp(3)`;
    }
    case 'ENTRY_WITHOUT_EVIDENCE':
      // Entries the registry took by override (rules v3, domain/facts.ts): registered households whose entry the
      // facts did not support, as long as their recorded facts still do not (income below the line in the last
      // recorded year, or an indicator unmet, closes the finding). No override reason in the detail: free text.
      return Prisma.sql`
        SELECT p.id::text AS "subjectKey", r."townshipCode", r."villageCode", r.id AS "roundId",
               h.id AS "householdId", 'COUNTY' AS "escalatedToRole", left(r."villageCode", 6) AS "escalatedToScope",
               jsonb_build_object('registryNo', h."registryNo", 'proposalId', p.id) AS detail
        FROM "Proposal" p
        JOIN "Round" r ON r.id = p."roundId"
        JOIN "Household" h ON h.id = p."householdId"
        WHERE p.action = 'ENTER' AND p.status = 'APPLIED' AND p."overrideReason" IS NOT NULL
          AND h.status = 'REGISTERED'
          AND NOT EXISTS (
            SELECT 1 FROM "HouseholdIndicators" i WHERE i."householdId" = h.id
              AND NOT (i."foodClothing" AND i.education AND i.medical AND i.housing AND i."drinkingWater"))
          AND NOT EXISTS (
            SELECT 1 FROM (SELECT year, "perCapita" FROM "HouseholdIncome" WHERE "householdId" = h.id
                           ORDER BY year DESC LIMIT 1) last
            JOIN "PovertyLine" l ON l.year = last.year
            WHERE last."perCapita" < l."perCapita")`;
    default: {
      const unknown: never = input.kind;
      throw ApplicationFailure.create({
        type: 'UnknownFindingKind',
        nonRetryable: true,
        message: `Unknown kind of finding: ${String(unknown)}`,
      });
    }
  }
}

/**
 * One kind of one sweep, in one transaction: record every candidate (an open finding is only marked as seen
 * again, never recorded twice: its openKey is unique while it is open), then close the open findings of this
 * kind that this sweep did not see. Idempotent for a given sweepId and time, so a retried activity is harmless.
 */
export async function sweepKind(prisma: PrismaClient, input: SweepKindInput): Promise<KindCounts> {
  const { kind, sweepId } = input;
  const now = new Date(input.at);
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SWEEP_LOCK_CLASS}::int, ${FINDING_KINDS.indexOf(kind)}::int)`;
      const [seen] = await tx.$queryRaw<{ opened: bigint; seen: bigint }[]>`
        WITH c AS (${candidateSql(input)}),
        up AS (
          INSERT INTO "SupervisionFinding" (id, kind, "subjectKey", "openKey", status, "townshipCode", "villageCode",
            "roundId", "householdId", "escalatedToRole", "escalatedToScope", detail, "openedAt", "lastSeenAt", "sweepId")
          SELECT gen_random_uuid(), ${kind}::text, c."subjectKey", ${kind}::text || ':' || c."subjectKey", 'OPEN',
                 c."townshipCode", c."villageCode", c."roundId", c."householdId", c."escalatedToRole"::"OfficialRole",
                 c."escalatedToScope", c.detail, ${now}::timestamp(3), ${now}::timestamp(3), ${sweepId}::text
          FROM c
          ON CONFLICT ("openKey") DO UPDATE SET "lastSeenAt" = EXCLUDED."lastSeenAt", "sweepId" = EXCLUDED."sweepId"
          RETURNING "openedAt"
        )
        -- Opened by this sweep = opened at this sweep's time: still true when a retried attempt sees its own rows.
        SELECT count(*) FILTER (WHERE "openedAt" = ${now}::timestamp(3)) AS opened, count(*) AS seen FROM up`;
      const closed = await tx.$executeRaw`
        UPDATE "SupervisionFinding" SET status = 'CLOSED', "closedAt" = ${now}::timestamp(3), "openKey" = NULL
        WHERE kind = ${kind}::text AND status = 'OPEN' AND "sweepId" IS DISTINCT FROM ${sweepId}::text`;
      const opened = Number(seen?.opened ?? 0);
      return { opened, stillOpen: Number(seen?.seen ?? 0) - opened, closed };
    },
    { maxWait: 60_000, timeout: 30 * 60_000 },
  );
}

export function createSupervisionActivities({ prisma, client }: SupervisionActivityDeps) {
  async function sweepFindings(input: SweepKindInput): Promise<KindCounts> {
    return sweepKind(prisma, input);
  }

  /**
   * Sends each finding this sweep opened about a round to that round, where it joins the decision trail. The
   * round records a finding once, so sending again (a retry) is harmless; a round that has ended is skipped.
   */
  async function escalateFindingsToRounds(input: { sweepId: string; at: string }): Promise<number> {
    if (!client) return 0;
    const now = new Date(input.at);
    const rows = await prisma.supervisionFinding.findMany({
      where: {
        status: 'OPEN',
        kind: { in: [...ROUND_FINDING_KINDS] },
        sweepId: input.sweepId,
        openedAt: now,
        roundId: { not: null },
      },
      select: { id: true, kind: true, roundId: true, subjectKey: true, detail: true },
    });
    let sent = 0;
    const queue = [...rows];
    async function lane() {
      for (let f = queue.shift(); f; f = queue.shift()) {
        try {
          await client!.workflow.getHandle(f.roundId!).signal(supervisionFindingSignal, {
            findingId: f.id,
            kind: f.kind,
            detail: { subjectKey: f.subjectKey, ...(f.detail as Record<string, unknown> | null) },
          });
          sent++;
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(10, rows.length) }, lane));
    return sent;
  }

  /** Deletes the Idempotency-Key records created before the cutoff (answered or long abandoned); returns how many. */
  async function purgeIdempotencyRecords(input: { createdBefore: string }): Promise<number> {
    const { count } = await prisma.idempotencyRecord.deleteMany({
      where: { createdAt: { lt: new Date(input.createdBefore) } },
    });
    return count;
  }

  return { sweepFindings, escalateFindingsToRounds, purgeIdempotencyRecords };
}
