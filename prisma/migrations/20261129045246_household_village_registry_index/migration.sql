-- CreateIndex
CREATE INDEX "Household_villageCode_registryNo_idx" ON "Household"("villageCode", "registryNo");
