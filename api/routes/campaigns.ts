import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { CampaignInput, CampaignScope } from '../../domain/campaign';
import { ROUND_STATUSES, STAGES } from '../../domain/enums';
import { DEFAULT_POLICY, type RoundPolicy } from '../../domain/round';
import type { PrismaClient } from '../../infra/db';
import { campaignWorkflow } from '../../workflows/campaign';
import { campaignOpenedUpdate, cancelCampaignUpdate } from '../../workflows/campaign-contract';
import { CAMPAIGN_KEY } from '../../workflows/search-attributes';
import { caller, requireRole } from '../auth';
import { decodeCursor, page, ZPage } from '../pagination';
import { badRequest, conflict, notFound, parseOr400 } from '../problem';
import { ZCancel, ZPolicy, ZVillageCode } from '../schemas';
import { pageOf, ZDateTime, type ApiOperation } from '../responses';
import { requireScope } from '../scope';
import { toProblem } from '../temporal-errors';
import { captureRules, type RulesSettings } from '../rules';
import { actorOf } from './rounds';

export const ZStartCampaign = z
  .object({
    name: z.string().trim().min(1).max(200),
    year: z.number().int().min(2000).max(2100),
    villages: z.union([z.literal('ALL'), z.array(ZVillageCode).min(1).max(200_000)]),
    policy: ZPolicy.optional(),
  })
  .strict();

const CAMPAIGN_STATUSES = ['RUNNING', 'COMPLETED', 'CANCELLED'] as const;

export const ZStartCampaignResponse = z.object({
  campaignId: z.string(),
  workflowId: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
});

export const ZCampaignListResponse = pageOf(
  z
    .object({
      campaignId: z.string(),
      name: z.string(),
      year: z.number().int(),
      status: z.enum(CAMPAIGN_STATUSES),
      createdAt: ZDateTime,
    })
    .meta({ id: 'CampaignSummary' }),
);

const ZCounts = z.object({
  byStage: z.partialRecord(z.enum(STAGES), z.number().int()).meta({ description: 'Rounds by stage.' }),
  byStatus: z.partialRecord(z.enum(ROUND_STATUSES), z.number().int()).meta({ description: 'Rounds by status.' }),
});

export const ZCampaignDetail = z
  .object({
    campaignId: z.string(),
    workflowId: z.string(),
    name: z.string(),
    year: z.number().int(),
    status: z.enum(CAMPAIGN_STATUSES),
    policy: z.object({
      publicityPeriod: z.string(),
      stageDeadline: z.string(),
      announcementPeriod: z.string().optional(),
    }),
    villages: z
      .union([z.literal('ALL'), z.number().int()])
      .meta({ description: 'ALL, or how many villages the campaign lists.' }),
    cancelReason: z.string().nullable(),
    createdAt: ZDateTime,
    finishedAt: ZDateTime.nullable(),
    progress: ZCounts.extend({ villagesTargeted: z.number().int(), roundsStarted: z.number().int() }),
    townships: z.array(ZCounts.extend({ townshipCode: z.string(), rounds: z.number().int() })),
  })
  .meta({ id: 'CampaignDetail' });

export const ZCancelCampaignResponse = z.object({ campaignId: z.string(), status: z.enum(CAMPAIGN_STATUSES) });

export const ZCampaignId = z
  .string()
  .regex(/^campaign-\d{4}-[0-9a-f]{8}$/, 'must be a campaign id such as campaign-2026-1a2b3c4d')
  .meta({ examples: ['campaign-2026-1a2b3c4d'] });

export function campaignsRouter({
  prisma,
  client,
  taskQueue,
  rules: settings,
}: {
  prisma: PrismaClient;
  client: Client;
  taskQueue: string;
  /** The rules the campaign's rounds start under (api/rules.ts); absent: rules of version 1. */
  rules?: RulesSettings;
}) {
  const r = Router();

  r.post('/campaigns', async (req, res) => {
    const o = requireRole(req, ['COUNTY', 'ADMIN'], 'Starting a campaign');
    const body = parseOr400(ZStartCampaign, req.body);
    const policy = { ...DEFAULT_POLICY, ...body.policy };
    const rules = captureRules(settings, policy);
    if (body.villages !== 'ALL') {
      const unique = [...new Set(body.villages)];
      if (unique.length !== body.villages.length) throw badRequest('villages lists a village twice.');
      const outside = unique.filter((c) => !c.startsWith(o.scopeCode));
      if (outside.length) requireScope(o, outside[0]!, `Village ${outside[0]}`);
      const found = await prisma.village.count({ where: { code: { in: unique } } });
      if (found !== unique.length) throw badRequest(`${unique.length - found} of the listed villages do not exist.`);
    }
    const campaignId = `campaign-${body.year}-${randomUUID().slice(0, 8)}`;
    const scope: CampaignScope = { scopeCode: o.scopeCode, villages: body.villages };
    const input: CampaignInput = {
      campaignId,
      name: body.name,
      year: body.year,
      scope,
      policy,
      ...(rules ? { rules } : {}),
      createdBy: actorOf(o),
      townshipConcurrency: 20,
      roundConcurrency: 10,
    };
    const handle = await client.workflow.start(campaignWorkflow, {
      workflowId: campaignId,
      taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: [{ key: CAMPAIGN_KEY, value: campaignId }],
      staticSummary: `Campaign ${body.name} (${body.year})`,
      staticDetails: `Villages: ${body.villages === 'ALL' ? `all of ${o.scopeCode}` : body.villages.length}; started by ${o.name}.`,
    });
    await handle.executeUpdate(campaignOpenedUpdate);
    res
      .status(201)
      .location(`/api/v1/campaigns/${campaignId}`)
      .json({ campaignId, workflowId: campaignId, status: 'RUNNING' } satisfies z.input<typeof ZStartCampaignResponse>);
  });

  r.get('/campaigns', async (req, res) => {
    const o = caller(req);
    const q = parseOr400(ZPage, req.query, 'query');
    const after = decodeCursor(q.cursor);
    const rows = await prisma.campaign.findMany({
      where: after ? { id: { gt: after } } : {},
      orderBy: { id: 'asc' },
      take: q.limit + 1,
    });
    // Campaigns are county-wide: an official sees those whose county contains their jurisdiction.
    const visible = rows.filter((c) => o.scopeCode.startsWith((c.villageCodes as unknown as CampaignScope).scopeCode));
    const p = page(visible, q.limit, (c) => c.id);
    res.json({
      items: p.items.map((c) => ({
        campaignId: c.id,
        name: c.name,
        year: c.year,
        status: c.status,
        createdAt: c.createdAt,
      })),
      nextCursor: p.nextCursor,
    } satisfies z.input<typeof ZCampaignListResponse>);
  });

  r.get('/campaigns/:campaignId', async (req, res) => {
    const o = caller(req);
    const id = parseOr400(ZCampaignId, req.params.campaignId, 'campaign id');
    const c = await prisma.campaign.findUnique({ where: { id } });
    if (!c) throw notFound(`No campaign ${id}.`);
    const scope = c.villageCodes as unknown as CampaignScope;
    if (!o.scopeCode.startsWith(scope.scopeCode)) requireScope(o, scope.scopeCode, `Campaign ${id}`);
    // One grouped query over the campaign's rounds (indexed by campaignId), restricted to the caller's jurisdiction.
    const [groups, targeted] = await Promise.all([
      prisma.round.groupBy({
        by: ['townshipCode', 'stage', 'status'],
        where: { campaignId: id, villageCode: { startsWith: o.scopeCode } },
        _count: true,
      }),
      prisma.village.count({
        where:
          scope.villages === 'ALL'
            ? { code: { startsWith: o.scopeCode } }
            : { code: { in: scope.villages, startsWith: o.scopeCode } },
      }),
    ]);
    const byStage: Record<string, number> = {};
    const byStatus: Record<string, number> = {};
    const byTownship = new Map<
      string,
      { townshipCode: string; rounds: number; byStage: Record<string, number>; byStatus: Record<string, number> }
    >();
    let rounds = 0;
    for (const g of groups) {
      rounds += g._count;
      byStage[g.stage] = (byStage[g.stage] ?? 0) + g._count;
      byStatus[g.status] = (byStatus[g.status] ?? 0) + g._count;
      const t = byTownship.get(g.townshipCode) ?? {
        townshipCode: g.townshipCode,
        rounds: 0,
        byStage: {},
        byStatus: {},
      };
      t.rounds += g._count;
      t.byStage[g.stage] = (t.byStage[g.stage] ?? 0) + g._count;
      t.byStatus[g.status] = (t.byStatus[g.status] ?? 0) + g._count;
      byTownship.set(g.townshipCode, t);
    }
    res.json({
      campaignId: c.id,
      workflowId: c.workflowId,
      name: c.name,
      year: c.year,
      status: c.status,
      policy: c.policy as unknown as RoundPolicy,
      villages: scope.villages === 'ALL' ? 'ALL' : scope.villages.length,
      cancelReason: c.cancelReason,
      createdAt: c.createdAt,
      finishedAt: c.finishedAt,
      progress: { villagesTargeted: targeted, roundsStarted: rounds, byStage, byStatus },
      townships: [...byTownship.values()].sort((a, b) => a.townshipCode.localeCompare(b.townshipCode)),
    } satisfies z.input<typeof ZCampaignDetail>);
  });

  r.post('/campaigns/:campaignId/cancel', async (req, res) => {
    const o = requireRole(req, ['COUNTY', 'ADMIN'], 'Cancelling a campaign');
    const id = parseOr400(ZCampaignId, req.params.campaignId, 'campaign id');
    const body = parseOr400(ZCancel, req.body);
    const c = await prisma.campaign.findUnique({ where: { id } });
    if (!c) throw notFound(`No campaign ${id}.`);
    requireScope(o, (c.villageCodes as unknown as CampaignScope).scopeCode, `Campaign ${id}`);
    if (c.status !== 'RUNNING') throw conflict(`Campaign ${id} is ${c.status.toLowerCase()}.`, {}, 'CAMPAIGN_CLOSED');
    try {
      const result = await client.workflow
        .getHandle(id)
        .executeUpdate(cancelCampaignUpdate, { args: [{ actor: actorOf(o), reason: body.reason }] });
      res.json(result as z.input<typeof ZCancelCampaignResponse>);
    } catch (err) {
      throw toProblem(err);
    }
  });

  return r;
}

const campaignParams = z.object({ campaignId: ZCampaignId });

/** The operations of this router, for the OpenAPI document (api/openapi.ts). */
export const campaignsOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/campaigns',
    operationId: 'startCampaign',
    summary: 'Start a campaign: a round in every listed village (or all) of the caller’s county',
    tag: 'campaigns',
    body: ZStartCampaign,
    responses: {
      201: {
        description: 'The campaign is started.',
        schema: ZStartCampaignResponse,
        headers: { Location: 'The campaign’s URL.' },
      },
    },
    problems: [403],
  },
  {
    method: 'get',
    path: '/campaigns',
    operationId: 'listCampaigns',
    summary: 'Campaigns whose county contains the caller’s jurisdiction',
    tag: 'campaigns',
    query: ZPage,
    responses: { 200: { description: 'A page of campaigns, by id.', schema: ZCampaignListResponse } },
    problems: [400],
  },
  {
    method: 'get',
    path: '/campaigns/{campaignId}',
    operationId: 'getCampaign',
    summary: 'A campaign and its progress within the caller’s jurisdiction',
    tag: 'campaigns',
    params: campaignParams,
    responses: { 200: { description: 'The campaign.', schema: ZCampaignDetail } },
    problems: [400, 403, 404],
  },
  {
    method: 'post',
    path: '/campaigns/{campaignId}/cancel',
    operationId: 'cancelCampaign',
    summary: 'Cancel a campaign and its open rounds',
    tag: 'campaigns',
    params: campaignParams,
    body: ZCancel,
    responses: { 200: { description: 'The campaign is cancelled.', schema: ZCancelCampaignResponse } },
    problems: [403, 404, 409, 422],
  },
];
