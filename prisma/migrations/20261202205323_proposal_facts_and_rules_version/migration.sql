-- AlterTable
ALTER TABLE "Proposal" ADD COLUMN     "evidence" JSONB,
ADD COLUMN     "facts" JSONB,
ADD COLUMN     "overrideReason" TEXT;

-- AlterTable
ALTER TABLE "Round" ADD COLUMN     "rulesVersion" INTEGER;
