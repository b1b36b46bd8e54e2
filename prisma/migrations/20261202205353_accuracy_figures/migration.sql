-- CreateEnum
CREATE TYPE "VerificationKind" AS ENUM ('EXITED', 'NOT_REGISTERED');

-- CreateEnum
CREATE TYPE "VerificationFinding" AS ENUM ('CONFIRMED', 'WRONGLY_EXITED', 'MISSED_POOR');

-- CreateTable
CREATE TABLE "Verification" (
    "id" UUID NOT NULL,
    "townshipCode" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "kind" "VerificationKind" NOT NULL,
    "sampleSize" INTEGER NOT NULL,
    "population" INTEGER NOT NULL,
    "drawnById" UUID NOT NULL,
    "drawnByName" TEXT NOT NULL,
    "drawnAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Verification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VerificationSample" (
    "verificationId" UUID NOT NULL,
    "householdId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "villageCode" TEXT NOT NULL,
    "finding" "VerificationFinding",
    "note" TEXT,
    "foundById" UUID,
    "foundByName" TEXT,
    "foundAt" TIMESTAMP(3),

    CONSTRAINT "VerificationSample_pkey" PRIMARY KEY ("verificationId","householdId")
);

-- CreateTable
CREATE TABLE "Survey" (
    "id" UUID NOT NULL,
    "villageCode" TEXT NOT NULL,
    "townshipCode" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "respondents" INTEGER NOT NULL,
    "satisfied" INTEGER NOT NULL,
    "recordedById" UUID NOT NULL,
    "recordedByName" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Survey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EntryCandidate" (
    "id" UUID NOT NULL,
    "householdId" UUID NOT NULL,
    "villageCode" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "roundId" TEXT,
    "proposalId" UUID,

    CONSTRAINT "EntryCandidate_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Verification_townshipCode_year_kind_idx" ON "Verification"("townshipCode", "year", "kind");

-- CreateIndex
CREATE INDEX "VerificationSample_householdId_idx" ON "VerificationSample"("householdId");

-- CreateIndex
CREATE UNIQUE INDEX "VerificationSample_verificationId_seq_key" ON "VerificationSample"("verificationId", "seq");

-- CreateIndex
CREATE INDEX "Survey_townshipCode_year_idx" ON "Survey"("townshipCode", "year");

-- CreateIndex
CREATE INDEX "EntryCandidate_villageCode_roundId_idx" ON "EntryCandidate"("villageCode", "roundId");

-- CreateIndex
CREATE INDEX "EntryCandidate_householdId_idx" ON "EntryCandidate"("householdId");

-- CreateIndex
CREATE UNIQUE INDEX "EntryCandidate_source_sourceId_householdId_key" ON "EntryCandidate"("source", "sourceId", "householdId");

-- AddForeignKey
ALTER TABLE "VerificationSample" ADD CONSTRAINT "VerificationSample_verificationId_fkey" FOREIGN KEY ("verificationId") REFERENCES "Verification"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VerificationSample" ADD CONSTRAINT "VerificationSample_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EntryCandidate" ADD CONSTRAINT "EntryCandidate_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
