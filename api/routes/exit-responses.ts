// What the exits API (摘帽) takes and answers, as zod schemas, and its operations for the OpenAPI document.
import { z } from 'zod';
import {
  EXIT_CODE_LENGTH,
  EXIT_FINDINGS,
  EXIT_ID_PATTERN,
  EXIT_LEVELS,
  EXIT_STAGES,
  EXIT_STATUSES,
} from '../../domain/exit';
import { OBJECTION_STATUSES } from '../../domain/enums';
import { ZPage } from '../pagination';
import { pageOf, ZDateTime, type ApiOperation } from '../responses';
import { text, ZCancel, ZPolicy, ZUuid } from '../schemas';

export const ZExitId = z
  .string()
  .regex(EXIT_ID_PATTERN, 'must be an exit id such as exit-VILLAGE-620522100201-2026')
  .meta({ examples: ['exit-VILLAGE-620522100201-2026'] });

const ZUnitCode = z
  .string()
  .regex(/^(\d{6}|\d{9}|\d{12})$/, 'must be a division code of 6, 9 or 12 digits')
  .meta({ examples: ['620522100201'], description: 'County 6 digits, township 9, village 12.' });

export const ZStartExit = z
  .object({
    level: z.enum(EXIT_LEVELS),
    code: ZUnitCode,
    year: z.number().int().min(2000).max(2100).meta({ description: 'The year the unit exits poverty.' }),
    policy: ZPolicy.pick({ publicityPeriod: true, stageDeadline: true })
      .optional()
      .meta({ description: 'publicityPeriod at least MIN_PUBLICITY_PERIOD (default 7 days); stageDeadline 30 days.' }),
  })
  .strict()
  .superRefine((b, ctx) => {
    const digits = EXIT_CODE_LENGTH[b.level];
    if (digits !== undefined && b.code.length !== digits) {
      ctx.addIssue({
        code: 'custom',
        path: ['code'],
        message: `a ${b.level} code has ${digits} digits`,
      });
    }
  });
export type TStartExit = z.infer<typeof ZStartExit>;

/** GET /exits' query, made once (a schema built per request is compiled per request by zod). */
export const ZExitListQuery = ZPage.extend({
  level: z.enum(EXIT_LEVELS).optional(),
  status: z.enum(EXIT_STATUSES).optional(),
  stage: z.enum(EXIT_STAGES).optional(),
  code: ZUnitCode.optional(),
});

export const ZExitVerification = z
  .object({
    decision: z.enum(['APPROVE', 'REJECT']),
    note: text(2000),
    findings: z
      .array(
        z
          .object({
            householdId: ZUuid,
            finding: z.enum(EXIT_FINDINGS),
            note: z.string().trim().max(2000).optional(),
          })
          .strict(),
      )
      .max(20_000)
      .optional()
      .meta({
        description: 'The re-check (抽查) of every household of the drawn sample; APPROVE needs all CONFIRMED.',
      }),
  })
  .strict();

export const ZExitObjection = z
  .object({
    objector: z.object({ name: text(50), contact: z.string().trim().max(100).optional() }).strict(),
    reason: text(2000),
  })
  .strict();

export const ZExitResolution = z.object({ decision: z.enum(['UPHELD', 'DISMISSED']), note: text(2000) }).strict();
export const ZExitAnnouncement = z.object({ note: text(2000) }).strict();
export { ZCancel as ZExitCancel };

export const ZStartExitResponse = z.object({
  exitId: z.string(),
  workflowId: z.string(),
  stage: z.enum(EXIT_STAGES),
  status: z.enum(EXIT_STATUSES),
});

export const ZExitDecisionResult = z
  .object({
    exitId: z.string(),
    stage: z.enum(EXIT_STAGES),
    status: z.enum(EXIT_STATUSES),
    seq: z.number().int().meta({ description: 'Sequence number of the decision in the exit’s trail.' }),
  })
  .meta({ id: 'ExitDecisionResult' });

export const ZExitObjectionResponse = ZExitDecisionResult.extend({ objectionId: z.string() });

export const ZExitSummary = z
  .object({
    exitId: z.string(),
    workflowId: z.string(),
    level: z.enum(EXIT_LEVELS),
    code: z.string(),
    townshipCode: z.string().nullable(),
    year: z.number().int(),
    stage: z.enum(EXIT_STAGES),
    status: z.enum(EXIT_STATUSES),
    deadline: ZDateTime.nullable(),
    publicityEndsAt: ZDateTime.nullable(),
    requestedAt: ZDateTime,
    finishedAt: ZDateTime.nullable(),
  })
  .meta({ id: 'ExitSummary' });
export const ZExitListResponse = pageOf(ZExitSummary);

export const ZExitDetail = ZExitSummary.extend({
  policy: z.object({ publicityPeriod: z.string(), stageDeadline: z.string() }),
  figures: z.record(z.string(), z.unknown()).meta({
    description: 'The figures read when the exit was requested (poor share, villages and townships exited…).',
  }),
  stageEnteredAt: ZDateTime,
  requestedBy: z.object({ id: z.string(), name: z.string().nullable() }),
  sample: z
    .array(
      z.object({
        householdId: z.string(),
        registryNo: z.string(),
        villageCode: z.string(),
        finding: z.enum(EXIT_FINDINGS).nullable().meta({ description: 'The county’s last re-check, if any.' }),
      }),
    )
    .meta({ description: 'The households the county re-checks (抽查), drawn at random by the workflow.' }),
  notices: z.array(
    z.object({
      kind: z.enum(['PUBLICITY', 'ANNOUNCEMENT']),
      title: z.string(),
      text: z.string(),
      startsAt: z.string(),
      endsAt: z.string().nullable(),
    }),
  ),
  objections: z.array(
    z.object({
      id: z.string(),
      objector: z.object({
        name: z.string(),
        contact: z.string().nullable().meta({ description: 'Shown to county officials (who resolve) only.' }),
      }),
      reason: z.string(),
      status: z.enum(OBJECTION_STATUSES),
      filedById: z.string(),
      filedAt: ZDateTime,
      resolvedById: z.string().nullable(),
      resolvedAt: ZDateTime.nullable(),
      resolutionNote: z.string().nullable(),
    }),
  ),
  decisions: z.array(
    z.object({
      seq: z.number().int(),
      stage: z.enum(EXIT_STAGES),
      kind: z.string(),
      by: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
      at: ZDateTime,
      decision: z.string().nullable(),
      note: z.string().nullable(),
      details: z.unknown().meta({ description: 'What the decision carried (JSON), or null.' }),
    }),
  ),
}).meta({ id: 'ExitDetail' });

const exitParams = z.object({ exitId: ZExitId });
const decisionProblems = [403, 404, 409, 422];

function decision(path: string, operationId: string, summary: string, body: z.ZodType): ApiOperation {
  return {
    method: 'post',
    path: `/exits/{exitId}/${path}`,
    operationId,
    summary,
    tag: 'exits',
    params: exitParams,
    body,
    responses: { 200: { description: 'The decision is recorded.', schema: ZExitDecisionResult } },
    problems: decisionProblems,
  };
}

/** The operations of the exits router, for the OpenAPI document (api/openapi.ts). */
export const exitsOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/exits',
    operationId: 'requestExit',
    summary: 'Request the exit (摘帽) of a poor village, a township or the county',
    description:
      'VILLAGE by its township (poor share below EXIT_POOR_SHARE_THRESHOLD); TOWNSHIP by the township or the county (every poor village exited); COUNTY by the county (every township exited). A refusal is 400 naming the reason.',
    tag: 'exits',
    body: ZStartExit,
    responses: {
      201: {
        description: 'The exit is started and recorded.',
        schema: ZStartExitResponse,
        headers: { Location: 'The exit’s URL.' },
      },
    },
    problems: [403, 404, 409],
  },
  {
    method: 'get',
    path: '/exits',
    operationId: 'listExits',
    summary: 'Exits of units in, or containing, the caller’s jurisdiction',
    tag: 'exits',
    query: ZExitListQuery,
    responses: { 200: { description: 'A page of exits, by id.', schema: ZExitListResponse } },
    problems: [400],
  },
  {
    method: 'get',
    path: '/exits/{exitId}',
    operationId: 'getExit',
    summary: 'An exit with its figures, sample, notices, objections and decisions',
    tag: 'exits',
    params: exitParams,
    responses: { 200: { description: 'The exit.', schema: ZExitDetail } },
    problems: [400, 403, 404],
  },
  decision(
    'verification',
    'verifyExit',
    'The county’s verification: a re-check of every sampled household, APPROVE or REJECT',
    ZExitVerification,
  ),
  {
    method: 'post',
    path: '/exits/{exitId}/objections',
    operationId: 'fileExitObjection',
    summary: 'Record an objection raised during the exit’s publicity',
    tag: 'exits',
    params: exitParams,
    body: ZExitObjection,
    responses: { 201: { description: 'The objection is recorded.', schema: ZExitObjectionResponse } },
    problems: decisionProblems,
  },
  {
    ...decision(
      'objections/{objectionId}/resolution',
      'resolveExitObjection',
      'Resolve an objection (county): DISMISSED, or UPHELD (back to the verification)',
      ZExitResolution,
    ),
    params: exitParams.extend({ objectionId: ZUuid }),
  },
  decision('announcement', 'announceExit', 'The county’s announcement: the exit year is recorded', ZExitAnnouncement),
  decision('cancel', 'cancelExit', 'Cancel an open exit (county)', ZCancel),
];
