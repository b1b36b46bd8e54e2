// Exits of villages, townships and the county (摘帽), pure: the levels and steps, who may request and decide, the
// figures an exit is judged on and why one may not exit, the county's re-check of the drawn sample. The exit
// workflow (workflows/exit.ts), its activities and the API all read these rules from here.
import type { AccuracyFigures } from './assessment';
import { parseDuration } from './duration';
import type { Actor } from './round';
import type { Role } from './enums';

export const EXIT_LEVELS = ['VILLAGE', 'TOWNSHIP', 'COUNTY'] as const;
export type ExitLevel = (typeof EXIT_LEVELS)[number];

/** The steps in order; an exit ends COMPLETED (the exit year recorded) or REJECTED (nothing changes). */
export const EXIT_STAGES = ['COUNTY_VERIFICATION', 'PUBLICITY', 'ANNOUNCEMENT', 'COMPLETED', 'REJECTED'] as const;
export type ExitStage = (typeof EXIT_STAGES)[number];
export type OpenExitStage = 'COUNTY_VERIFICATION' | 'PUBLICITY' | 'ANNOUNCEMENT';

export const EXIT_STATUSES = ['OPEN', 'COMPLETED', 'REJECTED', 'CANCELLED'] as const;
export type ExitStatus = (typeof EXIT_STATUSES)[number];

export const EXIT_FINDINGS = ['CONFIRMED', 'NOT_MET'] as const;
export type ExitFinding = (typeof EXIT_FINDINGS)[number];

export const EXIT_LEVEL_LABELS: Record<ExitLevel, string> = { VILLAGE: '贫困村', TOWNSHIP: '乡镇', COUNTY: '县' };
export const EXIT_STAGE_LABELS: Record<ExitStage, string> = {
  COUNTY_VERIFICATION: '县级核查',
  PUBLICITY: '公示',
  ANNOUNCEMENT: '公告',
  COMPLETED: '已退出',
  REJECTED: '未通过',
};

/** Division code lengths by level: county 6 digits, township 9, village 12. */
export const EXIT_CODE_LENGTH: Record<ExitLevel, number> = { COUNTY: 6, TOWNSHIP: 9, VILLAGE: 12 };

/** The exit's workflow id (and row id): level, code and year, nothing personal. One exit per unit and year. */
export function exitWorkflowId(level: ExitLevel, code: string, year: number): string {
  return `exit-${level}-${code}-${year}`;
}

export const EXIT_ID_PATTERN = /^exit-(VILLAGE|TOWNSHIP|COUNTY)-(\d{6}|\d{9}|\d{12})-(\d{4})$/;

/** The level, code and year an exit id names, or undefined when it is not one. */
export function parseExitId(id: string): { level: ExitLevel; code: string; year: number } | undefined {
  const m = EXIT_ID_PATTERN.exec(id);
  if (!m) return undefined;
  const level = m[1] as ExitLevel;
  if (m[2]!.length !== EXIT_CODE_LENGTH[level]) return undefined;
  return { level, code: m[2]!, year: Number(m[3]) };
}

/**
 * Who requests an exit: a village's exit is proposed by its township (DOMAIN.md: "a township proposes a village's
 * exit"); a township's by the township itself or by the county; the county's by the county. ADMIN requests none.
 */
export const EXIT_REQUESTERS: Readonly<Record<ExitLevel, readonly Role[]>> = {
  VILLAGE: ['TOWNSHIP'],
  TOWNSHIP: ['TOWNSHIP', 'COUNTY'],
  COUNTY: ['COUNTY'],
};

/** The county verifies, resolves the publicity's objections and announces, at every level; it also cancels. */
export const EXIT_DECIDER: Role = 'COUNTY';

/** Who may record an objection during the publicity: officials of the unit, above it or inside it. */
export const EXIT_OBJECTION_FILERS: readonly Role[] = ['VILLAGE', 'TOWNSHIP', 'COUNTY'];

/** Who acts at each open step. */
export const EXIT_STAGE_ACTOR: Readonly<Record<OpenExitStage, Role>> = {
  COUNTY_VERIFICATION: 'COUNTY',
  PUBLICITY: 'COUNTY',
  ANNOUNCEMENT: 'COUNTY',
};

/** An official acts on a unit inside their jurisdiction (codes nest by prefix). */
export function exitInScope(scopeCode: string, code: string): boolean {
  return code.startsWith(scopeCode);
}

/** An official may read an exit of a unit inside their jurisdiction or of one that contains it. */
export function exitVisible(scopeCode: string, code: string): boolean {
  return code.startsWith(scopeCode) || scopeCode.startsWith(code);
}

// ---- Figures and eligibility ------------------------------------------------------------------

/** What a village's exit is judged on (read when it is requested; recorded with it). */
export interface VillageExitFigures {
  level: 'VILLAGE';
  name: string;
  isPoor: boolean;
  exitedYear: number | null;
  /** Registered residents (户籍人口); null when unknown. */
  population: number | null;
  /** People in REGISTERED (still poor) households. */
  poorPopulation: number;
  /** poorPopulation ÷ population, rounded to 4 places; null when the population is unknown. */
  poorShare: number | null;
  threshold: number;
  /** Households of the registry (registered or exited): the pool the county's sample is drawn from. */
  households: number;
}

export interface TownshipExitFigures {
  level: 'TOWNSHIP';
  name: string;
  exitedYear: number | null;
  poorVillages: number;
  exitedVillages: number;
  /** Poor villages not yet out of poverty (codes). */
  villagesNotExited: string[];
  population: number | null;
  poorPopulation: number;
  poorShare: number | null;
  households: number;
}

export interface CountyExitFigures {
  level: 'COUNTY';
  name: string;
  exitedYear: number | null;
  townships: number;
  exitedTownships: number;
  townshipsNotExited: string[];
  poorVillages: number;
  exitedVillages: number;
  population: number | null;
  poorPopulation: number;
  poorShare: number | null;
  households: number;
  /** The county's accuracy figures of the exit's year (错退率, 漏评率, 群众认可度), pooled over its townships. */
  accuracy?: AccuracyFigures;
}

export type ExitFigures = VillageExitFigures | TownshipExitFigures | CountyExitFigures;

/** One reason a unit may not exit, naming the field of the request it concerns. */
export interface ExitRefusal {
  path: string;
  message: string;
}

const percent = (share: number) => `${Math.round(share * 10_000) / 100} %`;
const listed = (codes: string[]) => (codes.length > 10 ? `${codes.slice(0, 10).join(', ')}, …` : codes.join(', '));

/**
 * Why the unit may not exit now (empty: it may). A poor village exits when its poor share is below the threshold
 * (贫困发生率, DOMAIN.md: 3 % in western regions); a township when every poor village of it has exited; the county
 * when every township has. A unit exits once.
 */
export function exitRefusals(figures: ExitFigures, threshold: number): ExitRefusal[] {
  const out: ExitRefusal[] = [];
  if (figures.exitedYear !== null) {
    out.push({ path: 'code', message: `${figures.name} already exited poverty in ${figures.exitedYear}` });
  }
  switch (figures.level) {
    case 'VILLAGE':
      if (!figures.isPoor) out.push({ path: 'code', message: `${figures.name} is not a poor village` });
      if (figures.poorShare === null) {
        out.push({ path: 'code', message: `the population of ${figures.name} is unknown, so its poor share is too` });
      } else if (figures.poorShare >= threshold) {
        out.push({
          path: 'code',
          message: `the poor share of ${figures.name} is ${percent(figures.poorShare)}, not below the threshold ${percent(threshold)}`,
        });
      }
      break;
    case 'TOWNSHIP':
      if (figures.villagesNotExited.length > 0) {
        out.push({
          path: 'code',
          message: `${figures.villagesNotExited.length} poor village(s) of ${figures.name} have not exited: ${listed(figures.villagesNotExited)}`,
        });
      }
      break;
    case 'COUNTY':
      if (figures.townshipsNotExited.length > 0) {
        out.push({
          path: 'code',
          message: `${figures.townshipsNotExited.length} township(s) of ${figures.name} have not exited: ${listed(figures.townshipsNotExited)}`,
        });
      }
      break;
  }
  return out;
}

/** A share rounded to 4 places (as recorded), or null when the population is unknown. */
export function roundedShare(poor: number, population: number | null): number | null {
  if (population === null || population <= 0) return null;
  return Math.round((poor / population) * 10_000) / 10_000;
}

// ---- Policy and rules -------------------------------------------------------------------------

export interface ExitPolicy {
  /** The publicity's period, e.g. "7 days"; at least the captured minimum. */
  publicityPeriod: string;
  /** Time the county has to act on a step (orders its task list). */
  stageDeadline: string;
}

export const DEFAULT_EXIT_POLICY: ExitPolicy = { publicityPeriod: '7 days', stageDeadline: '30 days' };

/** The rules of the day the exit was requested, captured into its input (the workflow never reads settings). */
export interface ExitRules {
  /** MIN_PUBLICITY_PERIOD. */
  minPublicityPeriod: string;
  /** COUNTY_SAMPLE_SHARE: the share of the unit's households the county re-checks (at least 0.1). */
  sampleShare: number;
  /** EXIT_POOR_SHARE_THRESHOLD. */
  exitPoorShareThreshold: number;
}

/** True when the policy's publicity is shorter than the rules' minimum. */
export function publicityBelowMinimum(policy: ExitPolicy, rules: ExitRules): boolean {
  return (parseDuration(policy.publicityPeriod) ?? 0) < (parseDuration(rules.minPublicityPeriod) ?? 0);
}

export interface ExitInput {
  exitId: string;
  level: ExitLevel;
  code: string;
  /** The township of the unit (the township itself; absent for the county). */
  townshipCode?: string;
  year: number;
  policy: ExitPolicy;
  rules: ExitRules;
  requestedBy: Actor;
}

// ---- The county's re-check ------------------------------------------------------------------------

export interface ExitCheck {
  householdId: string;
  finding: ExitFinding;
  note?: string;
}

/**
 * What is wrong with the county's verification against the drawn sample: `missing` sampled households without a
 * re-check, `unknown` re-checks of households not in the sample, `notMet` households found NOT_MET (an APPROVE with
 * any of these is refused; a REJECT needs none of them to be complete).
 */
export function verificationProblems(
  sample: readonly string[],
  findings: readonly ExitCheck[],
): { missing: string[]; unknown: string[]; notMet: string[]; duplicated: string[] } {
  const inSample = new Set(sample);
  const seen = new Set<string>();
  const duplicated: string[] = [];
  for (const f of findings) {
    if (seen.has(f.householdId)) duplicated.push(f.householdId);
    seen.add(f.householdId);
  }
  return {
    missing: sample.filter((id) => !seen.has(id)),
    unknown: findings.filter((f) => !inSample.has(f.householdId)).map((f) => f.householdId),
    notMet: findings.filter((f) => f.finding === 'NOT_MET').map((f) => f.householdId),
    duplicated,
  };
}

/** Why an APPROVE may not be accepted (empty: it may), as field errors. */
export function approvalProblems(sample: readonly string[], findings: readonly ExitCheck[]): ExitRefusal[] {
  const p = verificationProblems(sample, findings);
  return [
    ...p.missing.map((id) => ({ path: 'findings', message: `sampled household ${id} has no re-check` })),
    ...p.unknown.map((id) => ({ path: 'findings', message: `household ${id} is not in the drawn sample` })),
    ...p.duplicated.map((id) => ({ path: 'findings', message: `household ${id} is re-checked twice` })),
    ...p.notMet.map((id) => ({
      path: 'findings',
      message: `household ${id} was found NOT_MET: the exit cannot be approved (reject it instead)`,
    })),
  ];
}

// ---- Messages, state and steps ----------------------------------------------------------------

export interface ExitVerificationUpdate {
  actor: Actor;
  decision: 'APPROVE' | 'REJECT';
  note: string;
  findings: ExitCheck[];
}

export interface ExitObjectionUpdate {
  actor: Actor;
  objectionId: string;
  objector: { name: string; contact?: string };
  reason: string;
}

/**
 * The county resolves an objection: DISMISSED keeps the publicity; UPHELD sends the exit back to the county's
 * verification (the county re-checks and approves again, which restarts the publicity, or rejects it).
 */
export interface ExitResolutionUpdate {
  actor: Actor;
  objectionId: string;
  decision: 'UPHELD' | 'DISMISSED';
  note: string;
}

export interface ExitAnnouncementUpdate {
  actor: Actor;
  note: string;
}

export interface ExitCancelUpdate {
  actor: Actor;
  reason: string;
}

export interface ExitDecisionResult {
  exitId: string;
  stage: ExitStage;
  status: ExitStatus;
  seq: number;
}

export interface ExitState {
  exitId: string;
  level: ExitLevel;
  code: string;
  year: number;
  stage: ExitStage;
  status: ExitStatus;
  seq: number;
  sample: string[];
  figures?: ExitFigures;
  stageEnteredAt: string;
  publicityEndsAt?: string;
  objections: { id: string; status: 'OPEN' | 'RESOLVING' | 'UPHELD' | 'DISMISSED' }[];
}

/** A notice as published: the publicity (公示) or the announcement (公告) of the exit. */
export interface ExitNotice {
  kind: 'PUBLICITY' | 'ANNOUNCEMENT';
  title: string;
  text: string;
  startsAt: string;
  endsAt: string | null;
}

/** One step of an exit, written in one transaction (activities/exits.ts applyExitStep), idempotent on its seq. */
export interface ExitStep {
  exitId: string;
  at: string;
  /** The first step creates the row. */
  create?: ExitInput & { figures: ExitFigures; sample: string[] };
  decision: {
    seq: number;
    stage: ExitStage;
    kind: string;
    actor?: Actor;
    decision?: string;
    note?: string;
    payload?: unknown;
  };
  exit?: {
    stage?: ExitStage;
    status?: ExitStatus;
    stageEnteredAt?: string;
    stageDeadline?: string | null;
    publicityEndsAt?: string | null;
    finished?: boolean;
  };
  newObjection?: { id: string; objectorName: string; objectorContact?: string; reason: string };
  resolveObjection?: { id: string; status: 'UPHELD' | 'DISMISSED'; note: string };
  /** The exit is announced: record the unit's exit year (once). */
  markExited?: { level: ExitLevel; code: string; year: number };
}

/** The notice of the publicity or announcement of a unit's exit (Chinese, as posted). */
export function exitNotice(
  kind: ExitNotice['kind'],
  input: Pick<ExitInput, 'level' | 'code' | 'year'>,
  figures: ExitFigures | undefined,
  startsAt: string,
  endsAt: string | null,
): ExitNotice {
  const name = figures?.name ?? input.code;
  const what = `${name}（${input.code}）${input.year}年脱贫退出`;
  const share =
    figures && figures.poorShare !== null ? `贫困发生率${Math.round(figures.poorShare * 10_000) / 100}%。` : '';
  return kind === 'PUBLICITY'
    ? {
        kind,
        title: `关于${what}的公示`,
        text: `经县级核查，${what}符合退出条件。${share}公示期自${startsAt.slice(0, 10)}至${endsAt?.slice(0, 10)}，如有异议，请向县扶贫开发领导小组办公室反映。`,
        startsAt,
        endsAt,
      }
    : {
        kind,
        title: `关于${what}的公告`,
        text: `经核查、公示无异议，${what}，特此公告。县扶贫开发领导小组办公室`,
        startsAt,
        endsAt,
      };
}
