// What the rounds API answers, as zod schemas, and its operations for the OpenAPI document (api/openapi.ts).
import { z } from 'zod';
import { ZIndicators } from '../facts-schemas';
import {
  CATEGORIES,
  CAUSES,
  ENTRY_REASONS,
  EXIT_REASONS,
  NOTICE_KINDS,
  OBJECTION_STATUSES,
  PROPOSAL_ACTIONS,
  PROPOSAL_STATUSES,
  ROUND_STATUSES,
  STAGES,
} from '../../domain/enums';
import { ZPage } from '../pagination';
import { ZEntryCandidate } from './candidates';
import { pageOf, ZDateTime, ZDecisionResult, type ApiOperation } from '../responses';
import {
  ZAssessment,
  ZCancel,
  ZCountyAnnouncement,
  ZObjection,
  ZResolution,
  ZRoundFilter,
  ZStartRound,
  ZTownshipReview,
  ZUuid,
} from '../schemas';

export const ZRoundId = z
  .string()
  .regex(/^round-\d{12}-\d{1,6}$/, 'must be a round id such as round-620522100201-1')
  .meta({ examples: ['round-620522100201-1'] });
export const ZNoticeVersion = z.coerce.number().int().min(1).max(100_000);

export const ZStartRoundResponse = z.object({ roundId: z.string(), workflowId: z.string(), stage: z.enum(STAGES) });

export const ZRoundSummary = z
  .object({
    roundId: z.string(),
    workflowId: z.string(),
    villageCode: z.string(),
    villageName: z.string(),
    townshipCode: z.string(),
    roundNo: z.number().int(),
    campaignId: z.string().nullable(),
    stage: z.enum(STAGES),
    status: z.enum(ROUND_STATUSES),
    deadline: ZDateTime.nullable(),
    publicityEndsAt: ZDateTime.nullable(),
    overdue: z.boolean(),
    startedAt: ZDateTime,
    finishedAt: ZDateTime.nullable(),
  })
  .meta({ id: 'RoundSummary' });
export const ZRoundListResponse = pageOf(ZRoundSummary);

export const ZRoundDetail = z
  .object({
    roundId: z.string(),
    workflowId: z.string(),
    villageCode: z.string(),
    villageName: z.string(),
    townshipCode: z.string(),
    roundNo: z.number().int(),
    rulesVersion: z
      .number()
      .int()
      .meta({ description: 'The version of the procedure rules the round runs under (its stages, its checks).' }),
    campaignId: z.string().nullable(),
    stage: z.enum(STAGES),
    status: z.enum(ROUND_STATUSES),
    policy: z.object({
      publicityPeriod: z.string(),
      stageDeadline: z.string(),
      announcementPeriod: z.string().optional(),
    }),
    countySample: z.array(z.string()).meta({
      description:
        'The proposals the county must spot-check (抽查), drawn at random by the round on reaching COUNTY_ANNOUNCEMENT; empty before, and for rounds started before the rules of version 2.',
    }),
    stageEnteredAt: ZDateTime,
    deadline: ZDateTime.nullable(),
    publicityEndsAt: ZDateTime.nullable(),
    overdueSince: ZDateTime.nullable(),
    startedAt: ZDateTime,
    finishedAt: ZDateTime.nullable(),
    proposals: z.array(
      z.object({
        id: z.string(),
        assessmentNo: z.number().int(),
        action: z.enum(PROPOSAL_ACTIONS),
        status: z.enum(PROPOSAL_STATUSES),
        statusReason: z.string().nullable(),
        householdId: z.string().nullable(),
        headName: z.string().nullable(),
        idNumber: z.string().meta({ description: 'Masked unless the caller is of the village or its township.' }),
        size: z.number().int().nullable(),
        category: z.enum(CATEGORIES).nullable(),
        cause: z.enum(CAUSES).nullable(),
        entryReason: z.enum(ENTRY_REASONS).nullable(),
        exitReason: z.enum(EXIT_REASONS).nullable(),
        householdConsent: z.object({ signedOn: z.string() }).nullable(),
        addedByObjectionId: z
          .string()
          .nullable()
          .meta({ description: 'The upheld objection that added this missed household (no votes then).' }),
        votesFor: z.number().int().nullable(),
        votesAgainst: z.number().int().nullable(),
        note: z.string().nullable(),
        override: z
          .object({ reason: z.string() })
          .nullable()
          .meta({ description: 'Rules v3: an ENTER admitted although the facts show no need, and why.' }),
        evidence: z
          .object({
            incomes: z.array(
              z.object({ year: z.number().int(), perCapita: z.number().int(), line: z.number().int().nullable() }),
            ),
            indicators: ZIndicators.nullable(),
          })
          .nullable()
          .meta({
            description: 'Rules v3: the facts the proposal was checked against, each income with its year’s line.',
          }),
      }),
    ),
    candidates: z.array(ZEntryCandidate).meta({
      description:
        'Households to propose for entry (found MISSED_POOR by a county verification): those of the village still waiting while the round is at VILLAGE_ASSESSMENT, and those this round proposed.',
    }),
    notices: z.array(
      z.object({
        version: z.number().int(),
        kind: z.enum(NOTICE_KINDS),
        startsAt: ZDateTime,
        endsAt: ZDateTime.nullable(),
        publishedAt: ZDateTime,
        url: z.string().meta({ description: 'The printable notice (text/html).' }),
      }),
    ),
    objections: z.array(
      z.object({
        id: z.string(),
        noticeVersion: z.number().int(),
        proposalId: z.string().nullable(),
        objector: z.object({ name: z.string(), contact: z.string().nullable() }),
        reason: z.string(),
        status: z.enum(OBJECTION_STATUSES),
        filedById: z.string(),
        filedAt: ZDateTime,
        resolvedById: z.string().nullable(),
        resolvedAt: ZDateTime.nullable(),
        resolutionNote: z.string().nullable(),
        withdrewProposal: z.boolean(),
        amendedProposalId: z.string().nullable(),
        addedProposalId: z.string().nullable(),
      }),
    ),
    decisions: z.array(
      z.object({
        seq: z.number().int(),
        stage: z.enum(STAGES),
        kind: z.string(),
        by: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
        at: ZDateTime,
        decision: z.string().nullable(),
        note: z.string().nullable(),
        details: z.unknown().meta({ description: 'What the decision carried (JSON), or null.' }),
      }),
    ),
  })
  .meta({ id: 'RoundDetail' });

export const ZAssessmentResponse = ZDecisionResult.extend({
  proposals: z.array(
    z.object({ id: z.string(), action: z.enum(PROPOSAL_ACTIONS), householdId: z.string().nullable() }),
  ),
});
export const ZObjectionResponse = z.object({ objectionId: z.string(), roundId: z.string(), stage: z.enum(STAGES) });

const roundParams = z.object({ roundId: ZRoundId });
const decisionProblems = [403, 404, 409, 422];

/** The operations of this router, for the OpenAPI document (api/openapi.ts). */
export const roundsOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/rounds',
    operationId: 'startRound',
    summary: 'Start an identification round in a village',
    tag: 'rounds',
    body: ZStartRound,
    responses: {
      201: {
        description: 'The round is started and recorded.',
        schema: ZStartRoundResponse,
        headers: { Location: 'The round’s URL.' },
      },
    },
    problems: [403, 404, 409],
  },
  {
    method: 'get',
    path: '/rounds',
    operationId: 'listRounds',
    summary: 'List the rounds in the caller’s jurisdiction',
    tag: 'rounds',
    query: ZPage.merge(ZRoundFilter),
    responses: { 200: { description: 'A page of rounds, by id.', schema: ZRoundListResponse } },
    problems: [400, 403],
  },
  {
    method: 'get',
    path: '/rounds/{roundId}',
    operationId: 'getRound',
    summary: 'A round with its proposals, notices, objections and decisions',
    tag: 'rounds',
    params: roundParams,
    responses: { 200: { description: 'The round.', schema: ZRoundDetail } },
    problems: [400, 403, 404],
  },
  {
    method: 'get',
    path: '/rounds/{roundId}/notices/{version}',
    operationId: 'getNotice',
    summary: 'A printable publicity notice or announcement (HTML)',
    tag: 'rounds',
    params: roundParams.extend({ version: ZNoticeVersion }),
    responses: { 200: { description: 'The notice as an HTML page.', html: true } },
    problems: [400, 403, 404],
  },
  {
    method: 'post',
    path: '/rounds/{roundId}/assessment',
    operationId: 'submitAssessment',
    summary: 'The village assessment (民主评议): the meeting and its proposals',
    tag: 'rounds',
    params: roundParams,
    body: ZAssessment,
    responses: { 200: { description: 'The assessment is recorded.', schema: ZAssessmentResponse } },
    problems: decisionProblems,
  },
  {
    method: 'post',
    path: '/rounds/{roundId}/objections',
    operationId: 'fileObjection',
    summary: 'Record an objection raised during a publicity',
    tag: 'rounds',
    params: roundParams,
    body: ZObjection,
    responses: { 201: { description: 'The objection is recorded.', schema: ZObjectionResponse } },
    problems: decisionProblems,
  },
  {
    method: 'post',
    path: '/rounds/{roundId}/objections/{objectionId}/resolution',
    operationId: 'resolveObjection',
    summary: 'Resolve an objection (township)',
    tag: 'rounds',
    params: roundParams.extend({ objectionId: ZUuid }),
    body: ZResolution,
    responses: { 200: { description: 'The objection is resolved.', schema: ZDecisionResult } },
    problems: decisionProblems,
  },
  {
    method: 'post',
    path: '/rounds/{roundId}/township-review',
    operationId: 'townshipReview',
    summary: 'The township review: approve, or return to the village',
    tag: 'rounds',
    params: roundParams,
    body: ZTownshipReview,
    responses: { 200: { description: 'The review is recorded.', schema: ZDecisionResult } },
    problems: decisionProblems,
  },
  {
    method: 'post',
    path: '/rounds/{roundId}/county-announcement',
    operationId: 'countyAnnouncement',
    summary: 'The county announcement: announce, or return',
    tag: 'rounds',
    params: roundParams,
    body: ZCountyAnnouncement,
    responses: { 200: { description: 'The decision is recorded.', schema: ZDecisionResult } },
    problems: decisionProblems,
  },
  {
    method: 'post',
    path: '/rounds/{roundId}/cancel',
    operationId: 'cancelRound',
    summary: 'Cancel a round',
    tag: 'rounds',
    params: roundParams,
    body: ZCancel,
    responses: { 200: { description: 'The round is cancelled.', schema: ZDecisionResult } },
    problems: decisionProblems,
  },
];
