-- CreateEnum
CREATE TYPE "ExitLevel" AS ENUM ('VILLAGE', 'TOWNSHIP', 'COUNTY');

-- CreateEnum
CREATE TYPE "ExitStage" AS ENUM ('COUNTY_VERIFICATION', 'PUBLICITY', 'ANNOUNCEMENT', 'COMPLETED', 'REJECTED');

-- CreateEnum
CREATE TYPE "ExitStatus" AS ENUM ('OPEN', 'COMPLETED', 'REJECTED', 'CANCELLED');

-- AlterTable
ALTER TABLE "County" ADD COLUMN     "exitedYear" INTEGER;

-- CreateTable
CREATE TABLE "Exit" (
    "id" TEXT NOT NULL,
    "level" "ExitLevel" NOT NULL,
    "code" TEXT NOT NULL,
    "townshipCode" TEXT,
    "year" INTEGER NOT NULL,
    "stage" "ExitStage" NOT NULL,
    "status" "ExitStatus" NOT NULL DEFAULT 'OPEN',
    "policy" JSONB NOT NULL,
    "figures" JSONB NOT NULL,
    "sample" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "stageEnteredAt" TIMESTAMP(3) NOT NULL,
    "stageDeadline" TIMESTAMP(3),
    "publicityEndsAt" TIMESTAMP(3),
    "requestedById" UUID NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Exit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExitDecision" (
    "id" UUID NOT NULL,
    "exitId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "stage" "ExitStage" NOT NULL,
    "kind" TEXT NOT NULL,
    "officialId" UUID,
    "officialName" TEXT,
    "at" TIMESTAMP(3) NOT NULL,
    "decision" TEXT,
    "note" TEXT,
    "payload" JSONB,

    CONSTRAINT "ExitDecision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExitObjection" (
    "id" UUID NOT NULL,
    "exitId" TEXT NOT NULL,
    "objectorName" TEXT NOT NULL,
    "objectorContact" TEXT,
    "reason" TEXT NOT NULL,
    "status" "ObjectionStatus" NOT NULL DEFAULT 'OPEN',
    "filedById" UUID NOT NULL,
    "filedAt" TIMESTAMP(3) NOT NULL,
    "resolvedById" UUID,
    "resolvedAt" TIMESTAMP(3),
    "resolutionNote" TEXT,

    CONSTRAINT "ExitObjection_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Exit_status_stage_idx" ON "Exit"("status", "stage");

-- CreateIndex
CREATE INDEX "Exit_code_idx" ON "Exit"("code");

-- CreateIndex
CREATE UNIQUE INDEX "Exit_level_code_year_key" ON "Exit"("level", "code", "year");

-- CreateIndex
CREATE UNIQUE INDEX "ExitDecision_exitId_seq_key" ON "ExitDecision"("exitId", "seq");

-- CreateIndex
CREATE INDEX "ExitObjection_exitId_status_idx" ON "ExitObjection"("exitId", "status");

-- CreateIndex
CREATE INDEX "ExitObjection_status_filedAt_idx" ON "ExitObjection"("status", "filedAt");

-- AddForeignKey
ALTER TABLE "ExitDecision" ADD CONSTRAINT "ExitDecision_exitId_fkey" FOREIGN KEY ("exitId") REFERENCES "Exit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExitObjection" ADD CONSTRAINT "ExitObjection_exitId_fkey" FOREIGN KEY ("exitId") REFERENCES "Exit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
