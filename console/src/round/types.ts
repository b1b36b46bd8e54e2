// GET /rounds/:id as the console reads it (api/routes/round-responses.ts ZRoundDetail).
import type {
  Category,
  Cause,
  EntryReason,
  ExitReason,
  NoticeKind,
  ObjectionStatus,
  ProposalAction,
  ProposalStatus,
  RoundStatus,
  Stage,
} from '../../../domain/enums';

export interface Proposal {
  id: string;
  assessmentNo: number;
  action: ProposalAction;
  status: ProposalStatus;
  statusReason: string | null;
  householdId: string | null;
  headName: string | null;
  idNumber: string;
  size: number | null;
  category: Category | null;
  cause: Cause | null;
  entryReason: EntryReason | null;
  exitReason: ExitReason | null;
  votesFor: number | null;
  votesAgainst: number | null;
  note: string | null;
  override: { reason: string } | null;
}

export interface Objection {
  id: string;
  noticeVersion: number;
  proposalId: string | null;
  objector: { name: string; contact: string | null };
  reason: string;
  status: ObjectionStatus;
  filedAt: string;
  resolvedAt: string | null;
  resolutionNote: string | null;
  withdrewProposal: boolean;
  amendedProposalId: string | null;
  addedProposalId: string | null;
}

export interface Decision {
  seq: number;
  stage: Stage;
  kind: string;
  by: { id: string; name: string | null } | null;
  at: string;
  decision: string | null;
  note: string | null;
}

export interface RoundDetail {
  roundId: string;
  villageCode: string;
  villageName: string;
  townshipCode: string;
  roundNo: number;
  rulesVersion: number;
  stage: Stage;
  status: RoundStatus;
  policy: { publicityPeriod: string; stageDeadline: string; announcementPeriod?: string };
  countySample: string[];
  stageEnteredAt: string;
  deadline: string | null;
  publicityEndsAt: string | null;
  overdueSince: string | null;
  startedAt: string;
  finishedAt: string | null;
  proposals: Proposal[];
  notices: { version: number; kind: NoticeKind; startsAt: string; endsAt: string; publishedAt: string; url: string }[];
  objections: Objection[];
  decisions: Decision[];
}

/** The proposals still on the list (not withdrawn, rejected or superseded). */
export function currentList(round: RoundDetail): Proposal[] {
  return round.proposals.filter((p) => p.status === 'PROPOSED');
}

/** A proposal as officials name it: number, head of household, action. */
export function proposalName(p: Proposal): string {
  return `${p.assessmentNo}. ${p.headName ?? '（新户）'}`;
}
