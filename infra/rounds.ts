// A round's row, read raw: every decision and every round page reads it first (loadRound), so it skips Prisma's
// query interpreter and mapping (bench:campaign, issue 16). Same shape as prisma.round.findUnique gives.
import { Prisma, rawQuery, type PrismaClient, type Round } from './db';

export async function findRound(prisma: PrismaClient, id: string): Promise<Round | undefined> {
  const [round] = await rawQuery<Round>(
    prisma,
    Prisma.sql`SELECT "id", "villageCode", "townshipCode", "roundNo", "campaignId", "stage"::text AS "stage",
                      "status"::text AS "status", "openVillageCode", "policy", "stageEnteredAt", "stageDeadline",
                      "publicityEndsAt", "overdueSince", "countySample", "rulesVersion",
                      "startedById"::text AS "startedById", "startedAt", "finishedAt", "updatedAt"
               FROM "Round" WHERE "id" = ${id}`,
    { prepared: true },
  );
  return round;
}
