-- CreateEnum
CREATE TYPE "Sex" AS ENUM ('MALE', 'FEMALE');

-- CreateEnum
CREATE TYPE "HealthStatus" AS ENUM ('HEALTHY', 'CHRONIC_ILLNESS', 'SERIOUS_ILLNESS', 'DISABLED');

-- CreateEnum
CREATE TYPE "Schooling" AS ENUM ('NONE', 'PRESCHOOL', 'PRIMARY', 'JUNIOR_SECONDARY', 'SENIOR_SECONDARY', 'TERTIARY');

-- CreateEnum
CREATE TYPE "LabourAbility" AS ENUM ('FULL', 'PARTIAL', 'NONE');

-- CreateEnum
CREATE TYPE "MemberRelation" AS ENUM ('HEAD', 'SPOUSE', 'CHILD', 'CHILD_IN_LAW', 'GRANDCHILD', 'PARENT', 'GRANDPARENT', 'SIBLING', 'OTHER');

-- CreateTable
CREATE TABLE "HouseholdMember" (
    "id" UUID NOT NULL,
    "householdId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "relation" "MemberRelation" NOT NULL,
    "idNumber" TEXT,
    "birthYear" INTEGER NOT NULL,
    "sex" "Sex" NOT NULL,
    "health" "HealthStatus" NOT NULL,
    "schooling" "Schooling" NOT NULL,
    "labour" "LabourAbility" NOT NULL,

    CONSTRAINT "HouseholdMember_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HouseholdIncome" (
    "householdId" UUID NOT NULL,
    "year" INTEGER NOT NULL,
    "perCapita" INTEGER NOT NULL,

    CONSTRAINT "HouseholdIncome_pkey" PRIMARY KEY ("householdId","year")
);

-- CreateTable
CREATE TABLE "HouseholdIndicators" (
    "householdId" UUID NOT NULL,
    "foodClothing" BOOLEAN NOT NULL,
    "education" BOOLEAN NOT NULL,
    "medical" BOOLEAN NOT NULL,
    "housing" BOOLEAN NOT NULL,
    "drinkingWater" BOOLEAN NOT NULL,
    "assessedOn" DATE NOT NULL,

    CONSTRAINT "HouseholdIndicators_pkey" PRIMARY KEY ("householdId")
);

-- CreateTable
CREATE TABLE "HouseholdFactsChange" (
    "id" UUID NOT NULL,
    "householdId" UUID NOT NULL,
    "changedById" UUID,
    "changedByName" TEXT,
    "changedAt" TIMESTAMP(3) NOT NULL,
    "source" TEXT NOT NULL,
    "changes" JSONB NOT NULL,

    CONSTRAINT "HouseholdFactsChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PovertyLine" (
    "year" INTEGER NOT NULL,
    "perCapita" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "enteredById" UUID,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PovertyLine_pkey" PRIMARY KEY ("year")
);

-- CreateIndex
CREATE INDEX "HouseholdMember_idNumber_idx" ON "HouseholdMember"("idNumber");

-- CreateIndex
CREATE UNIQUE INDEX "HouseholdMember_householdId_seq_key" ON "HouseholdMember"("householdId", "seq");

-- CreateIndex
CREATE INDEX "HouseholdFactsChange_householdId_changedAt_idx" ON "HouseholdFactsChange"("householdId", "changedAt");

-- AddForeignKey
ALTER TABLE "HouseholdMember" ADD CONSTRAINT "HouseholdMember_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HouseholdIncome" ADD CONSTRAINT "HouseholdIncome_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HouseholdIndicators" ADD CONSTRAINT "HouseholdIndicators_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HouseholdFactsChange" ADD CONSTRAINT "HouseholdFactsChange_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The published national figures DOMAIN.md gives (yuan per person per year, at that year's prices).
-- Other years are entered by the county (`npm run cli -- poverty-line set`) and say so in `source`.
INSERT INTO "PovertyLine" ("year", "perCapita", "source") VALUES
  (2010, 2300, '国家农村贫困标准（2010年不变价），国务院 2011 年确定'),
  (2014, 2800, '国家统计局公布（现价，约数）'),
  (2015, 2855, '国家统计局公布（现价）'),
  (2019, 3218, '国家统计局公布（现价）'),
  (2020, 4000, '2020 年退出所用标准（现价）');
