-- CreateIndex
CREATE INDEX "SupervisionFinding_status_escalatedToRole_escalatedToScope_idx" ON "SupervisionFinding"("status", "escalatedToRole", "escalatedToScope");

-- CreateIndex
CREATE INDEX "SupervisionFinding_status_openedAt_id_idx" ON "SupervisionFinding"("status", "openedAt", "id");
