-- The national causes and reasons (issue 12), and what corrections during a publicity record.
--
-- Data mapping of rows written before this migration:
--   cause MISSED_BEFORE (漏评)  -> entryReason MISSED, cause OTHER (漏评 is a reason for an entry, not a cause)
--   any other cause             -> unchanged, entryReason stays NULL (the old data never said why a household entered)
--   exitReason REACHED_STANDARD -> REACHED_STANDARD, WRONGLY_INCLUDED -> WRONGLY_INCLUDED (same meaning),
--   NATURAL_DECREASE is new and no old row carries it. Old REACHED_STANDARD exits keep consentSignedOn NULL.
-- Applied in one transaction by infra/migrate.ts (and by `prisma migrate deploy`).

-- CreateEnum
CREATE TYPE "EntryReason" AS ENUM ('NEW_IDENTIFIED', 'MISSED', 'RETURNED_TO_POVERTY');

-- AlterEnum
ALTER TYPE "ExitReason" ADD VALUE 'NATURAL_DECREASE';

-- AlterTable
ALTER TABLE "Household" ADD COLUMN     "entryReason" "EntryReason";

-- AlterTable
ALTER TABLE "Objection" ADD COLUMN     "addedProposalId" UUID,
ADD COLUMN     "amendedProposalId" UUID;

-- AlterTable
ALTER TABLE "Proposal" ADD COLUMN     "addedByObjectionId" UUID,
ADD COLUMN     "consentSignedOn" DATE,
ADD COLUMN     "entryReason" "EntryReason",
ALTER COLUMN "votesFor" DROP NOT NULL,
ALTER COLUMN "votesAgainst" DROP NOT NULL;

-- AlterTable
ALTER TABLE "RegistryChange" ADD COLUMN     "entryReason" "EntryReason";

-- Data: 漏评 becomes the entry reason MISSED with cause OTHER, before MISSED_BEFORE leaves the enum.
UPDATE "Household" SET "entryReason" = 'MISSED', "cause" = 'OTHER' WHERE "cause" = 'MISSED_BEFORE';
UPDATE "Proposal" SET "entryReason" = 'MISSED', "cause" = 'OTHER' WHERE "cause" = 'MISSED_BEFORE';
UPDATE "RegistryChange" SET "entryReason" = 'MISSED', "cause" = 'OTHER' WHERE "cause" = 'MISSED_BEFORE';

-- AlterEnum: PovertyCause without MISSED_BEFORE, with LACK_OF_MOTIVATION (自身发展动力不足)
CREATE TYPE "PovertyCause_new" AS ENUM ('DISASTER', 'ILLNESS', 'SCHOOLING', 'DISABILITY', 'LACK_OF_LABOUR', 'LACK_OF_FUNDS', 'LACK_OF_SKILLS', 'LACK_OF_LAND', 'LACK_OF_WATER', 'TRANSPORT', 'LACK_OF_MOTIVATION', 'OTHER');
ALTER TABLE "Household" ALTER COLUMN "cause" TYPE "PovertyCause_new" USING ("cause"::text::"PovertyCause_new");
ALTER TABLE "Proposal" ALTER COLUMN "cause" TYPE "PovertyCause_new" USING ("cause"::text::"PovertyCause_new");
ALTER TABLE "RegistryChange" ALTER COLUMN "cause" TYPE "PovertyCause_new" USING ("cause"::text::"PovertyCause_new");
ALTER TYPE "PovertyCause" RENAME TO "PovertyCause_old";
ALTER TYPE "PovertyCause_new" RENAME TO "PovertyCause";
DROP TYPE "PovertyCause_old";
