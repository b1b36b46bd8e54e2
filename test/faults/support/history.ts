// What the Temporal server knows of a round: its history and its pending activity.
import type { Client as TemporalClient } from '@temporalio/client';

/** The round workflow's history has a fired timer (a publicity or deadline that ran out). */
export async function timerFired(client: TemporalClient, workflowId: string): Promise<boolean> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).some((e) => e.timerFiredEventAttributes);
}

/** Attempts so far of the workflow's pending activity, 0 when none is pending. */
export async function activityAttempt(client: TemporalClient, workflowId: string): Promise<number> {
  const d = await client.workflow.getHandle(workflowId).describe();
  return d.raw.pendingActivities?.[0]?.attempt ?? 0;
}

/** Activity attempts after the first that the workflow's history records as started. */
export async function activityRetries(client: TemporalClient, workflowId: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1).length;
}

/** The workflow's history records at least `n` accepted updates (decisions past their validator). */
export async function updatesAccepted(client: TemporalClient, workflowId: string, n: number): Promise<boolean> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length >= n;
}
