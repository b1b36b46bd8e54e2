// Supervision (督查): the kinds of findings a sweep records, who each escalates to, the sweep's thresholds and
// the exit rule. Pure code shared by the sweep workflow, its activities and the API.

export const FINDING_KINDS = [
  'STAGE_OVERDUE',
  'OBJECTION_STALE',
  'VILLAGE_NO_RESPONSIBLE',
  'HOUSEHOLD_NO_RESPONSIBLE',
  'VILLAGE_BEHIND_EXIT_PLAN',
  'ROUND_STUCK',
  'ENTRY_WITHOUT_EVIDENCE',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const FINDING_STATUSES = ['OPEN', 'CLOSED'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

export const FINDING_LABELS: Record<FindingKind, string> = {
  STAGE_OVERDUE: '环节超期',
  OBJECTION_STALE: '异议久拖未决',
  VILLAGE_NO_RESPONSIBLE: '贫困村无责任人',
  HOUSEHOLD_NO_RESPONSIBLE: '贫困户无帮扶责任人',
  VILLAGE_BEHIND_EXIT_PLAN: '贫困村未按计划退出',
  ROUND_STUCK: '识别轮次停滞',
  ENTRY_WITHOUT_EVIDENCE: '无事实依据纳入',
};

/** What the official a finding is escalated to should do about it (shown in their /tasks). */
export const FINDING_ACTIONS: Record<FindingKind, string> = {
  STAGE_OVERDUE: 'act on the overdue stage',
  OBJECTION_STALE: 'resolve the objection',
  VILLAGE_NO_RESPONSIBLE: 'assign a responsible unit and person to the village',
  HOUSEHOLD_NO_RESPONSIBLE: 'assign a responsible person to the household',
  VILLAGE_BEHIND_EXIT_PLAN: 'follow up the village behind its exit plan',
  ROUND_STUCK: 'move the round on',
  ENTRY_WITHOUT_EVIDENCE: 'check the household entered by override against its facts (income, indicators)',
};

/** Thresholds of one sweep; durations as "7 days" or "2s" (domain/duration.ts). */
export interface SupervisionPolicy {
  /** An objection still OPEN this long after it was filed is a finding. */
  objectionStaleAfter: string;
  /** An open round whose record has not changed for this long is a finding. */
  roundStuckAfter: string;
}

export const DEFAULT_SUPERVISION_POLICY: SupervisionPolicy = {
  objectionStaleAfter: '7 days',
  roundStuckAfter: '14 days',
};

export interface SweepInput {
  policy?: Partial<SupervisionPolicy>;
  /** Idempotency records older than this are deleted by the sweep (a retried POST older than it is new again). */
  idempotencyRetention?: string;
}

export const DEFAULT_IDEMPOTENCY_RETENTION = '7 days';

export interface KindCounts {
  /** Findings first recorded by this sweep. */
  opened: number;
  /** Findings already open that this sweep saw again. */
  stillOpen: number;
  /** Open findings whose condition has cleared: closed by this sweep. */
  closed: number;
}

export interface SweepSummary {
  sweepId: string;
  at: string;
  /** The calendar year (China time) the exit plan is judged against. */
  year: number;
  policy: SupervisionPolicy;
  byKind: Record<FindingKind, KindCounts>;
  /** Newly opened findings sent to their round's trail. */
  escalatedToRounds: number;
  /** Idempotency records past their retention, deleted by this sweep (absent from sweeps before it did this). */
  idempotencyRecordsPurged?: number;
}

/** Calendar year in China time (UTC+8, no daylight saving), the year plans and assessments are kept in. */
export function chinaYear(at: Date | number): number {
  return new Date(new Date(at).getTime() + 8 * 3_600_000).getUTCFullYear();
}

/** [start, end) of a calendar year in China time, as instants. */
export function chinaYearBounds(year: number): { start: Date; end: Date } {
  const offset = 8 * 3_600_000;
  return { start: new Date(Date.UTC(year, 0, 1) - offset), end: new Date(Date.UTC(year + 1, 0, 1) - offset) };
}

/** Default share of poor population under which a poor village may exit as a whole (贫困发生率 < 3%). */
export const DEFAULT_EXIT_POOR_SHARE_THRESHOLD = 0.03;

/** Poor share of a village, or null when its population is unknown. */
export function poorShare(poorPopulation: number, population: number | null): number | null {
  if (population === null || population <= 0) return null;
  return poorPopulation / population;
}

/** May the village exit as a whole? null when it cannot be told (population unknown). */
export function mayExit(share: number | null, threshold: number): boolean | null {
  return share === null ? null : share < threshold;
}

/**
 * The latest planned exit year whose deadline has passed when `year` is judged. The exit timetable (脱贫时序,
 * DOMAIN.md) plans a village's exit "by the end of" a year. A past year is judged as at its end, so its own plans
 * are due; the current year (`currentYear`, or a later one) is judged as at now, when only earlier plans are due.
 * /exit-plan and the supervision sweep (which judges the current year) both count by this.
 */
export function lastDuePlanYear(year: number, currentYear: number): number {
  return Math.min(year, currentYear - 1);
}

/** A poor village is behind its exit plan in `year`: its plan is due and it had not exited by the end of `year`. */
export function behindExitPlan(
  v: { plannedExitYear: number | null; exitedYear: number | null },
  year: number,
  currentYear: number,
): boolean {
  return (
    v.plannedExitYear !== null &&
    v.plannedExitYear <= lastDuePlanYear(year, currentYear) &&
    (v.exitedYear === null || v.exitedYear > year)
  );
}
