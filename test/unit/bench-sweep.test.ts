// bench:sweep's own logic: the sweep input it shares with the Schedule, and its reading of a sweep's history.
import { temporal } from '@temporalio/proto';
import { activitySeconds } from '../../bench/sweep-history';
import { FINDING_KINDS } from '../../domain/supervision';
import { loadConfig } from '../../infra/config';
import { scheduledSweepInput, supervisionScheduleOptions } from '../../infra/schedule';

const { EventType } = temporal.api.enums.v1;

describe('the sweep input of the Schedule (and of bench:sweep)', () => {
  it('carries the configured policy and Idempotency-Key retention', () => {
    const config = loadConfig({ SUPERVISION_OBJECTION_STALE_AFTER: '3 days', IDEMPOTENCY_RETENTION: '2 days' });
    expect(scheduledSweepInput(supervisionScheduleOptions(config))).toEqual({
      policy: { objectionStaleAfter: '3 days', roundStuckAfter: '14 days' },
      idempotencyRetention: '2 days',
    });
  });

  it('is empty when the options leave both to the workflow', () => {
    expect(scheduledSweepInput({})).toEqual({});
  });
});

describe("bench:sweep's reading of a sweep's history", () => {
  let id = 0;
  const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
  // As the server sends them: fromObject turns the numbers into the proto's 64-bit Longs.
  const event = (o: Record<string, unknown>) =>
    temporal.api.history.v1.HistoryEvent.fromObject({ eventId: ++id, ...o });
  const scheduled = (name: string, ms: number) =>
    event({
      eventTime: at(ms),
      eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
      activityTaskScheduledEventAttributes: { activityType: { name } },
    });
  const completed = (scheduledEventId: number, ms: number) =>
    event({
      eventTime: at(ms),
      eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
      activityTaskCompletedEventAttributes: { scheduledEventId },
    });

  it('names the n-th sweepFindings after the n-th kind and times each activity from scheduled to completed', () => {
    id = 0;
    const events: temporal.api.history.v1.IHistoryEvent[] = [];
    let t = 1_000_000;
    FINDING_KINDS.forEach((_, i) => {
      const s = scheduled('sweepFindings', t);
      events.push(s, completed(Number(s.eventId), t + 10 * (i + 1)));
      t += 1000;
    });
    const escalate = scheduled('escalateFindingsToRounds', t);
    events.push(escalate, completed(Number(escalate.eventId), t + 1234));
    events.push(scheduled('purgeIdempotencyRecords', t + 2000)); // not completed: no time
    const steps = activitySeconds(events);
    FINDING_KINDS.forEach((kind, i) => expect(steps.get(kind)).toBeCloseTo(0.01 * (i + 1), 6));
    expect(steps.get('escalateFindingsToRounds')).toBeCloseTo(1.234, 6);
    expect(steps.has('purgeIdempotencyRecords')).toBe(false);
    expect(steps.size).toBe(FINDING_KINDS.length + 1);
  });
});
