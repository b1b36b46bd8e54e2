// Types and pure rules of the identification round, shared by the workflow (validators), activities and API.
import type {
  Category,
  Cause,
  EntryReason,
  ExitReason,
  NoticeKind,
  ProposalAction,
  ProposalStatus,
  Role,
  Stage,
  VisitFinding,
} from './enums';
import type { FactsEvidence, HouseholdFacts } from './facts';

/** Who acted. Every decision carries one, so the trail says who decided. */
export interface Actor {
  id: string;
  name: string;
  role: Role;
  scopeCode: string;
}

export interface RoundPolicy {
  /** Temporal duration string, e.g. "7 days" or "2s". */
  publicityPeriod: string;
  /** Time an official has to act on a stage before a reminder is recorded. */
  stageDeadline: string;
  /** The county announcement's period (公告期), in which objections go to the county; default: publicityPeriod. */
  announcementPeriod?: string;
}

/**
 * The national rules of DOMAIN.md a round runs under, captured by the API when the round (or its campaign)
 * starts, from the settings of that day; the workflow never reads the environment. A round started before
 * these rules has none in its input and finishes under the rules it started with (version 1).
 */
export interface RoundRules {
  /**
   * 2: majority of those present, minimum periods, announcement period, verification, spot checks. 3: the same, and
   * proposals checked against the household's facts (an EXIT as REACHED_STANDARD, an ENTER: domain/facts.ts).
   */
  version: 2 | 3;
  /** MIN_PUBLICITY_PERIOD: the shortest publicity and announcement period accepted. */
  minPublicityPeriod: string;
  /** COUNTY_SAMPLE_SHARE: the share of approved proposals the county spot-checks (at least 0.1). */
  countySampleShare: number;
}

export const DEFAULT_POLICY: RoundPolicy = { publicityPeriod: '7 days', stageDeadline: '14 days' };

export interface RoundInput {
  roundId: string;
  villageCode: string;
  townshipCode: string;
  roundNo: number;
  campaignId?: string;
  policy: RoundPolicy;
  startedBy: Actor;
  /** Absent in rounds started before the rules of version 2 (see rulesVersion). */
  rules?: RoundRules;
}

export interface NewHousehold {
  headName: string;
  idNumber: string;
  size: number;
}

export interface ProposalInput {
  id: string;
  action: ProposalAction;
  householdId?: string;
  household?: NewHousehold;
  category?: Category;
  cause?: Cause;
  /** ENTER: why the household enters (absent in proposals made before entry reasons existed). */
  entryReason?: EntryReason;
  exitReason?: ExitReason;
  /** A REACHED_STANDARD exit: the household's signed agreement (户认可). */
  householdConsent?: { signedOn: string };
  /** ENTER of a new household: its facts, written to the registry with it when the round applies the entry. */
  facts?: HouseholdFacts;
  /** Rules v3: what the API checked the proposal against; the round's validator checks it again. */
  evidence?: FactsEvidence;
  /** Rules v3: an ENTER the facts do not support, admitted with a reason (a supervision finding lists it). */
  override?: { reason: string };
  votesFor: number;
  votesAgainst: number;
  note?: string;
}

/** A missed household (漏评) added to the list by an upheld objection: an ENTER nobody voted on. */
export interface AddedProposal {
  id: string;
  action: 'ENTER';
  householdId?: string;
  household?: NewHousehold;
  category: Category;
  cause: Cause;
  entryReason: 'MISSED';
  note?: string;
  facts?: HouseholdFacts;
  evidence?: FactsEvidence;
  override?: { reason: string };
}

/** An upheld objection's correction of a proposal on the list: its category or cause. */
export interface Amendment {
  proposalId: string;
  category?: Category;
  cause?: Cause;
}

export interface Meeting {
  heldOn: string;
  representativesPresent: number;
  representativesTotal: number;
}

export interface AssessmentUpdate {
  actor: Actor;
  meeting: Meeting;
  proposals: ProposalInput[];
  /** The meeting concluded that nothing changes: the (empty) list is publicised like any other. */
  noChange?: boolean;
}

export interface ObjectionUpdate {
  actor: Actor;
  objectionId: string;
  proposalId?: string;
  objector: { name: string; contact?: string };
  reason: string;
}

export interface ResolutionUpdate {
  actor: Actor;
  objectionId: string;
  decision: 'UPHELD' | 'DISMISSED';
  note: string;
  withdrawProposal?: boolean;
  /** During the announcement period (rules of version 2): the county upholds and returns the round to the township. */
  returnTo?: 'TOWNSHIP_REVIEW';
  /** Rules v2, during a publicity: an upheld objection corrects a proposal's category or cause… */
  amend?: Amendment;
  /** …or adds the missed household it names. */
  add?: AddedProposal;
  /** During the second publicity: the township's visit to the amended or added household. */
  verification?: Visit;
}

export interface TownshipReviewUpdate {
  actor: Actor;
  decision: 'APPROVE' | 'RETURN';
  rejected?: { proposalId: string; reason: string }[];
  /** Rules v2: a visit for every proposal not rejected (earlier rounds recorded free text here). */
  verification?: Visit[];
  note: string;
}

/**
 * A household visit: the township's verification (入户核查) of a proposal, or the county's spot check (抽查) of one
 * drawn in its sample. The official who submits it is the decision's actor; `visitedBy` is the visiting officer.
 */
export interface Visit {
  proposalId: string;
  visitedOn: string;
  visitedBy: string;
  finding: VisitFinding;
  note?: string;
}

export interface CountyAnnouncementUpdate {
  actor: Actor;
  decision: 'ANNOUNCE' | 'RETURN';
  returnTo?: 'TOWNSHIP_REVIEW' | 'VILLAGE_ASSESSMENT';
  /** Rules of version 2: a spot check of every proposal in the county's sample (RoundState.countySample). */
  spotChecks?: Visit[];
  /** Rules of version 2: single proposals the county rejects; the rest is announced. */
  rejected?: { proposalId: string; reason: string }[];
  note: string;
}

export interface CancelUpdate {
  actor: Actor;
  reason: string;
}

/** A supervision finding escalated to the round (see the sweep workflow). */
export interface SupervisionFindingSignal {
  findingId: string;
  kind: string;
  detail?: Record<string, unknown>;
}

/** What an accepted decision answers. */
export interface DecisionResult {
  roundId: string;
  stage: Stage;
  seq: number;
  noticeVersion?: number;
}

export interface ProposalState {
  id: string;
  action: ProposalAction;
  householdId?: string;
  status: ProposalStatus;
  assessmentNo: number;
}

export interface ObjectionState {
  id: string;
  proposalId?: string;
  status: 'OPEN' | 'RESOLVING' | 'UPHELD' | 'DISMISSED';
  noticeVersion: number;
}

/** The workflow's view of itself, answered by the state query. */
export interface RoundState {
  roundId: string;
  villageCode: string;
  townshipCode: string;
  stage: Stage;
  status: 'OPEN' | 'COMPLETED' | 'CANCELLED';
  assessmentNo: number;
  seq: number;
  noticeVersion: number;
  stageEnteredAt: string;
  stageDeadline: string;
  publicityEndsAt?: string;
  reminded: boolean;
  proposals: ProposalState[];
  objections: ObjectionState[];
  /** Supervision findings already recorded in the trail. */
  findings: string[];
  lastReturn?: { from: Stage; to: Stage; reason: string; at: string };
  /** Rules of version 2: the proposals the county must spot-check, drawn on entering COUNTY_ANNOUNCEMENT. */
  countySample?: string[];
}

// ---- Persistence contract: one transactional write per workflow step -------------------------------

export interface DecisionRecord {
  seq: number;
  stage: Stage;
  kind: string;
  actor?: Actor;
  decision?: string;
  note?: string;
  payload?: unknown;
}

export interface ProposalRecord extends Omit<ProposalInput, 'votesFor' | 'votesAgainst'> {
  assessmentNo: number;
  /** Absent for a household added by an upheld objection. */
  votesFor?: number;
  votesAgainst?: number;
  addedByObjectionId?: string;
}

/**
 * Everything one step of a round writes, applied in one database transaction. The decision's
 * (roundId, seq) is the idempotency key: a retried activity finds it and writes nothing twice.
 */
export interface Transition {
  roundId: string;
  at: string;
  decision: DecisionRecord;
  create?: RoundInput;
  round?: {
    stage?: Stage;
    status?: 'OPEN' | 'COMPLETED' | 'CANCELLED';
    stageEnteredAt?: string;
    stageDeadline?: string | null;
    publicityEndsAt?: string | null;
    overdueSince?: string | null;
    countySample?: string[];
  };
  newProposals?: ProposalRecord[];
  proposalStatus?: { ids: string[]; status: ProposalStatus; reason?: string }[];
  notice?: { version: number; kind: NoticeKind; startsAt: string; endsAt: string | null; proposalIds: string[] };
  newObjection?: {
    id: string;
    noticeVersion: number;
    proposalId?: string;
    objectorName: string;
    objectorContact?: string;
    reason: string;
  };
  resolveObjection?: {
    id: string;
    status: 'UPHELD' | 'DISMISSED';
    note: string;
    withdrewProposal: boolean;
    amendedProposalId?: string;
    addedProposalId?: string;
  };
  amendProposal?: Amendment;
  applyRegistry?: { proposalIds: string[] };
}

// ---- Pure rules ---------------------------------------------------------------------------------

/** Is `code` (village, township or county) inside the jurisdiction `scope`? Codes nest by prefix. */
export function codeInScope(scope: string, code: string): boolean {
  return code.startsWith(scope);
}

/** True when any string inside `value` holds a NUL character, which PostgreSQL text columns refuse. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  return Object.values(value as Record<string, unknown>).some((v) => containsNul(v, depth + 1));
}
