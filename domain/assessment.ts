// The three figures the county is examined on (DOMAIN.md, 督查考核): wrongly exited 错退率 ≤ 2 %, missed 漏评率
// ≤ 2 %, villagers' approval 群众认可度 ≥ 90 %; the random draw of a verification sample; what counts as
// "wrongly exited" in a round's county spot check. Pure code shared by the API and activities (infra/assessment.ts
// reads the counts).
import type { ProposalAction, VisitFinding } from './enums';

export const VERIFICATION_KINDS = ['EXITED', 'NOT_REGISTERED'] as const;
export type VerificationKind = (typeof VERIFICATION_KINDS)[number];

export const VERIFICATION_FINDINGS = ['CONFIRMED', 'WRONGLY_EXITED', 'MISSED_POOR'] as const;
export type VerificationFinding = (typeof VERIFICATION_FINDINGS)[number];

/** The finding other than CONFIRMED that each kind of sample may record: a missed household is no wrong exit. */
export const FINDING_OF_KIND: Record<VerificationKind, Exclude<VerificationFinding, 'CONFIRMED'>> = {
  EXITED: 'WRONGLY_EXITED',
  NOT_REGISTERED: 'MISSED_POOR',
};

/** Does `finding` fit a sample of `kind`? CONFIRMED fits both. */
export function findingFits(kind: VerificationKind, finding: VerificationFinding): boolean {
  return finding === 'CONFIRMED' || FINDING_OF_KIND[kind] === finding;
}

export const FIGURES = ['wronglyExited', 'missed', 'approval'] as const;
export type FigureName = (typeof FIGURES)[number];

export interface Threshold {
  label: string;
  /** AT_MOST: the rate passes when ≤ percent; AT_LEAST: when ≥ percent. */
  comparison: 'AT_MOST' | 'AT_LEAST';
  /** Whole percent, so that pass/fail is decided in integers (no floating point at the boundary). */
  percent: number;
}

export const ACCURACY_THRESHOLDS: Record<FigureName, Threshold> = {
  wronglyExited: { label: '错退率', comparison: 'AT_MOST', percent: 2 },
  missed: { label: '漏评率', comparison: 'AT_MOST', percent: 2 },
  approval: { label: '群众认可度', comparison: 'AT_LEAST', percent: 90 },
};

/** A numerator over a denominator (e.g. households found wrongly exited over exits checked). */
export interface Ratio {
  numerator: number;
  denominator: number;
}

export type AccuracyCounts = Record<FigureName, Ratio>;

export interface Figure extends Ratio, Threshold {
  /** numerator ÷ denominator, or null when nothing was checked (no data: neither a pass nor a fail). */
  rate: number | null;
  pass: boolean | null;
}

export type AccuracyFigures = Record<FigureName, Figure>;

export const NO_COUNTS: AccuracyCounts = {
  wronglyExited: { numerator: 0, denominator: 0 },
  missed: { numerator: 0, denominator: 0 },
  approval: { numerator: 0, denominator: 0 },
};

/** One figure against its threshold. */
export function figure(name: FigureName, { numerator, denominator }: Ratio): Figure {
  const t = ACCURACY_THRESHOLDS[name];
  if (denominator <= 0) return { ...t, numerator, denominator, rate: null, pass: null };
  // numerator / denominator ≤ percent / 100, in integers.
  const pass =
    t.comparison === 'AT_MOST'
      ? numerator * 100 <= t.percent * denominator
      : numerator * 100 >= t.percent * denominator;
  return { ...t, numerator, denominator, rate: numerator / denominator, pass };
}

export function figuresOf(c: AccuracyCounts): AccuracyFigures {
  return {
    wronglyExited: figure('wronglyExited', c.wronglyExited),
    missed: figure('missed', c.missed),
    approval: figure('approval', c.approval),
  };
}

/** Sums numerators and denominators (a county's totals): rates are never averaged. */
export function poolCounts(all: readonly AccuracyCounts[]): AccuracyCounts {
  const sum = (name: FigureName): Ratio => ({
    numerator: all.reduce((s, c) => s + c[name].numerator, 0),
    denominator: all.reduce((s, c) => s + c[name].denominator, 0),
  });
  return { wronglyExited: sum('wronglyExited'), missed: sum('missed'), approval: sum('approval') };
}

/**
 * A round's county spot checks (抽查) as wrong exits: each EXIT proposal spot-checked is an exit checked, and one
 * the county's visit did NOT_CONFIRMED is an exit found wrongly made (the proposal is then rejected, but the
 * round got it wrong up to the county). Spot checks of ENTER and RECLASSIFY proposals do not count here.
 */
export function spotCheckRatio(checks: readonly { action: ProposalAction; finding: VisitFinding }[]): Ratio {
  const exits = checks.filter((c) => c.action === 'EXIT');
  return { numerator: exits.filter((c) => c.finding === 'NOT_CONFIRMED').length, denominator: exits.length };
}

/**
 * `size` distinct items of `population` drawn uniformly at random (a partial Fisher–Yates shuffle), in draw order.
 * `randomInt(n)` answers an integer in [0, n); the API passes node:crypto's, so nobody can choose or predict the draw.
 */
export function drawSample<T>(population: readonly T[], size: number, randomInt: (n: number) => number): T[] {
  if (!Number.isInteger(size) || size < 0 || size > population.length) {
    throw new RangeError(`cannot draw ${size} of ${population.length}`);
  }
  const pool = [...population];
  for (let i = 0; i < size; i++) {
    const j = i + randomInt(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, size);
}
