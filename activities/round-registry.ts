// The registry changes of a round's announcement (公告): each applied proposal enters, exits or reclassifies its
// household, recorded in RegistryChange, in the step's transaction (activities/rounds.ts applyTransition).
import { Prisma, type Sql } from '../infra/db';
import { updateOne, utc } from '../infra/sql';
import type { HouseholdFacts } from '../domain/facts';
import type { NewHousehold, Transition } from '../domain/round';
import { writeFacts } from '../infra/facts';

interface AppliedProposal {
  id: string;
  householdId: string | null;
  action: 'ENTER' | 'EXIT' | 'RECLASSIFY';
  newHousehold: NewHousehold | null;
  category: string | null;
  cause: string | null;
  entryReason: string | null;
  exitReason: string | null;
  facts: HouseholdFacts | null;
}

export async function applyToRegistry(sql: Sql, t: Transition, at: Date): Promise<void> {
  const ids = t.applyRegistry!.proposalIds;
  if (ids.length === 0) return;
  const [round] = await sql.query<{ villageCode: string }>(
    Prisma.sql`SELECT "villageCode" FROM "Round" WHERE "id" = ${t.roundId}`,
  );
  if (!round) throw new Error(`Round ${t.roundId} is not recorded.`);
  const proposals = await sql.query<AppliedProposal>(Prisma.sql`
    SELECT "id"::text AS "id", "householdId"::text AS "householdId", "action"::text AS "action", "newHousehold",
           "category"::text AS "category", "cause"::text AS "cause", "entryReason"::text AS "entryReason",
           "exitReason"::text AS "exitReason", "facts"
    FROM "Proposal" WHERE "id" = ANY(${ids}::uuid[]) ORDER BY "id" ASC`);
  const [households] = await sql.query<{ count: number }>(
    Prisma.sql`SELECT count(*)::int AS "count" FROM "Household" WHERE "villageCode" = ${round.villageCode}`,
  );
  let nextNo = households!.count + 1;
  for (const p of proposals) {
    let householdId = p.householdId;
    const before = householdId ? await household(sql, householdId) : null;
    // @updatedAt: Prisma sets it to the time of each call, not the step's.
    const updatedAt = utc(new Date());
    if (p.action === 'ENTER') {
      if (before) {
        await updateOne(sql, 'Household', before.id, [
          ['status', 'REGISTERED', '"HouseholdStatus"'],
          ['category', p.category, '"HouseholdCategory"'],
          ['cause', p.cause, '"PovertyCause"'],
          ['entryReason', p.entryReason, '"EntryReason"'],
          ['registeredOn', utc(at), 'timestamp(3)'],
          ['exitReason', null, '"ExitReason"'],
          ['exitedOn', null, 'timestamp(3)'],
          ['updatedAt', updatedAt, 'timestamp(3)'],
        ]);
      } else {
        const fresh = p.newHousehold!;
        let registryNo = `${round.villageCode}-${String(nextNo++).padStart(4, '0')}`;
        while (await registryNoTaken(sql, registryNo)) {
          registryNo = `${round.villageCode}-${String(nextNo++).padStart(4, '0')}`;
        }
        const [created] = await sql.query<{ id: string }>(Prisma.sql`
          INSERT INTO "Household" ("id", "registryNo", "villageCode", "headName", "idNumber", "size", "category",
                                   "status", "cause", "entryReason", "exitReason", "registeredOn", "exitedOn",
                                   "createdAt", "updatedAt")
          VALUES (gen_random_uuid(), ${registryNo}, ${round.villageCode}, ${fresh.headName}, ${fresh.idNumber},
                  ${fresh.size}::int, ${p.category}::"HouseholdCategory", 'REGISTERED'::"HouseholdStatus",
                  ${p.cause}::"PovertyCause", ${p.entryReason}::"EntryReason", NULL, ${utc(at)}::timestamp(3), NULL,
                  ${updatedAt}::timestamp(3), ${updatedAt}::timestamp(3))
          RETURNING "id"::text AS "id"`);
        householdId = created!.id;
        // The facts the proposal carried become the new household's own, recorded as the round's doing.
        if (p.facts) {
          await writeFacts(sql, householdId, p.facts, {
            id: t.decision.actor?.id,
            // The announcement period ends by the clock: the round itself is the author then.
            name: t.decision.actor?.name ?? t.roundId,
            source: 'ROUND',
            at,
          });
        }
      }
    } else if (p.action === 'EXIT') {
      await updateOne(sql, 'Household', householdId!, [
        ['status', 'EXITED', '"HouseholdStatus"'],
        ['exitReason', p.exitReason, '"ExitReason"'],
        ['exitedOn', utc(at), 'timestamp(3)'],
        ['updatedAt', updatedAt, 'timestamp(3)'],
      ]);
    } else {
      await updateOne(sql, 'Household', householdId!, [
        ['category', p.category, '"HouseholdCategory"'],
        ['updatedAt', updatedAt, 'timestamp(3)'],
      ]);
    }
    const toStatus = p.action === 'EXIT' ? 'EXITED' : p.action === 'ENTER' ? 'REGISTERED' : before!.status;
    const toCategory = p.action === 'EXIT' ? (before?.category ?? null) : p.category;
    await sql.query(Prisma.sql`
      INSERT INTO "RegistryChange" ("id", "householdId", "roundId", "proposalId", "source", "action", "fromStatus",
                                    "toStatus", "fromCategory", "toCategory", "cause", "entryReason", "exitReason",
                                    "decidedById", "at")
      VALUES (gen_random_uuid(), ${householdId}::uuid, ${t.roundId}, ${p.id}::uuid, 'ROUND', ${p.action},
              ${before?.status ?? null}::"HouseholdStatus", ${toStatus}::"HouseholdStatus",
              ${before?.category ?? null}::"HouseholdCategory", ${toCategory}::"HouseholdCategory",
              ${p.cause}::"PovertyCause", ${p.entryReason}::"EntryReason", ${p.exitReason}::"ExitReason",
              ${t.decision.actor?.id ?? null}::uuid, ${utc(at)}::timestamp(3))`);
    if (!p.householdId) await updateOne(sql, 'Proposal', p.id, [['householdId', householdId, 'uuid']]);
  }
}

/** The household as it was before this change (findUniqueOrThrow). */
async function household(sql: Sql, id: string) {
  const [row] = await sql.query<{ id: string; status: string; category: string | null }>(Prisma.sql`
    SELECT "id"::text AS "id", "status"::text AS "status", "category"::text AS "category"
    FROM "Household" WHERE "id" = ${id}::uuid`);
  if (!row) throw new Error(`No Household ${id}.`);
  return row;
}

async function registryNoTaken(sql: Sql, registryNo: string): Promise<boolean> {
  const rows = await sql.query(Prisma.sql`SELECT 1 AS "taken" FROM "Household" WHERE "registryNo" = ${registryNo}`);
  return rows.length > 0;
}
