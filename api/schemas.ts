import { z } from 'zod';
import { ZPage } from './pagination';
import { parseDuration } from '../domain/duration';
import {
  CATEGORIES,
  CAUSES,
  ENTRY_REASONS,
  EXIT_REASONS,
  HOUSEHOLD_STATUSES,
  PROPOSAL_ACTIONS,
  ROUND_STATUSES,
  STAGES,
  VISIT_FINDINGS,
} from '../domain/enums';
import { ZFacts, ZOverride } from './facts-schemas';
import { count, isoDate, text, ZIdNumber } from './schema-basics';
import { isQuorate, voteProblem } from '../domain/procedure';

export { text, ZIdNumber } from './schema-basics';

export const ZVillageCode = z
  .string()
  .regex(/^\d{12}$/, 'must be a 12-digit village code')
  .meta({ examples: ['620522100201'] });
export const ZTownshipCode = z
  .string()
  .regex(/^\d{9}$/, 'must be a 9-digit township code')
  .meta({ examples: ['620522100'] });
export const ZUuid = z.string().uuid('must be a UUID');
export const ZIdempotencyKey = z
  .string()
  .regex(/^[\x20-\x7E]{1,200}$/, 'must be 1 to 200 printable ASCII characters')
  .meta({ examples: ['5f0c6c1e-assessment-1'] });

export const duration = (min: number, max: number) =>
  z
    .string()
    .max(40)
    .refine(
      (v) => {
        const ms = parseDuration(v);
        return ms !== null && ms >= min && ms <= max;
      },
      `must be a duration such as "7 days" or "2s", between ${min / 1000} s and ${max / 86_400_000} days`,
    );

export const ZPolicy = z
  .object({
    publicityPeriod: duration(1000, 90 * 86_400_000).optional(),
    stageDeadline: duration(1000, 365 * 86_400_000).optional(),
    announcementPeriod: duration(1000, 90 * 86_400_000)
      .optional()
      .meta({ description: 'The county announcement period (公告期); default: publicityPeriod.' }),
  })
  .strict();

export const ZStartRound = z.object({ villageCode: ZVillageCode, policy: ZPolicy.optional() }).strict();
export type TStartRound = z.infer<typeof ZStartRound>;

const ZNewHousehold = z
  .object({ headName: text(50), idNumber: ZIdNumber, size: z.number().int().min(1).max(30) })
  .strict();

type Issue = (path: string, message: string) => void;
const issuer =
  (ctx: z.RefinementCtx): Issue =>
  (path, message) =>
    ctx.addIssue({ code: 'custom', path: [path], message });

/** `facts` belong to a new household (an existing one's are PUT first), `override` to an ENTER. */
function factsAndOverride(
  p: {
    action?: string;
    household?: { idNumber: string; size: number };
    facts?: { members?: { idNumber?: string }[] };
    override?: unknown;
  },
  issue: Issue,
) {
  if (p.facts !== undefined && p.household === undefined)
    issue('facts', "facts come with a new household; record an existing household's with PUT /households/{id}/facts");
  const members = p.facts?.members;
  if (p.household && members) {
    if (members.length !== p.household.size)
      issue('facts', `members lists ${members.length} people; household.size is ${p.household.size}`);
    if (members[0]?.idNumber !== p.household.idNumber)
      issue('facts', "the head (members.0) carries the household's ID number");
  }
  if (p.override !== undefined && p.action !== undefined && p.action !== 'ENTER')
    issue('override', 'only an ENTER takes an override');
}

/** An existing household (householdId) or a new one (household, which can only enter): exactly one. */
function oneHousehold(p: { householdId?: string; household?: unknown }, issue: Issue) {
  if ((p.householdId === undefined) === (p.household === undefined)) {
    issue('householdId', 'give exactly one of householdId (existing household) or household (new, ENTER only)');
  }
}

export const ZProposal = z
  .object({
    action: z.enum(PROPOSAL_ACTIONS),
    householdId: ZUuid.optional(),
    household: ZNewHousehold.optional(),
    category: z.enum(CATEGORIES).optional(),
    cause: z.enum(CAUSES).optional(),
    entryReason: z.enum(ENTRY_REASONS).optional(),
    exitReason: z.enum(EXIT_REASONS).optional(),
    householdConsent: z.object({ signedOn: isoDate }).strict().optional(),
    facts: ZFacts.optional().meta({
      description: 'ENTER of a new household: its facts, the evidence of its entry, written to the registry with it.',
    }),
    override: ZOverride.optional().meta({
      description: 'ENTER only: admit the household although its facts show no need, with the reason.',
    }),
    votesFor: count,
    votesAgainst: count,
    note: z.string().trim().max(1000).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const issue = issuer(ctx);
    oneHousehold(p, issue);
    if (p.household && p.action !== 'ENTER') issue('household', 'a new household can only ENTER');
    factsAndOverride(p, issue);
    if (p.action === 'ENTER') {
      if (!p.category) issue('category', 'ENTER needs a category');
      if (!p.cause) issue('cause', 'ENTER needs a cause');
      if (!p.entryReason) issue('entryReason', `ENTER needs an entryReason: ${ENTRY_REASONS.join(', ')}`);
      if (p.exitReason) issue('exitReason', 'ENTER takes no exitReason');
    } else if (p.entryReason) issue('entryReason', `${p.action} takes no entryReason`);
    if (p.action === 'EXIT') {
      if (!p.exitReason) issue('exitReason', 'EXIT needs an exitReason');
      if (p.category || p.cause) issue('category', 'EXIT takes no category or cause');
      if (p.exitReason === 'REACHED_STANDARD' && !p.householdConsent)
        issue('householdConsent', "a REACHED_STANDARD exit needs the household's signed agreement: {signedOn}");
      if (p.exitReason === 'NATURAL_DECREASE' && !p.note)
        issue('note', 'a NATURAL_DECREASE exit needs a note saying what happened (death, moving away)');
    }
    if (p.householdConsent && p.exitReason !== 'REACHED_STANDARD')
      issue('householdConsent', 'only a REACHED_STANDARD exit takes householdConsent');
    if (p.action === 'RECLASSIFY') {
      if (!p.category) issue('category', 'RECLASSIFY needs the new category');
      if (p.exitReason) issue('exitReason', 'RECLASSIFY takes no exitReason');
    }
  });

export const ZAssessment = z
  .object({
    meeting: z
      .object({
        heldOn: isoDate,
        representativesPresent: count,
        representativesTotal: z.number().int().min(1).max(100_000),
      })
      .strict()
      .superRefine((m, ctx) => {
        if (m.representativesPresent > m.representativesTotal) {
          ctx.addIssue({
            code: 'custom',
            path: ['representativesPresent'],
            message: 'cannot exceed representativesTotal',
          });
        } else if (!isQuorate(m)) {
          ctx.addIssue({
            code: 'custom',
            path: ['representativesPresent'],
            message: 'quorum not reached: at least two thirds of the representatives must be present',
          });
        }
      }),
    /** The meeting concluded that nothing changes: proposals must then be empty. */
    noChange: z.boolean().optional(),
    proposals: z.array(ZProposal).max(500),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.noChange && a.proposals.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['proposals'], message: 'a noChange assessment proposes nothing' });
    }
    if (!a.noChange && a.proposals.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['proposals'],
        message: 'at least one proposal (or noChange: true when the meeting concluded that nothing changes)',
      });
    }
    a.proposals.forEach((p, i) => {
      const problem = voteProblem(p, a.meeting.representativesPresent);
      if (problem) ctx.addIssue({ code: 'custom', path: ['proposals', i, 'votesFor'], message: problem });
    });
  });
export type TAssessment = z.infer<typeof ZAssessment>;

export const ZObjection = z
  .object({
    proposalId: ZUuid.optional(),
    objector: z.object({ name: text(50), contact: z.string().trim().max(100).optional() }).strict(),
    reason: text(2000),
  })
  .strict();
export type TObjection = z.infer<typeof ZObjection>;

/** A household visit: the township's verification (入户核查) or the county's spot check (抽查) of one proposal. */
export const ZVisit = z
  .object({
    proposalId: ZUuid,
    visitedOn: isoDate,
    visitedBy: text(50).meta({ description: 'The visiting officer; the submitting official is recorded too.' }),
    finding: z.enum(VISIT_FINDINGS),
    note: z.string().trim().max(2000).optional(),
  })
  .strict()
  .meta({ id: 'Visit' });
export type TVisit = z.infer<typeof ZVisit>;

/** A missed household an upheld objection adds: a proposal as in the assessment, ENTER, without votes. */
export const ZAddition = z
  .object({
    householdId: ZUuid.optional(),
    household: ZNewHousehold.optional(),
    category: z.enum(CATEGORIES),
    cause: z.enum(CAUSES),
    note: z.string().trim().max(1000).optional(),
    facts: ZFacts.optional(),
    override: ZOverride.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    oneHousehold(p, issuer(ctx));
    factsAndOverride(p, issuer(ctx));
  });

export const ZResolution = z
  .object({
    decision: z.enum(['UPHELD', 'DISMISSED']),
    note: text(2000),
    withdrawProposal: z.boolean().optional(),
    amend: z
      .object({ proposalId: ZUuid, category: z.enum(CATEGORIES).optional(), cause: z.enum(CAUSES).optional() })
      .strict()
      .refine((a) => a.category !== undefined || a.cause !== undefined, 'amend needs a category or a cause')
      .optional(),
    add: ZAddition.optional(),
    /** During the second publicity, the township's visit to the amended or added household. */
    verification: ZVisit.omit({ proposalId: true }).optional(),
    returnTo: z
      .literal('TOWNSHIP_REVIEW')
      .optional()
      .meta({ description: 'Announcement period only: the county upholds and returns the round to the township.' }),
  })
  .strict()
  .superRefine((r, ctx) => {
    const issue = issuer(ctx);
    const changes = (['withdrawProposal', 'amend', 'add', 'returnTo'] as const).filter(
      (k) => r[k] !== undefined && r[k] !== false,
    );
    if (changes.length > 1) issue(changes[1]!, `one change per resolution: ${changes.join(' and ')} given`);
    if (changes.length > 0 && r.decision !== 'UPHELD') issue(changes[0]!, 'only an upheld objection changes the list');
    if (r.verification && !r.amend && !r.add) issue('verification', 'a visit belongs to an amend or an add');
  });
export type TResolution = z.infer<typeof ZResolution>;

export const ZTownshipReview = z
  .object({
    decision: z.enum(['APPROVE', 'RETURN']),
    rejected: z
      .array(z.object({ proposalId: ZUuid, reason: text(1000) }).strict())
      .max(500)
      .optional(),
    /** APPROVE: a visit (入户核查) for every proposal not rejected. */
    verification: z.array(ZVisit).max(500).optional(),
    note: text(2000),
  })
  .strict();
export type TTownshipReview = z.infer<typeof ZTownshipReview>;

export const ZCountyAnnouncement = z
  .object({
    decision: z.enum(['ANNOUNCE', 'RETURN']),
    returnTo: z.enum(['TOWNSHIP_REVIEW', 'VILLAGE_ASSESSMENT']).optional(),
    spotChecks: z
      .array(ZVisit)
      .max(500)
      .optional()
      .meta({ description: 'ANNOUNCE: a spot check of every proposal in the round’s countySample.' }),
    rejected: z
      .array(z.object({ proposalId: ZUuid, reason: text(1000) }).strict())
      .max(500)
      .optional()
      .meta({ description: 'ANNOUNCE: single proposals the county rejects; a NOT_CONFIRMED spot check must be one.' }),
    note: text(2000),
  })
  .strict();
export type TCountyAnnouncement = z.infer<typeof ZCountyAnnouncement>;

export const ZCancel = z.object({ reason: text(2000) }).strict();

/** GET /rounds' query, made once (a schema built per request is compiled per request by zod). */
export const ZRoundListQuery = ZPage.extend({
  village: ZVillageCode.optional(),
  township: ZTownshipCode.optional(),
  stage: z.enum(STAGES).optional(),
  status: z.enum(ROUND_STATUSES).optional(),
});

/** GET /households' query. */
export const ZHouseholdListQuery = ZPage.extend({
  village: ZVillageCode.optional(),
  status: z.enum(HOUSEHOLD_STATUSES).optional(),
  category: z.enum(CATEGORIES).optional(),
});
