// A household's facts (家庭成员, 人均纯收入, 两不愁三保障) and the rules that read them against the poverty line of
// each year: whether a household is stably above the line (an exit because the standard is reached), and whether
// its facts support an entry. Pure: the API checks a proposal with these functions against the database's facts,
// attaches what it checked to the proposal (`FactsEvidence`), and the round's validators check that evidence again.

export const SEXES = ['MALE', 'FEMALE'] as const;
export type Sex = (typeof SEXES)[number];

export const HEALTH_STATUSES = ['HEALTHY', 'CHRONIC_ILLNESS', 'SERIOUS_ILLNESS', 'DISABLED'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export const SCHOOLINGS = ['NONE', 'PRESCHOOL', 'PRIMARY', 'JUNIOR_SECONDARY', 'SENIOR_SECONDARY', 'TERTIARY'] as const;
export type Schooling = (typeof SCHOOLINGS)[number];

export const LABOUR_ABILITIES = ['FULL', 'PARTIAL', 'NONE'] as const;
export type LabourAbility = (typeof LABOUR_ABILITIES)[number];

export const MEMBER_RELATIONS = [
  'HEAD',
  'SPOUSE',
  'CHILD',
  'CHILD_IN_LAW',
  'GRANDCHILD',
  'PARENT',
  'GRANDPARENT',
  'SIBLING',
  'OTHER',
] as const;
export type MemberRelation = (typeof MEMBER_RELATIONS)[number];

/** The "two assurances, three guarantees" (两不愁三保障), with safe drinking water as most provinces add it. */
export const INDICATORS = ['foodClothing', 'education', 'medical', 'housing', 'drinkingWater'] as const;
export type Indicator = (typeof INDICATORS)[number];

export const INDICATOR_LABELS: Record<Indicator, string> = {
  foodClothing: '不愁吃不愁穿',
  education: '义务教育有保障',
  medical: '基本医疗有保障',
  housing: '住房安全有保障',
  drinkingWater: '饮水安全有保障',
};

export interface Member {
  name: string;
  relation: MemberRelation;
  /** Personal data: never logged. Absent for a member without one (a young child not yet registered). */
  idNumber?: string;
  birthYear: number;
  sex: Sex;
  health: HealthStatus;
  schooling: Schooling;
  labour: LabourAbility;
}

/** Yearly per-capita net income (人均纯收入), yuan. */
export interface Income {
  year: number;
  perCapita: number;
}

export type Indicators = Record<Indicator, boolean> & { /** YYYY-MM-DD */ assessedOn: string };

/** A household's facts, as a proposal for a new household carries them or a PUT replaces them (by section). */
export interface HouseholdFacts {
  members?: Member[];
  incomes?: Income[];
  indicators?: Indicators;
}

/** The poverty line of a year (yuan per person, that year's prices). */
export interface PovertyLineFigure {
  year: number;
  perCapita: number;
}

/**
 * What the API checked a proposal against, attached to the proposal it sends to the round: each recorded income
 * with its year's line (null: no line for that year), and the indicators (null: never assessed).
 */
export interface FactsEvidence {
  incomes: { year: number; perCapita: number; line: number | null }[];
  indicators: Indicators | null;
}

/** One reason the facts do not support a proposal: `path` names the fact (`incomes.2020`, `indicators.housing`). */
export interface FactProblem {
  path: string;
  reason: string;
}

/** The evidence for a household's facts under `lines`: incomes by year, each with its year's line. */
export function evidenceOf(
  facts: { incomes?: readonly Income[]; indicators?: Indicators | null },
  lines: readonly PovertyLineFigure[],
): FactsEvidence {
  const lineOf = new Map(lines.map((l) => [l.year, l.perCapita]));
  return {
    incomes: [...(facts.incomes ?? [])]
      .sort((a, b) => a.year - b.year)
      .map((i) => ({ year: i.year, perCapita: i.perCapita, line: lineOf.get(i.year) ?? null })),
    indicators: facts.indicators ?? null,
  };
}

/** The last `n` recorded years, latest last. */
function lastYears(evidence: FactsEvidence, n: number) {
  return [...evidence.incomes].sort((a, b) => a.year - b.year).slice(-n);
}

const yuan = (n: number) => `${n} 元`;

/**
 * Stably above the line (收入稳定超过贫困线): the last two recorded years each above their year's line (the last one
 * if only one is recorded). A year without a line cannot be told: it is a problem naming the missing year.
 */
export function stablyAboveLine(evidence: FactsEvidence): FactProblem[] {
  const years = lastYears(evidence, 2);
  if (years.length === 0) return [{ path: 'incomes', reason: 'no income is recorded' }];
  return years.flatMap((y): FactProblem[] => {
    if (y.line === null)
      return [
        { path: `incomes.${y.year}`, reason: `no poverty line for ${y.year}: cannot tell (the county enters it)` },
      ];
    if (y.perCapita <= y.line)
      return [
        {
          path: `incomes.${y.year}`,
          reason: `per-capita income ${yuan(y.perCapita)} is not above the ${y.year} line of ${yuan(y.line)}`,
        },
      ];
    return [];
  });
}

/** The indicators not met (all five when never assessed: nothing shows them met). */
export function indicatorsUnmet(indicators: Indicators | null): Indicator[] {
  if (!indicators) return [...INDICATORS];
  return INDICATORS.filter((k) => !indicators[k]);
}

/**
 * An EXIT because the standard is reached (REACHED_STANDARD) needs income stably above the line and all five
 * indicators met: what fails, or nothing.
 */
export function exitProblems(evidence: FactsEvidence): FactProblem[] {
  const problems = stablyAboveLine(evidence);
  if (!evidence.indicators) problems.push({ path: 'indicators', reason: 'the indicators have not been assessed' });
  else
    for (const k of indicatorsUnmet(evidence.indicators)) problems.push({ path: `indicators.${k}`, reason: 'not met' });
  return problems;
}

/**
 * An ENTER needs income below the line in the last recorded year or an indicator unmet: when neither shows, what
 * the facts say instead (an override with a reason is the only other way in).
 */
export function entryProblems(evidence: FactsEvidence): FactProblem[] {
  const [last] = lastYears(evidence, 1);
  if (last && last.line !== null && last.perCapita < last.line) return [];
  if (evidence.indicators && indicatorsUnmet(evidence.indicators).length > 0) return [];
  const income: FactProblem = !last
    ? { path: 'incomes', reason: 'no income is recorded' }
    : last.line === null
      ? { path: `incomes.${last.year}`, reason: `no poverty line for ${last.year}: cannot tell (the county enters it)` }
      : {
          path: `incomes.${last.year}`,
          reason: `per-capita income ${yuan(last.perCapita)} is not below the ${last.year} line of ${yuan(last.line)}`,
        };
  const indicators: FactProblem = evidence.indicators
    ? { path: 'indicators', reason: 'all five indicators are met' }
    : { path: 'indicators', reason: 'the indicators have not been assessed' };
  return [income, indicators];
}

/** Whether the rules of version 3 check this proposal against the facts: an EXIT as REACHED_STANDARD, an ENTER. */
export function needsFacts(p: { action: string; exitReason?: string }): boolean {
  return p.action === 'ENTER' || (p.action === 'EXIT' && p.exitReason === 'REACHED_STANDARD');
}

/**
 * Under the rules of version 3, what the evidence attached to a proposal fails: an EXIT as REACHED_STANDARD needs
 * exitProblems() empty, an ENTER entryProblems() empty unless it carries an override. Empty: nothing fails.
 */
export function proposalFactsProblems(p: {
  action: string;
  exitReason?: string;
  evidence?: FactsEvidence;
  override?: { reason: string };
}): FactProblem[] {
  if (!needsFacts(p) || (p.action === 'ENTER' && p.override)) return [];
  if (!p.evidence) return [{ path: 'evidence', reason: 'the facts the proposal was checked against are missing' }];
  return p.action === 'EXIT' ? exitProblems(p.evidence) : entryProblems(p.evidence);
}

/** Problems as one sentence (a refusal's message): facts and figures only, never a name or an ID number. */
export function describeProblems(problems: readonly FactProblem[]): string {
  return problems.map((p) => `${p.path}: ${p.reason}`).join('; ');
}

// ---- What changed: the facts' history ------------------------------------------------------------

/** One field-level change of a household's facts (ID numbers masked before they are stored). */
export interface FactChange {
  /** `members.2.health`, `incomes.2020`, `indicators.housing`, … */
  path: string;
  from: string | number | boolean | null;
  to: string | number | boolean | null;
}

type Scalar = string | number | boolean | null;

function flatten(prefix: string, value: Record<string, unknown>, out: Map<string, Scalar>) {
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out.set(`${prefix}.${k}`, v as Scalar);
  }
}

/** Facts as path → value: members by position (1-based), incomes by year, indicators by name. */
export function flattenFacts(facts: HouseholdFacts): Map<string, Scalar> {
  const out = new Map<string, Scalar>();
  facts.members?.forEach((m, i) => flatten(`members.${i + 1}`, { ...m, idNumber: m.idNumber ?? null }, out));
  for (const income of facts.incomes ?? []) out.set(`incomes.${income.year}`, income.perCapita);
  if (facts.indicators) flatten('indicators', facts.indicators, out);
  return out;
}

/**
 * The field-level difference between the facts before and after, for the sections `after` gives (a section it
 * leaves out is unchanged). ID numbers are compared in full but recorded masked.
 */
export function factsDiff(
  before: HouseholdFacts,
  after: HouseholdFacts,
  mask: (idNumber: string) => string,
): FactChange[] {
  const changes: FactChange[] = [];
  for (const section of ['members', 'incomes', 'indicators'] as const) {
    if (after[section] === undefined) continue;
    const [a, b] = [flattenFacts({ [section]: before[section] }), flattenFacts({ [section]: after[section] })];
    const shown = (path: string, v: Scalar | undefined) =>
      v === undefined ? null : path.endsWith('.idNumber') && typeof v === 'string' ? mask(v) : v;
    for (const path of new Set([...a.keys(), ...b.keys()])) {
      if (a.get(path) !== b.get(path))
        changes.push({ path, from: shown(path, a.get(path)), to: shown(path, b.get(path)) });
    }
  }
  return changes;
}
