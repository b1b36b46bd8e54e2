// A round's row, read raw: every decision and every round page reads it first (loadRound), so it skips Prisma's
// query interpreter and mapping (bench:campaign, issue 16). Same shape as prisma.round.findUnique gives.
import { Prisma, rawQuery, type PrismaClient, type Round } from './db';

/** A proposal of a round's current list (still PROPOSED), as the checks of a decision read it. */
export interface ListedProposal {
  id: string;
  action: string;
  householdId: string | null;
  newHousehold: unknown;
}

/** findRound's column (`also`) of the round's current list: its proposals still PROPOSED. */
export const CURRENT_LIST = Prisma.sql`(SELECT coalesce(json_agg(json_build_object('id', p."id"::text,
                                            'action', p."action"::text, 'householdId', p."householdId"::text,
                                            'newHousehold', p."newHousehold")), '[]'::json)
                                        FROM "Proposal" p WHERE p."roundId" = r."id" AND p."status" = 'PROPOSED')
                                     AS "currentList"`;

/**
 * A round's row; with `also`, more columns read in the same statement (`r` is the round), such as CURRENT_LIST: a
 * decision's checks read what they need with its round, in one round trip.
 */
export async function findRound<Also extends object = object>(
  prisma: PrismaClient,
  id: string,
  also?: Prisma.Sql,
): Promise<(Round & Also) | undefined> {
  const [round] = await rawQuery<Round & Also>(
    prisma,
    Prisma.sql`SELECT "id", "villageCode", "townshipCode", "roundNo", "campaignId", "stage"::text AS "stage",
                      "status"::text AS "status", "openVillageCode", "policy", "stageEnteredAt", "stageDeadline",
                      "publicityEndsAt", "overdueSince", "countySample", "rulesVersion",
                      "startedById"::text AS "startedById", "startedAt", "finishedAt", "updatedAt"${
                        also ? Prisma.sql`, ${also}` : Prisma.empty
                      }
               FROM "Round" r WHERE "id" = ${id}`,
    { prepared: true },
  );
  return round;
}
