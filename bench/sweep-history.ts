// Where a sweep workflow's time went, from its history: each activity from scheduled to completed (server times).
import { temporal } from '@temporalio/proto';
import { FINDING_KINDS } from '../domain/supervision';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const { EventType } = temporal.api.enums.v1;

const ms = (e: HistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;

/**
 * Seconds of each activity of a supervision sweep, by step: the n-th `sweepFindings` is the n-th finding kind (the
 * workflow runs them in FINDING_KINDS order), the others by activity type (escalateFindingsToRounds,
 * purgeIdempotencyRecords). A retried activity counts from its first scheduling to its completion.
 */
export function activitySeconds(events: HistoryEvent[]): Map<string, number> {
  const scheduled = new Map<string, { step: string; at: number }>();
  const steps = new Map<string, number>();
  let kinds = 0;
  for (const e of events) {
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      const type = e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
      const step = type === 'sweepFindings' ? (FINDING_KINDS[kinds++] ?? `sweepFindings ${kinds}`) : type;
      scheduled.set(String(e.eventId), { step, at: ms(e) });
    } else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
      const s = scheduled.get(String(e.activityTaskCompletedEventAttributes?.scheduledEventId));
      if (s) steps.set(s.step, (ms(e) - s.at) / 1000);
    }
  }
  return steps;
}
