// The identification procedure's rules, pure (no Temporal, no database): the stages in order, who acts at
// each, what follows what, when a stage is due and a publicity ends, and what a decision does to the list.
// The round workflow, the supervision sweep and the API's task list all read them from here.
import { parseDuration } from './duration';
import type { NoticeKind, Role, Stage } from './enums';
import type { RoundPolicy, RoundRules } from './round';

/** The rules a round runs under: 1 for rounds started before RoundRules existed, else the captured version. */
export function rulesVersion(input: { rules?: RoundRules }): 1 | RoundRules['version'] {
  return input.rules?.version ?? 1;
}

/**
 * The policy's periods shorter than the rules' minimum (MIN_PUBLICITY_PERIOD): the publicity period and the
 * announcement period (which defaults to the publicity period). Empty when the policy keeps the rules.
 */
export function periodsBelowMinimum(
  policy: Pick<RoundPolicy, 'publicityPeriod' | 'announcementPeriod'>,
  minPublicityPeriod: string,
): ('publicityPeriod' | 'announcementPeriod')[] {
  const min = parseDuration(minPublicityPeriod) ?? 0;
  const short = (v: string | undefined) => v !== undefined && (parseDuration(v) ?? 0) < min;
  return [
    ...(short(policy.publicityPeriod) ? (['publicityPeriod'] as const) : []),
    ...(short(policy.announcementPeriod) ? (['announcementPeriod'] as const) : []),
  ];
}

/** A stage a round can be waiting at (COMPLETED is where it ends). */
export type OpenStage = Exclude<Stage, 'COMPLETED'>;
export type PublicityStage = 'FIRST_PUBLICITY' | 'SECOND_PUBLICITY';
/** A stage in which objections are received: the two publicities and the county's announcement period. */
export type ObjectionStage = PublicityStage | 'ANNOUNCEMENT_PERIOD';

interface StageRule {
  /** Who must act: the official who decides the stage, or during a period the one who settles objections. */
  actor: Role;
  /**
   * A decision stage ends with an official's decision; a publicity, and the county's announcement period (公告期),
   * end by the clock once no objection is open.
   */
  kind: 'DECISION' | 'PUBLICITY' | 'ANNOUNCEMENT_PERIOD';
}

/** The stage table of DOMAIN.md, in order (ANNOUNCEMENT_PERIOD only under the rules of version 2: stageOrder). */
export const PROCEDURE: Readonly<Record<OpenStage, StageRule>> = {
  VILLAGE_ASSESSMENT: { actor: 'VILLAGE', kind: 'DECISION' },
  FIRST_PUBLICITY: { actor: 'TOWNSHIP', kind: 'PUBLICITY' },
  TOWNSHIP_REVIEW: { actor: 'TOWNSHIP', kind: 'DECISION' },
  SECOND_PUBLICITY: { actor: 'TOWNSHIP', kind: 'PUBLICITY' },
  COUNTY_ANNOUNCEMENT: { actor: 'COUNTY', kind: 'DECISION' },
  ANNOUNCEMENT_PERIOD: { actor: 'COUNTY', kind: 'ANNOUNCEMENT_PERIOD' },
};

const OPEN_STAGES = Object.keys(PROCEDURE) as OpenStage[];

/**
 * The stages a round runs through under the rules of `version`: version 1 (rounds started before the rules were
 * captured) completes at the county's announcement; version 2 adds the announcement period (公告期), at whose end
 * the registry changes.
 */
export function stageOrder(version: number): readonly Stage[] {
  const open = OPEN_STAGES.filter((s) => version >= 2 || s !== 'ANNOUNCEMENT_PERIOD');
  return [...open, 'COMPLETED'];
}

/** The stage that follows `stage` when it ends without a return, under the rules of `version`. */
export function stageAfter(stage: OpenStage, version: number): Stage {
  const order = stageOrder(version);
  const i = order.indexOf(stage);
  if (i < 0) throw new Error(`${stage} is not a stage of the rules of version ${version}.`);
  return order[i + 1]!;
}

export const PUBLICITY_STAGES: readonly Stage[] = OPEN_STAGES.filter((s) => PROCEDURE[s].kind === 'PUBLICITY');

export function isPublicityStage(stage: Stage): stage is PublicityStage {
  return PUBLICITY_STAGES.includes(stage);
}

/** A stage in which objections are received and the clock ends the stage (publicities, announcement period). */
export function isObjectionStage(stage: Stage): stage is ObjectionStage {
  return stage !== 'COMPLETED' && PROCEDURE[stage].kind !== 'DECISION';
}

/** Who may record an objection: anyone in scope during a publicity; the county during its announcement period. */
export function objectionFilers(stage: ObjectionStage): Role[] {
  return stage === 'ANNOUNCEMENT_PERIOD' ? ['COUNTY'] : ['VILLAGE', 'TOWNSHIP', 'COUNTY'];
}

/** Who resolves an objection received in `stage`: the township during a publicity, the county in its period. */
export function objectionResolver(stage: ObjectionStage): Role {
  return PROCEDURE[stage].actor;
}

/** The objection stages whose objections `role` resolves (for its task list). */
export function objectionStagesResolvedBy(role: Role): ObjectionStage[] {
  return OPEN_STAGES.filter(isObjectionStage).filter((s) => objectionResolver(s) === role);
}

/** The notice a stage's list is published as. */
export function noticeKindOf(stage: ObjectionStage): NoticeKind {
  return stage === 'ANNOUNCEMENT_PERIOD' ? 'ANNOUNCEMENT' : stage;
}

/** Who must act on a stage (and is reminded when it is overdue). */
export const STAGE_ACTOR: Readonly<Record<OpenStage, Role>> = Object.fromEntries(
  OPEN_STAGES.map((s) => [s, PROCEDURE[s].actor]),
) as Record<OpenStage, Role>;

/** Which role decides at a stage (publicities are decided by the clock and the objections). */
export const STAGE_DECIDER: Readonly<Partial<Record<Stage, Role>>> = Object.fromEntries(
  OPEN_STAGES.filter((s) => PROCEDURE[s].kind === 'DECISION').map((s) => [s, PROCEDURE[s].actor]),
);

/** The decision stage a role waits on (each role decides exactly one), if any. */
export function stageDecidedBy(role: Role): OpenStage | undefined {
  return OPEN_STAGES.find((s) => STAGE_DECIDER[s] === role);
}

/** The villagers' representatives meeting is quorate with at least two thirds present. */
export function isQuorate(meeting: { representativesPresent: number; representativesTotal: number }): boolean {
  return meeting.representativesTotal > 0 && meeting.representativesPresent * 3 >= meeting.representativesTotal * 2;
}

/**
 * Why a proposal's vote does not carry it, or undefined when it does: it needs the votes of more than half of
 * the representatives present (Organic Law of Villagers' Committees, art. 26), and no more votes can be cast
 * than representatives present.
 */
export function voteProblem(votes: { votesFor: number; votesAgainst: number }, present: number): string | undefined {
  if (votes.votesFor + votes.votesAgainst > present) {
    return `more votes (${votes.votesFor + votes.votesAgainst}) than representatives present (${present})`;
  }
  if (votes.votesFor * 2 <= present) {
    return `not carried: votesFor (${votes.votesFor}) must be more than half of the ${present} representatives present`;
  }
  return undefined;
}

/**
 * The township visits every proposal it does not reject (入户核查) before it approves. `missing`: proposals on the
 * list without a visit; `notConfirmed`: proposals whose visit did not confirm them, yet not rejected (the township
 * must reject them or return the list); `unknown`: visits to proposals not on the list.
 */
export function verificationProblems(
  list: readonly { id: string }[],
  rejectedIds: ReadonlySet<string>,
  visits: readonly { proposalId: string; finding: 'CONFIRMED' | 'NOT_CONFIRMED' }[],
): { missing: string[]; notConfirmed: string[]; unknown: string[] } {
  const onList = new Set(list.map((p) => p.id));
  const visited = new Map(visits.map((v) => [v.proposalId, v.finding]));
  const kept = list.filter((p) => !rejectedIds.has(p.id));
  return {
    missing: kept.filter((p) => !visited.has(p.id)).map((p) => p.id),
    notConfirmed: kept.filter((p) => visited.get(p.id) === 'NOT_CONFIRMED').map((p) => p.id),
    unknown: visits.filter((v) => !onList.has(v.proposalId)).map((v) => v.proposalId),
  };
}

// ---- Times ----------------------------------------------------------------------------------------

/** The round's policy in milliseconds. */
export interface StageClock {
  publicityMs: number;
  deadlineMs: number;
  /** The county's announcement period (公告期); absent before the rules of version 2. */
  announcementMs?: number;
}

/** The round fields of entering a stage. */
export interface StageTimes {
  stage: Stage;
  stageEnteredAt: string;
  stageDeadline: string | null;
  publicityEndsAt: string | null;
  overdueSince: null;
}

/**
 * Entering `stage` at `at`: a publicity runs for the policy's period (the announcement period for its own), and a
 * stage is due the policy's deadline after it starts, a period's after it ends (the time the official who settles
 * objections has to settle what holds it open).
 */
export function stageTimes(stage: Stage, at: number, clock: StageClock): StageTimes {
  const period = stage === 'ANNOUNCEMENT_PERIOD' ? (clock.announcementMs ?? clock.publicityMs) : clock.publicityMs;
  const publicityEndsAt = isObjectionStage(stage) ? at + period : undefined;
  const deadline = stage === 'COMPLETED' ? undefined : (publicityEndsAt ?? at) + clock.deadlineMs;
  return {
    stage,
    stageEnteredAt: iso(at),
    stageDeadline: deadline === undefined ? null : iso(deadline),
    publicityEndsAt: publicityEndsAt === undefined ? null : iso(publicityEndsAt),
    overdueSince: null,
  };
}

/** A publicity may close once its period is over and no objection is open or being filed. */
export function publicityCanClose(now: number, endsAt: number, openObjections: number): boolean {
  return now >= endsAt && openObjections === 0;
}

const iso = (ms: number) => new Date(ms).toISOString();

// ---- What decisions do to the list -----------------------------------------------------------------

/**
 * The county's spot check (抽查) draws ceil(share × n) of the n approved proposals, never a share below 10 %, and at
 * least one unless the list is empty.
 */
export function countySampleSize(approved: number, share: number): number {
  if (approved <= 0) return 0;
  // Rounded to 1e-9 first so that 0.1 × 30 is 3, not the 4 that floating point would give.
  const exact = Math.round(Math.max(share, MIN_COUNTY_SAMPLE_SHARE) * approved * 1e9) / 1e9;
  return Math.min(approved, Math.max(1, Math.ceil(exact)));
}

export const MIN_COUNTY_SAMPLE_SHARE = 0.1;

/**
 * Draws the county's sample from `ids` with `random` (the workflow's seeded Math.random, so a replay draws the same):
 * a partial Fisher-Yates shuffle, returned in the list's order.
 */
export function drawCountySample(ids: readonly string[], share: number, random: () => number): string[] {
  const pool = [...ids];
  const size = countySampleSize(pool.length, share);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  const chosen = new Set(pool.slice(0, size));
  return ids.filter((id) => chosen.has(id));
}

/** Where a return sends the round: the township returns to the village; the county to the township by default. */
export function returnTarget(
  from: 'TOWNSHIP_REVIEW' | 'COUNTY_ANNOUNCEMENT',
  returnTo?: 'TOWNSHIP_REVIEW' | 'VILLAGE_ASSESSMENT',
): 'TOWNSHIP_REVIEW' | 'VILLAGE_ASSESSMENT' {
  return from === 'TOWNSHIP_REVIEW' ? 'VILLAGE_ASSESSMENT' : (returnTo ?? 'TOWNSHIP_REVIEW');
}

/** A return to the village assessment supersedes the whole list (the village assesses afresh); others keep it. */
export function supersededByReturn(to: Stage, list: readonly { id: string }[]): string[] {
  return to === 'VILLAGE_ASSESSMENT' ? list.map((p) => p.id) : [];
}

/** The township's approval publishes the list without the proposals it rejected. */
export function approvedList<P extends { id: string }>(list: readonly P[], rejectedIds: ReadonlySet<string>): P[] {
  return list.filter((p) => !rejectedIds.has(p.id));
}

/**
 * Only an upheld objection that asks for it withdraws its proposal; a withdrawal changes the list, so the
 * publicity restarts with a new notice.
 */
export function objectionWithdraws(
  decision: 'UPHELD' | 'DISMISSED',
  withdrawProposal: boolean | undefined,
  proposalId: string | undefined,
): boolean {
  return decision === 'UPHELD' && withdrawProposal === true && proposalId !== undefined;
}
