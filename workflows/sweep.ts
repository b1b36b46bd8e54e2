// The supervision sweep (督查): run daily by a Temporal Schedule (infra/schedule.ts) or on demand from the API.
// Each kind of finding is one set-based activity; the sweep's time is the workflow's time, so the activities
// agree on "now" and a retried activity repeats exactly what the first attempt did.
import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { durationMs } from '../domain/duration';
import {
  chinaYear,
  DEFAULT_IDEMPOTENCY_RETENTION,
  DEFAULT_SUPERVISION_POLICY,
  FINDING_KINDS,
  type KindCounts,
  type FindingKind,
  type SupervisionPolicy,
  type SweepInput,
  type SweepSummary,
} from '../domain/supervision';

const { sweepFindings, escalateFindingsToRounds, purgeIdempotencyRecords } = proxyActivities<
  ReturnType<typeof createActivities>
>({
  // One statement over the whole registry: minutes at national scale, never hours.
  startToCloseTimeout: '30 minutes',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
});

export async function supervisionSweepWorkflow(input: SweepInput = {}): Promise<SweepSummary> {
  const policy: SupervisionPolicy = { ...DEFAULT_SUPERVISION_POLICY, ...input.policy };
  const now = Date.now();
  const at = new Date(now).toISOString();
  const year = chinaYear(now);
  const sweepId = workflowInfo().workflowId;
  const byKind = {} as Record<FindingKind, KindCounts>;
  // One kind after another: a sweep is a background job, and it should not take every database connection.
  for (const kind of FINDING_KINDS) {
    // Kinds added after sweeps were recorded: patched() keeps those histories replaying.
    if (kind === 'ENTRY_WITHOUT_EVIDENCE' && !patched('sweep-entry-without-evidence')) continue;
    byKind[kind] = await sweepFindings({ kind, sweepId, at, year, policy });
  }
  const escalatedToRounds = await escalateFindingsToRounds({ sweepId, at });
  const summary: SweepSummary = { sweepId, at, year, policy, byKind, escalatedToRounds };
  // Housekeeping, daily with the sweep: the answers kept for Idempotency-Key retries are not kept for ever.
  if (patched('sweep-purges-idempotency-records')) {
    const retention = durationMs(input.idempotencyRetention ?? DEFAULT_IDEMPOTENCY_RETENTION);
    summary.idempotencyRecordsPurged = await purgeIdempotencyRecords({
      createdBefore: new Date(now - retention).toISOString(),
    });
  }
  return summary;
}
