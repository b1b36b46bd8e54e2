// The HTTP surface that sim/officials.ts uses, answered by the skeleton workflows: GET /tasks from the skeleton
// activities' in-memory board, decisions as executeUpdate on the skeleton rounds. No database and no business
// rules, so the simulated officials drive the skeleton exactly as they drive the product: it also answers the
// round page the township and county read before deciding (the proposal ids it handed out; no county sample, as
// the product's rounds here have none) and the facts the village records before an exit, so the officials send it the
// same visits and spot checks, and make the same calls, as they send the product.
import { randomUUID } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { CampaignInput } from '../domain/campaign';
import {
  DEFAULT_POLICY,
  type Actor,
  type AssessmentUpdate,
  type CountyAnnouncementUpdate,
  type TownshipReviewUpdate,
} from '../domain/round';
import type { Stage } from '../domain/enums';
import type { Board } from './skeleton-activities';
import { timeRequests, type RequestLog } from './support';
import {
  campaignOpenedUpdate,
  countyAnnouncementUpdate,
  skeletonCampaignWorkflow,
  submitAssessmentUpdate,
  townshipReviewUpdate,
} from './skeleton-workflows';

const WAITS_ON: Partial<Record<string, Stage>> = {
  VILLAGE: 'VILLAGE_ASSESSMENT',
  TOWNSHIP: 'TOWNSHIP_REVIEW',
  COUNTY: 'COUNTY_ANNOUNCEMENT',
};

export function createSkeletonApp(deps: {
  client: Client;
  taskQueue: string;
  board: Board;
  /** Bearer token → official, as the product's Official table would answer. */
  officials: Map<string, Actor>;
  requests: RequestLog;
}): Express {
  const { client, taskQueue, board, officials } = deps;
  const app = express();
  app.use(express.json());
  const v1 = express.Router();
  v1.use(timeRequests(deps.requests));
  const actorOf = (req: Request) => (req as Request & { actor: Actor }).actor;
  v1.use((req: Request, res: Response, next: NextFunction) => {
    const token = /^Bearer\s+(\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const actor = token ? officials.get(token) : undefined;
    if (!actor) return void res.status(401).json({ status: 401 });
    (req as Request & { actor: Actor }).actor = actor;
    next();
  });

  v1.get('/tasks', (req, res) => {
    const o = actorOf(req);
    const stage = WAITS_ON[o.role];
    const limit = Number(req.query.limit ?? 200);
    const items = [...board.rounds.values()]
      .filter((r) => r.status === 'OPEN' && r.stage === stage && r.villageCode.startsWith(o.scopeCode))
      .sort((a, b) => a.deadline - b.deadline)
      .slice(0, limit)
      .map((r) => ({ kind: 'DECIDE', roundId: r.roundId, villageCode: r.villageCode, stage: r.stage }));
    res.json({ items });
  });

  // The simulated village official proposes one registered household to exit: any id does for the skeleton.
  v1.get('/households', (_req, res) => {
    res.json({ items: [{ id: randomUUID() }], nextCursor: null });
  });
  // The facts recorded before that exit: accepted and answered as written, nothing kept.
  v1.put('/households/:id/facts', (req, res) => {
    res.json({ householdId: req.params.id, facts: req.body as unknown });
  });

  // Proposal ids by round, as the assessment handed them out, for the round page. The product's API in the benchmark
  // captures no rules, so its rounds run under the rules of version 1 and draw no county sample: nor does this.
  const proposalsOf = new Map<string, string[]>();
  v1.get('/rounds/:roundId', (req, res) => {
    const roundId = String(req.params.roundId);
    const round = board.rounds.get(roundId);
    if (!round) return void res.status(404).json({ status: 404 });
    const ids = proposalsOf.get(roundId) ?? [];
    res.json({
      roundId,
      villageCode: round.villageCode,
      stage: round.stage,
      status: round.status,
      proposals: ids.map((id) => ({ id, status: 'PROPOSED' })),
      countySample: [],
    });
  });

  const decide =
    (run: (roundId: string, actor: Actor, body: Record<string, unknown>) => Promise<unknown>) =>
    async (req: Request, res: Response) => {
      try {
        res.json(await run(String(req.params.roundId), actorOf(req), req.body as Record<string, unknown>));
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) return void res.status(409).json({ status: 409 });
        res.status(500).json({ status: 500, detail: (err as Error).message });
      }
    };
  v1.post(
    '/rounds/:roundId/assessment',
    decide((roundId, actor, body) => {
      const b = body as Omit<AssessmentUpdate, 'actor'>;
      const proposals = b.proposals.map((p) => ({ ...p, id: randomUUID() }));
      proposalsOf.set(
        roundId,
        proposals.map((p) => p.id),
      );
      return client.workflow
        .getHandle(roundId)
        .executeUpdate(submitAssessmentUpdate, { args: [{ actor, meeting: b.meeting, proposals }] });
    }),
  );
  v1.post(
    '/rounds/:roundId/township-review',
    decide((roundId, actor, body) =>
      client.workflow
        .getHandle(roundId)
        .executeUpdate(townshipReviewUpdate, { args: [{ actor, ...(body as Omit<TownshipReviewUpdate, 'actor'>) }] }),
    ),
  );
  v1.post(
    '/rounds/:roundId/county-announcement',
    decide((roundId, actor, body) =>
      client.workflow.getHandle(roundId).executeUpdate(countyAnnouncementUpdate, {
        args: [{ actor, ...(body as Omit<CountyAnnouncementUpdate, 'actor'>) }],
      }),
    ),
  );

  v1.post('/campaigns', async (req, res) => {
    const o = actorOf(req);
    const body = req.body as {
      name: string;
      year: number;
      villages: 'ALL' | string[];
      policy?: Partial<CampaignInput['policy']>;
    };
    const campaignId = `skeleton-campaign-${body.year}-${randomUUID().slice(0, 8)}`;
    const input: CampaignInput = {
      campaignId,
      name: body.name,
      year: body.year,
      scope: { scopeCode: o.scopeCode, villages: body.villages },
      policy: { ...DEFAULT_POLICY, ...body.policy },
      createdBy: o,
      townshipConcurrency: 20,
      roundConcurrency: 10,
    };
    const handle = await client.workflow.start(skeletonCampaignWorkflow, {
      workflowId: campaignId,
      taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
    });
    await handle.executeUpdate(campaignOpenedUpdate);
    res.status(201).json({ campaignId, workflowId: campaignId, status: 'RUNNING' });
  });

  v1.get('/campaigns/:campaignId', (req, res) => {
    const campaign = board.campaigns.get(String(req.params.campaignId));
    if (!campaign) return void res.status(404).json({ status: 404 });
    res.json({ campaignId: req.params.campaignId, status: campaign.status });
  });

  app.use('/api/v1', v1);
  return app;
}
