import { ApplicationFailure } from '@temporalio/activity';
import { Prisma, sqlOf, sqlTransaction, type PrismaClient, type Sql } from '../infra/db';
import { assignments, chunks, json, updateOne, utc, utcDay } from '../infra/sql';
import type { ProposalRecord, Transition } from '../domain/round';
import { markCandidatesProposed } from '../infra/verifications';
import { publishNotice } from './round-notice';
import { applyToRegistry } from './round-registry';

export interface RoundActivityDeps {
  prisma: PrismaClient;
}

/** An optional instant of `t.round`: undefined (not written), null (written NULL) or the instant as UTC text. */
const instant = (iso: string | null | undefined) => (iso == null ? iso : utc(iso));

export function createRoundActivities({ prisma }: RoundActivityDeps) {
  /**
   * Writes one step of a round in one transaction of raw SQL (infra/db.ts sqlTransaction: Prisma's client was most
   * of the worker's CPU). The decision's (roundId, seq) is unique, so a retried or duplicated attempt finds its own
   * decision and writes nothing: every step happens exactly once.
   */
  async function applyTransition(t: Transition): Promise<{ applied: boolean }> {
    if (writesOnlyDecisionAndRound(t)) return recordAlone(t);
    return sqlTransaction(prisma, async (sql) => {
      const at = new Date(t.at);
      if (t.create) await createRound(sql, t);
      // The decision first, in one statement: a retried or duplicated attempt finds its (roundId, seq) taken.
      const inserted = await sql.query<{ id: string }>(insertDecision(t));
      if (inserted.length === 0) return { applied: false };
      // What follows depends on no result of another: asked for together, the statements follow each other on the
      // connection in this order (sqlTransaction) without a trip through the event loop between them, which a busy
      // process makes long. Only the registry's changes, which read as they go, are waited for on their own.
      const writes: Promise<unknown>[] = [];
      if (t.newProposals?.length) {
        writes.push(insertProposals(sql, t.roundId, t.newProposals));
        // Entry candidates (a county verification's MISSED_POOR households) this list proposes are used.
        writes.push(markCandidatesProposed(sql, t.roundId, t.newProposals));
      }
      for (const s of t.proposalStatus ?? []) {
        if (s.ids.length === 0) continue;
        const set = assignments([
          ['status', s.status, '"ProposalStatus"'],
          ['statusReason', s.reason, 'text'],
        ]);
        writes.push(
          sql.query(Prisma.sql`
            UPDATE "Proposal" SET ${set!} WHERE "id" = ANY(${s.ids}::uuid[]) AND "roundId" = ${t.roundId}`),
        );
      }
      if (t.amendProposal) {
        const { proposalId, category, cause } = t.amendProposal;
        writes.push(
          updateOne(sql, 'Proposal', proposalId, [
            ['category', category, '"HouseholdCategory"'],
            ['cause', cause, '"PovertyCause"'],
          ]),
        );
      }
      if (t.newObjection) {
        const o = t.newObjection;
        writes.push(
          sql.query(Prisma.sql`
            INSERT INTO "Objection" ("id", "roundId", "noticeVersion", "proposalId", "objectorName", "objectorContact",
                                     "reason", "filedById", "filedAt")
            VALUES (${o.id}::uuid, ${t.roundId}, ${o.noticeVersion}::int, ${o.proposalId ?? null}::uuid,
                    ${o.objectorName}, ${o.objectorContact ?? null}, ${o.reason}, ${t.decision.actor!.id}::uuid,
                    ${utc(at)}::timestamp(3))`),
        );
      }
      if (t.resolveObjection) {
        const r = t.resolveObjection;
        writes.push(
          updateOne(sql, 'Objection', r.id, [
            ['status', r.status, '"ObjectionStatus"'],
            ['resolutionNote', r.note, 'text'],
            ['withdrewProposal', r.withdrewProposal, 'boolean'],
            ['amendedProposalId', r.amendedProposalId, 'uuid'],
            ['addedProposalId', r.addedProposalId, 'uuid'],
            ['resolvedById', t.decision.actor?.id, 'uuid'],
            ['resolvedAt', utc(at), 'timestamp(3)'],
          ]),
        );
      }
      if (t.applyRegistry) {
        // The registry reads the proposals' statuses written above.
        await Promise.all(writes.splice(0));
        await applyToRegistry(sql, t, at);
      }
      // The notice reads the proposals inserted or changed above, which run first.
      if (t.notice) writes.push(publishNotice(sql, t, at));
      if (t.round) writes.push(updateOne(sql, 'Round', t.roundId, roundFields(t.round, at), 'text'));
      await Promise.all(writes);
      return { applied: true };
    });
  }

  /**
   * A step that writes its decision and the round's row and nothing else (a publicity's end, a deadline reminder, the
   * county's sample drawn: two or three of a round's six steps or more) in one statement, without BEGIN and COMMIT:
   * one round trip instead of four. The round's row changes only when the decision was inserted, so a retried or
   * duplicated attempt writes nothing here either; the decision's foreign key refuses a round that is not recorded.
   */
  async function recordAlone(t: Transition): Promise<{ applied: boolean }> {
    const set = assignments(roundFields(t.round!, new Date(t.at)))!;
    const [row] = await sqlOf(prisma).query<{ inserted: number; updated: number }>(Prisma.sql`
      WITH "d" AS (${insertDecision(t)}),
           "r" AS (UPDATE "Round" SET ${set} WHERE "id" = ${t.roundId} AND EXISTS (SELECT 1 FROM "d") RETURNING 1)
      SELECT (SELECT count(*) FROM "d")::int AS "inserted", (SELECT count(*) FROM "r")::int AS "updated"`);
    return { applied: row!.inserted > 0 };
  }

  async function createRound(sql: Sql, t: Transition) {
    const input = t.create!;
    // The round itself (a retried first step) or another open round of the village, in one statement.
    const rows = await sql.query<{ id: string }>(Prisma.sql`
      SELECT "id" FROM "Round" WHERE "id" = ${input.roundId} OR "openVillageCode" = ${input.villageCode}`);
    if (rows.some((r) => r.id === input.roundId)) return;
    const open = rows[0];
    if (open) {
      throw ApplicationFailure.create({
        type: 'DuplicateOpenRound',
        nonRetryable: true,
        message: `Village ${input.villageCode} already has an open round ${open.id}.`,
      });
    }
    await sql.query(Prisma.sql`
      INSERT INTO "Round" ("id", "villageCode", "townshipCode", "roundNo", "campaignId", "stage", "status",
                           "openVillageCode", "policy", "stageEnteredAt", "startedById", "startedAt", "rulesVersion",
                           "updatedAt")
      VALUES (${input.roundId}, ${input.villageCode}, ${input.townshipCode}, ${input.roundNo}::int,
              ${input.campaignId ?? null}, 'VILLAGE_ASSESSMENT'::"RoundStage", 'OPEN'::"RoundStatus",
              ${input.villageCode}, ${json(input.policy)}::jsonb, ${utc(t.at)}::timestamp(3),
              ${input.startedBy.id}::uuid, ${utc(t.at)}::timestamp(3), ${input.rules?.version ?? null}::int,
              ${utc(new Date())}::timestamp(3))`);
  }

  return { applyTransition };
}

/** Does the step write its decision and the round's row and nothing else? (recordAlone) */
function writesOnlyDecisionAndRound(t: Transition): boolean {
  const { roundId: _id, at: _at, decision: _decision, round, ...others } = t;
  return round !== undefined && Object.values(others).every((v) => v === undefined);
}

/** The step's decision, inserted unless its (roundId, seq) is taken; returns its id when inserted. */
function insertDecision(t: Transition): Prisma.Sql {
  const d = t.decision;
  return Prisma.sql`
    INSERT INTO "Decision" ("id", "roundId", "seq", "stage", "kind", "officialId", "officialName", "at", "decision",
                            "note", "payload")
    VALUES (gen_random_uuid(), ${t.roundId}, ${d.seq}::int, ${d.stage}::"RoundStage", ${d.kind},
            ${d.actor?.id ?? null}::uuid, ${d.actor?.name ?? null}, ${utc(t.at)}::timestamp(3), ${d.decision ?? null},
            ${d.note ?? null}, ${json(d.payload)}::jsonb)
    ON CONFLICT ("roundId", "seq") DO NOTHING
    RETURNING "id"::text`;
}

/** The round's columns a step changes (undefined: left as it is). */
function roundFields(r: NonNullable<Transition['round']>, at: Date) {
  const closes = r.status !== undefined && r.status !== 'OPEN';
  return [
    ['stage', r.stage, '"RoundStage"'],
    ['status', r.status, '"RoundStatus"'],
    ['stageEnteredAt', r.stageEnteredAt ? utc(r.stageEnteredAt) : undefined, 'timestamp(3)'],
    ['stageDeadline', instant(r.stageDeadline), 'timestamp(3)'],
    ['publicityEndsAt', instant(r.publicityEndsAt), 'timestamp(3)'],
    ['overdueSince', instant(r.overdueSince), 'timestamp(3)'],
    ['countySample', r.countySample, 'text[]'],
    ['openVillageCode', closes ? null : undefined, 'text'],
    ['finishedAt', closes ? utc(at) : undefined, 'timestamp(3)'],
    // @updatedAt: Prisma sets it to the time of the call, not the step's.
    ['updatedAt', utc(new Date()), 'timestamp(3)'],
  ] as const;
}

/** The list's proposals; one already recorded (a list written again) is left as it is (skipDuplicates). */
async function insertProposals(sql: Sql, roundId: string, proposals: readonly ProposalRecord[]) {
  const inserts = chunks(proposals).map((rows) => {
    const values = rows.map(
      (p) => Prisma.sql`(${p.id}::uuid, ${roundId}, ${p.assessmentNo}::int, ${p.action}::"ProposalAction",
        ${p.householdId ?? null}::uuid, ${json(p.household)}::jsonb, ${p.category ?? null}::"HouseholdCategory",
        ${p.cause ?? null}::"PovertyCause", ${p.entryReason ?? null}::"EntryReason",
        ${p.exitReason ?? null}::"ExitReason",
        ${p.householdConsent ? utcDay(p.householdConsent.signedOn) : null}::date, ${p.votesFor ?? null}::int,
        ${p.votesAgainst ?? null}::int, ${p.note ?? null}, ${p.addedByObjectionId ?? null}::uuid,
        ${json(p.facts)}::jsonb, ${json(p.evidence)}::jsonb, ${p.override?.reason ?? null})`,
    );
    return Prisma.sql`
      INSERT INTO "Proposal" ("id", "roundId", "assessmentNo", "action", "householdId", "newHousehold", "category",
                              "cause", "entryReason", "exitReason", "consentSignedOn", "votesFor", "votesAgainst",
                              "note", "addedByObjectionId", "facts", "evidence", "overrideReason")
      VALUES ${Prisma.join(values)}
      ON CONFLICT DO NOTHING`;
  });
  // Asked for together: in a transaction they run in this order, before anything asked for after them.
  await Promise.all(inserts.map((statement) => sql.query(statement)));
}
