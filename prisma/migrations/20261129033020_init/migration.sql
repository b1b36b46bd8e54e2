-- CreateEnum
CREATE TYPE "OfficialRole" AS ENUM ('VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN');

-- CreateEnum
CREATE TYPE "HouseholdCategory" AS ENUM ('TARGETED', 'POLICY_GUARANTEE', 'CONSOLIDATION');

-- CreateEnum
CREATE TYPE "HouseholdStatus" AS ENUM ('REGISTERED', 'EXITED', 'NOT_REGISTERED');

-- CreateEnum
CREATE TYPE "PovertyCause" AS ENUM ('DISASTER', 'ILLNESS', 'SCHOOLING', 'DISABILITY', 'LACK_OF_LABOUR', 'LACK_OF_FUNDS', 'LACK_OF_SKILLS', 'LACK_OF_LAND', 'LACK_OF_WATER', 'TRANSPORT', 'MISSED_BEFORE', 'OTHER');

-- CreateEnum
CREATE TYPE "ExitReason" AS ENUM ('REACHED_STANDARD', 'WRONGLY_INCLUDED');

-- CreateEnum
CREATE TYPE "RoundStage" AS ENUM ('VILLAGE_ASSESSMENT', 'FIRST_PUBLICITY', 'TOWNSHIP_REVIEW', 'SECOND_PUBLICITY', 'COUNTY_ANNOUNCEMENT', 'COMPLETED');

-- CreateEnum
CREATE TYPE "RoundStatus" AS ENUM ('OPEN', 'COMPLETED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "ProposalAction" AS ENUM ('ENTER', 'EXIT', 'RECLASSIFY');

-- CreateEnum
CREATE TYPE "ProposalStatus" AS ENUM ('PROPOSED', 'WITHDRAWN', 'REJECTED', 'SUPERSEDED', 'APPLIED');

-- CreateEnum
CREATE TYPE "NoticeKind" AS ENUM ('FIRST_PUBLICITY', 'SECOND_PUBLICITY', 'ANNOUNCEMENT');

-- CreateEnum
CREATE TYPE "ObjectionStatus" AS ENUM ('OPEN', 'UPHELD', 'DISMISSED');

-- CreateEnum
CREATE TYPE "ResponsibilitySubject" AS ENUM ('VILLAGE', 'HOUSEHOLD');

-- CreateEnum
CREATE TYPE "FindingStatus" AS ENUM ('OPEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "CampaignStatus" AS ENUM ('RUNNING', 'COMPLETED', 'CANCELLED');

-- CreateTable
CREATE TABLE "County" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "County_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "Township" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "countyCode" TEXT NOT NULL,
    "plannedExitYear" INTEGER,
    "exitedYear" INTEGER,

    CONSTRAINT "Township_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "Village" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "townshipCode" TEXT NOT NULL,
    "belt" INTEGER,
    "isPoor" BOOLEAN NOT NULL DEFAULT false,
    "plannedExitYear" INTEGER,
    "exitedYear" INTEGER,

    CONSTRAINT "Village_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "Household" (
    "id" UUID NOT NULL,
    "registryNo" TEXT NOT NULL,
    "villageCode" TEXT NOT NULL,
    "headName" TEXT NOT NULL,
    "idNumber" TEXT NOT NULL,
    "phone" TEXT,
    "size" INTEGER NOT NULL,
    "category" "HouseholdCategory",
    "status" "HouseholdStatus" NOT NULL,
    "cause" "PovertyCause",
    "exitReason" "ExitReason",
    "registeredOn" TIMESTAMP(3),
    "exitedOn" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Household_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Official" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "OfficialRole" NOT NULL,
    "scopeCode" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "Official_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "policy" JSONB NOT NULL,
    "villageCodes" JSONB NOT NULL,
    "status" "CampaignStatus" NOT NULL DEFAULT 'RUNNING',
    "workflowId" TEXT NOT NULL,
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "cancelReason" TEXT,

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Round" (
    "id" TEXT NOT NULL,
    "villageCode" TEXT NOT NULL,
    "townshipCode" TEXT NOT NULL,
    "roundNo" INTEGER NOT NULL,
    "campaignId" TEXT,
    "stage" "RoundStage" NOT NULL,
    "status" "RoundStatus" NOT NULL DEFAULT 'OPEN',
    "openVillageCode" TEXT,
    "policy" JSONB NOT NULL,
    "stageEnteredAt" TIMESTAMP(3) NOT NULL,
    "stageDeadline" TIMESTAMP(3),
    "publicityEndsAt" TIMESTAMP(3),
    "overdueSince" TIMESTAMP(3),
    "startedById" UUID NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Round_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Proposal" (
    "id" UUID NOT NULL,
    "roundId" TEXT NOT NULL,
    "assessmentNo" INTEGER NOT NULL,
    "action" "ProposalAction" NOT NULL,
    "householdId" UUID,
    "newHousehold" JSONB,
    "category" "HouseholdCategory",
    "cause" "PovertyCause",
    "exitReason" "ExitReason",
    "votesFor" INTEGER NOT NULL,
    "votesAgainst" INTEGER NOT NULL,
    "note" TEXT,
    "status" "ProposalStatus" NOT NULL DEFAULT 'PROPOSED',
    "statusReason" TEXT,

    CONSTRAINT "Proposal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notice" (
    "id" UUID NOT NULL,
    "roundId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "kind" "NoticeKind" NOT NULL,
    "content" JSONB NOT NULL,
    "html" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3),
    "publishedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Notice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Objection" (
    "id" UUID NOT NULL,
    "roundId" TEXT NOT NULL,
    "noticeVersion" INTEGER NOT NULL,
    "proposalId" UUID,
    "objectorName" TEXT NOT NULL,
    "objectorContact" TEXT,
    "reason" TEXT NOT NULL,
    "status" "ObjectionStatus" NOT NULL DEFAULT 'OPEN',
    "filedById" UUID NOT NULL,
    "filedAt" TIMESTAMP(3) NOT NULL,
    "resolvedById" UUID,
    "resolvedAt" TIMESTAMP(3),
    "resolutionNote" TEXT,
    "withdrewProposal" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "Objection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Decision" (
    "id" UUID NOT NULL,
    "roundId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "stage" "RoundStage" NOT NULL,
    "kind" TEXT NOT NULL,
    "officialId" UUID,
    "officialName" TEXT,
    "at" TIMESTAMP(3) NOT NULL,
    "decision" TEXT,
    "note" TEXT,
    "payload" JSONB,

    CONSTRAINT "Decision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RegistryChange" (
    "id" UUID NOT NULL,
    "householdId" UUID NOT NULL,
    "roundId" TEXT,
    "proposalId" UUID,
    "source" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "fromStatus" "HouseholdStatus",
    "toStatus" "HouseholdStatus" NOT NULL,
    "fromCategory" "HouseholdCategory",
    "toCategory" "HouseholdCategory",
    "cause" "PovertyCause",
    "exitReason" "ExitReason",
    "decidedById" UUID,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RegistryChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ResponsibilityAssignment" (
    "id" UUID NOT NULL,
    "subject" "ResponsibilitySubject" NOT NULL,
    "villageCode" TEXT,
    "householdId" UUID,
    "unit" TEXT NOT NULL,
    "personName" TEXT NOT NULL,
    "personPhone" TEXT,
    "assignedById" UUID,
    "fromDate" TIMESTAMP(3) NOT NULL,
    "toDate" TIMESTAMP(3),
    "note" TEXT,

    CONSTRAINT "ResponsibilityAssignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SupervisionFinding" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "subjectKey" TEXT NOT NULL,
    "openKey" TEXT,
    "status" "FindingStatus" NOT NULL DEFAULT 'OPEN',
    "townshipCode" TEXT,
    "villageCode" TEXT,
    "roundId" TEXT,
    "householdId" UUID,
    "escalatedToRole" "OfficialRole",
    "escalatedToScope" TEXT,
    "detail" JSONB,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),
    "sweepId" TEXT,

    CONSTRAINT "SupervisionFinding_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Township_countyCode_idx" ON "Township"("countyCode");

-- CreateIndex
CREATE INDEX "Village_townshipCode_idx" ON "Village"("townshipCode");

-- CreateIndex
CREATE UNIQUE INDEX "Household_registryNo_key" ON "Household"("registryNo");

-- CreateIndex
CREATE UNIQUE INDEX "Household_idNumber_key" ON "Household"("idNumber");

-- CreateIndex
CREATE INDEX "Household_villageCode_status_category_idx" ON "Household"("villageCode", "status", "category");

-- CreateIndex
CREATE INDEX "Household_status_idx" ON "Household"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Official_tokenHash_key" ON "Official"("tokenHash");

-- CreateIndex
CREATE INDEX "Official_role_scopeCode_idx" ON "Official"("role", "scopeCode");

-- CreateIndex
CREATE UNIQUE INDEX "Campaign_workflowId_key" ON "Campaign"("workflowId");

-- CreateIndex
CREATE UNIQUE INDEX "Round_openVillageCode_key" ON "Round"("openVillageCode");

-- CreateIndex
CREATE INDEX "Round_townshipCode_status_stage_idx" ON "Round"("townshipCode", "status", "stage");

-- CreateIndex
CREATE INDEX "Round_status_stageDeadline_idx" ON "Round"("status", "stageDeadline");

-- CreateIndex
CREATE INDEX "Round_campaignId_idx" ON "Round"("campaignId");

-- CreateIndex
CREATE UNIQUE INDEX "Round_villageCode_roundNo_key" ON "Round"("villageCode", "roundNo");

-- CreateIndex
CREATE INDEX "Proposal_roundId_assessmentNo_idx" ON "Proposal"("roundId", "assessmentNo");

-- CreateIndex
CREATE UNIQUE INDEX "Notice_roundId_version_key" ON "Notice"("roundId", "version");

-- CreateIndex
CREATE INDEX "Objection_roundId_status_idx" ON "Objection"("roundId", "status");

-- CreateIndex
CREATE INDEX "Objection_status_filedAt_idx" ON "Objection"("status", "filedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Decision_roundId_seq_key" ON "Decision"("roundId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "RegistryChange_proposalId_key" ON "RegistryChange"("proposalId");

-- CreateIndex
CREATE INDEX "RegistryChange_householdId_idx" ON "RegistryChange"("householdId");

-- CreateIndex
CREATE INDEX "RegistryChange_roundId_idx" ON "RegistryChange"("roundId");

-- CreateIndex
CREATE INDEX "ResponsibilityAssignment_subject_villageCode_toDate_idx" ON "ResponsibilityAssignment"("subject", "villageCode", "toDate");

-- CreateIndex
CREATE INDEX "ResponsibilityAssignment_subject_householdId_toDate_idx" ON "ResponsibilityAssignment"("subject", "householdId", "toDate");

-- CreateIndex
CREATE UNIQUE INDEX "SupervisionFinding_openKey_key" ON "SupervisionFinding"("openKey");

-- CreateIndex
CREATE INDEX "SupervisionFinding_status_kind_idx" ON "SupervisionFinding"("status", "kind");

-- CreateIndex
CREATE INDEX "SupervisionFinding_townshipCode_status_idx" ON "SupervisionFinding"("townshipCode", "status");

-- AddForeignKey
ALTER TABLE "Township" ADD CONSTRAINT "Township_countyCode_fkey" FOREIGN KEY ("countyCode") REFERENCES "County"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Village" ADD CONSTRAINT "Village_townshipCode_fkey" FOREIGN KEY ("townshipCode") REFERENCES "Township"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Household" ADD CONSTRAINT "Household_villageCode_fkey" FOREIGN KEY ("villageCode") REFERENCES "Village"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Round" ADD CONSTRAINT "Round_villageCode_fkey" FOREIGN KEY ("villageCode") REFERENCES "Village"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Round" ADD CONSTRAINT "Round_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Proposal" ADD CONSTRAINT "Proposal_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "Round"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notice" ADD CONSTRAINT "Notice_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "Round"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Objection" ADD CONSTRAINT "Objection_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "Round"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Decision" ADD CONSTRAINT "Decision_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "Round"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RegistryChange" ADD CONSTRAINT "RegistryChange_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
