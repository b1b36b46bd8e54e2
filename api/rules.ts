// The national rules a new round (or campaign) starts under: the API captures today's settings into its input
// (domain/round.ts RoundRules), after refusing a policy with a period shorter than MIN_PUBLICITY_PERIOD.
import { periodsBelowMinimum } from '../domain/procedure';
import type { RoundPolicy, RoundRules } from '../domain/round';
import { badRequest } from './problem';
import type { TCountyAnnouncement } from './schemas';

/** The settings rules are captured from: MIN_PUBLICITY_PERIOD and COUNTY_SAMPLE_SHARE. */
export type RulesSettings = Omit<RoundRules, 'version'>;

/** The version new rounds and campaigns start under: 3 checks proposals against the households' facts. */
export const CURRENT_RULES_VERSION = 3 as const;

/**
 * The rules of the current version from `settings`, or a 400 naming each period of `policy` below the minimum (nothing is
 * started). Without settings (tests and benchmarks that drive the procedure of version 1) no rules are captured.
 */
export function captureRules(settings: RulesSettings | undefined, policy: RoundPolicy): RoundRules | undefined {
  if (!settings) return undefined;
  const short = periodsBelowMinimum(policy, settings.minPublicityPeriod);
  if (short.length > 0) {
    const min = `MIN_PUBLICITY_PERIOD (${settings.minPublicityPeriod})`;
    throw badRequest(
      `policy.${short.join(' and policy.')} must be at least the minimum publicity period ${min}.`,
      short.map((field) => ({ path: `policy.${field}`, message: `shorter than ${min}` })),
    );
  }
  return {
    version: CURRENT_RULES_VERSION,
    minPublicityPeriod: settings.minPublicityPeriod,
    countySampleShare: settings.countySampleShare,
  };
}

/**
 * The county's ANNOUNCE must cover the round's drawn sample with spot checks, and reject what a spot check did not
 * confirm: a 400 listing the proposals, before anything reaches the round (which checks the same in its validator).
 */
export function checkSpotChecks(round: { stage: string; countySample: string[] }, body: TCountyAnnouncement): void {
  if (body.decision !== 'ANNOUNCE' || round.stage !== 'COUNTY_ANNOUNCEMENT') return;
  const checked = new Set((body.spotChecks ?? []).map((v) => v.proposalId));
  const rejected = new Set((body.rejected ?? []).map((r) => r.proposalId));
  const missing = round.countySample.filter((id) => !checked.has(id));
  if (missing.length > 0) {
    throw badRequest(
      `spotChecks must cover every proposal of the county's sample; missing: ${missing.join(', ')}.`,
      missing.map((id) => ({ path: 'spotChecks', message: `no spot check of sampled proposal ${id}` })),
    );
  }
  const unconfirmed = (body.spotChecks ?? []).filter(
    (v) => v.finding === 'NOT_CONFIRMED' && !rejected.has(v.proposalId),
  );
  if (unconfirmed.length > 0) {
    throw badRequest(
      `A proposal not confirmed on its spot check must be rejected (or the round returned): ${unconfirmed.map((v) => v.proposalId).join(', ')}.`,
      unconfirmed.map((v) => ({ path: 'rejected', message: `proposal ${v.proposalId} was NOT_CONFIRMED` })),
    );
  }
}
