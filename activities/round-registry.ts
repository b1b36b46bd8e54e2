// The registry changes of a round's announcement (公告): each applied proposal enters, exits or reclassifies its
// household, recorded in RegistryChange, with the step's other writes (activities/rounds.ts applyTransition). One
// statement reads what they need; their writes go with the step's last.
import { randomUUID } from 'node:crypto';
import { Prisma, type Sql } from '../infra/db';
import { assignments, utc, type Write } from '../infra/sql';
import type { HouseholdFacts } from '../domain/facts';
import type { NewHousehold, Transition } from '../domain/round';
import { newHouseholdFacts } from '../infra/facts';

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
  /** The household named, as it is before this change; null when none is named or it is not recorded. */
  before: { status: string; category: string | null } | null;
}

/** A registry number of the village: its code and a number of at least four digits. */
const registryNo = (villageCode: string, n: number) => `${villageCode}-${String(n).padStart(4, '0')}`;

/**
 * The registry's changes: its writes, and the new households its ENTER proposals are to name (proposal id → household
 * id), which the step writes into the proposals (linkProposals).
 */
export interface RegistryChanges {
  writes: Write[];
  links: Map<string, string>;
}

export const NO_REGISTRY_CHANGES: RegistryChanges = { writes: [], links: new Map() };

/** The proposals' links to their new households, as writes of their own. */
export const linkProposals = (links: ReadonlyMap<string, string>): Write[] =>
  [...links].map(([proposalId, householdId]) =>
    row(
      `Proposal:${proposalId}`,
      Prisma.sql`UPDATE "Proposal" SET "householdId" = ${householdId}::uuid WHERE "id" = ${proposalId}::uuid`,
    ),
  );

/**
 * Reads what the announced proposals change and returns the writes, for the step to run with its others (all of them
 * as one statement when the proposals name distinct households).
 */
export async function applyToRegistry(sql: Sql, t: Transition, at: Date): Promise<RegistryChanges> {
  const ids = t.applyRegistry!.proposalIds;
  if (ids.length === 0) return NO_REGISTRY_CHANGES;
  // New households take the village's next numbers (its count + 1 upwards) that no household holds: the numbers up to
  // one per proposal beyond are read with the rest, which is enough unless other villages took more of them.
  const span = 2 * ids.length;
  const [round] = await sql.query<{
    villageCode: string;
    count: number;
    taken: string[];
    proposals: AppliedProposal[];
  }>(
    Prisma.sql`
    SELECT r."villageCode", c."count",
      (SELECT coalesce(array_agg(h."registryNo"), '{}') FROM "Household" h
        WHERE h."registryNo" = ANY(ARRAY(
          SELECT r."villageCode" || '-' || lpad(n::text, greatest(4, length(n::text)), '0')
          FROM generate_series(c."count" + 1, c."count" + ${span}::int) n))) AS "taken",
      (SELECT coalesce(json_agg(json_build_object(
                'id', p."id", 'householdId', p."householdId", 'action', p."action", 'newHousehold', p."newHousehold",
                'category', p."category", 'cause', p."cause", 'entryReason', p."entryReason",
                'exitReason', p."exitReason", 'facts', p."facts",
                'before', CASE WHEN h."id" IS NULL THEN NULL
                               ELSE json_build_object('status', h."status", 'category', h."category") END)
              ORDER BY p."id"), '[]')
         FROM "Proposal" p LEFT JOIN "Household" h ON h."id" = p."householdId"
         WHERE p."id" = ANY(${ids}::uuid[])) AS "proposals"
    FROM "Round" r
    CROSS JOIN LATERAL (SELECT count(*)::int AS "count" FROM "Household" WHERE "villageCode" = r."villageCode") c
    WHERE r."id" = ${t.roundId}`,
  );
  if (!round) throw new Error(`Round ${t.roundId} is not recorded.`);
  const taken = new Set(round.taken);
  let nextNo = round.count + 1;
  const nextRegistryNo = async () => {
    for (;;) {
      const n = nextNo++;
      const no = registryNo(round.villageCode, n);
      if (n <= round.count + span ? !taken.has(no) : !(await registryNoTaken(sql, no))) return no;
    }
  };
  // @updatedAt: Prisma sets it to the time of each call, not the step's.
  const updatedAt = utc(new Date());
  const writes: Write[] = [];
  const links = new Map<string, string>();
  // A list naming a household twice (the API refuses it; an objection's added proposal might not): the second change
  // starts where the first leaves the household (its writes then go in a statement after the first's: runWrites).
  const after = new Map<string, { status: string; category: string | null }>();
  for (const p of round.proposals) {
    const before = (p.householdId && after.get(p.householdId)) || p.before;
    if (p.householdId && !before) throw new Error(`No Household ${p.householdId}.`);
    let householdId = p.householdId;
    if (p.action === 'ENTER' && !householdId) {
      const fresh = p.newHousehold!;
      householdId = randomUUID();
      const household = `Household:${householdId}`;
      writes.push(
        row(
          household,
          Prisma.sql`
        INSERT INTO "Household" ("id", "registryNo", "villageCode", "headName", "idNumber", "size", "category",
                                 "status", "cause", "entryReason", "exitReason", "registeredOn", "exitedOn",
                                 "createdAt", "updatedAt")
        VALUES (${householdId}::uuid, ${await nextRegistryNo()}, ${round.villageCode}, ${fresh.headName},
                ${fresh.idNumber}, ${fresh.size}::int, ${p.category}::"HouseholdCategory", 'REGISTERED'::"HouseholdStatus",
                ${p.cause}::"PovertyCause", ${p.entryReason}::"EntryReason", NULL, ${utc(at)}::timestamp(3), NULL,
                ${updatedAt}::timestamp(3), ${updatedAt}::timestamp(3))`,
        ),
      );
      // The facts the proposal carried become the new household's own, recorded as the round's doing.
      if (p.facts) {
        const facts = newHouseholdFacts(householdId, p.facts, {
          id: t.decision.actor?.id,
          // The announcement period ends by the clock: the round itself is the author then.
          name: t.decision.actor?.name ?? t.roundId,
          source: 'ROUND',
          at,
        });
        // Each of a section's statements inserts rows of its own.
        writes.push(...facts.map((statement, i) => row(`${household}:facts:${i}`, statement)));
      }
      links.set(p.id, householdId);
    } else {
      const set =
        p.action === 'ENTER'
          ? assignments([
              ['status', 'REGISTERED', '"HouseholdStatus"'],
              ['category', p.category, '"HouseholdCategory"'],
              ['cause', p.cause, '"PovertyCause"'],
              ['entryReason', p.entryReason, '"EntryReason"'],
              ['registeredOn', utc(at), 'timestamp(3)'],
              ['exitReason', null, '"ExitReason"'],
              ['exitedOn', null, 'timestamp(3)'],
              ['updatedAt', updatedAt, 'timestamp(3)'],
            ])
          : p.action === 'EXIT'
            ? assignments([
                ['status', 'EXITED', '"HouseholdStatus"'],
                ['exitReason', p.exitReason, '"ExitReason"'],
                ['exitedOn', utc(at), 'timestamp(3)'],
                ['updatedAt', updatedAt, 'timestamp(3)'],
              ])
            : assignments([
                ['category', p.category, '"HouseholdCategory"'],
                ['updatedAt', updatedAt, 'timestamp(3)'],
              ]);
      writes.push(
        row(`Household:${householdId}`, Prisma.sql`UPDATE "Household" SET ${set!} WHERE "id" = ${householdId}::uuid`),
      );
    }
    const toStatus = p.action === 'EXIT' ? 'EXITED' : p.action === 'ENTER' ? 'REGISTERED' : before!.status;
    const toCategory = p.action === 'EXIT' ? (before?.category ?? null) : p.category;
    writes.push(
      row(
        `RegistryChange:${p.id}`,
        Prisma.sql`
      INSERT INTO "RegistryChange" ("id", "householdId", "roundId", "proposalId", "source", "action", "fromStatus",
                                    "toStatus", "fromCategory", "toCategory", "cause", "entryReason", "exitReason",
                                    "decidedById", "at")
      VALUES (gen_random_uuid(), ${householdId}::uuid, ${t.roundId}, ${p.id}::uuid, 'ROUND', ${p.action},
              ${before?.status ?? null}::"HouseholdStatus", ${toStatus}::"HouseholdStatus",
              ${before?.category ?? null}::"HouseholdCategory", ${toCategory}::"HouseholdCategory",
              ${p.cause}::"PovertyCause", ${p.entryReason}::"EntryReason", ${p.exitReason}::"ExitReason",
              ${t.decision.actor?.id ?? null}::uuid, ${utc(at)}::timestamp(3))`,
      ),
    );
    after.set(householdId!, { status: toStatus, category: toCategory });
  }
  return { writes, links };
}

/** A write touching one row. */
const row = (key: string, statement: Prisma.Sql): Write => ({ statement, rows: [key] });

async function registryNoTaken(sql: Sql, no: string): Promise<boolean> {
  const rows = await sql.query(Prisma.sql`SELECT 1 AS "taken" FROM "Household" WHERE "registryNo" = ${no}`);
  return rows.length > 0;
}
