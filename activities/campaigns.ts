import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { roundWorkflowId } from '../domain/constants';
import { townshipWorkflowId, type CampaignInput, type CampaignScope } from '../domain/campaign';
import type { Actor } from '../domain/round';
import type { Prisma, PrismaClient } from '../infra/db';
import { cancelTownshipSignal } from '../workflows/campaign-contract';

export interface CampaignActivityDeps {
  prisma: PrismaClient;
  client: Client;
}

function villageFilter(scope: CampaignScope): Prisma.VillageWhereInput {
  return scope.villages === 'ALL'
    ? { code: { startsWith: scope.scopeCode } }
    : { code: { in: scope.villages, startsWith: scope.scopeCode } };
}

export function createCampaignActivities({ prisma, client }: CampaignActivityDeps) {
  /** The next page of township codes (in code order) that have villages in the campaign. */
  async function listCampaignTownships(args: {
    scope: CampaignScope;
    after?: string;
    limit: number;
  }): Promise<string[]> {
    // Set-based DISTINCT in SQL: at national scale a county list has tens of thousands of villages.
    const list = args.scope.villages === 'ALL' ? null : args.scope.villages;
    const rows = await prisma.$queryRaw<{ townshipCode: string }[]>`
      SELECT DISTINCT "townshipCode" FROM "Village"
      WHERE code LIKE ${args.scope.scopeCode + '%'}
        AND (${list}::text[] IS NULL OR code = ANY(${list}::text[]))
        AND "townshipCode" > ${args.after ?? ''}
      ORDER BY "townshipCode" LIMIT ${args.limit}`;
    return rows.map((r) => r.townshipCode);
  }

  return {
    listCampaignTownships,

    /** Idempotent: the campaign row is keyed by its id. */
    async recordCampaign(input: CampaignInput): Promise<void> {
      await prisma.campaign.upsert({
        where: { id: input.campaignId },
        update: {},
        create: {
          id: input.campaignId,
          name: input.name,
          year: input.year,
          policy: input.policy as unknown as Prisma.InputJsonValue,
          villageCodes: input.scope as unknown as Prisma.InputJsonValue,
          workflowId: input.campaignId,
          createdById: input.createdBy.id,
        },
      });
    },

    /** The rounds a township child should start: villages of the campaign without an open round. */
    async planTownshipRounds(args: { campaignId: string; townshipCode: string }) {
      const campaign = await prisma.campaign.findUniqueOrThrow({ where: { id: args.campaignId } });
      const scope = campaign.villageCodes as unknown as CampaignScope;
      const villages = await prisma.village.findMany({
        where: { ...villageFilter(scope), townshipCode: args.townshipCode },
        select: { code: true },
        orderBy: { code: 'asc' },
      });
      const codes = villages.map((v) => v.code);
      const [open, last] = await Promise.all([
        prisma.round.findMany({ where: { openVillageCode: { in: codes } }, select: { id: true, villageCode: true } }),
        prisma.round.groupBy({ by: ['villageCode'], where: { villageCode: { in: codes } }, _max: { roundNo: true } }),
      ]);
      const openBy = new Map(open.map((r) => [r.villageCode, r.id]));
      const lastBy = new Map(last.map((r) => [r.villageCode, r._max.roundNo ?? 0]));
      const rounds: { villageCode: string; roundNo: number; roundId: string }[] = [];
      const skipped: { villageCode: string; openRoundId: string }[] = [];
      for (const code of codes) {
        const openRoundId = openBy.get(code);
        if (openRoundId) {
          skipped.push({ villageCode: code, openRoundId });
        } else {
          const roundNo = (lastBy.get(code) ?? 0) + 1;
          rounds.push({ villageCode: code, roundNo, roundId: roundWorkflowId(code, roundNo) });
        }
      }
      return { rounds, skipped };
    },

    /**
     * Records the cancellation and tells every launched township workflow, which cancels its open rounds
     * (each round records why). Idempotent: a township that already finished is skipped.
     */
    async cancelCampaign(args: {
      campaignId: string;
      scope: CampaignScope;
      actor: Actor;
      reason: string;
      upTo?: string;
    }) {
      await prisma.campaign.update({
        where: { id: args.campaignId },
        data: { status: 'CANCELLED', cancelReason: args.reason },
      });
      let after: string | undefined;
      let signalled = 0;
      for (;;) {
        const page = await listCampaignTownships({ scope: args.scope, after, limit: 200 });
        const launched = args.upTo ? page.filter((t) => t <= args.upTo!) : [];
        await Promise.all(
          launched.map((t) =>
            client.workflow
              .getHandle(townshipWorkflowId(args.campaignId, t))
              .signal(cancelTownshipSignal, { actor: args.actor, reason: args.reason })
              .then(
                () => signalled++,
                (err: unknown) => {
                  // Finished townships cannot be signalled and need nothing.
                  if (!(err instanceof WorkflowNotFoundError)) throw err;
                },
              ),
          ),
        );
        Context.current().heartbeat(signalled);
        if (page.length < 200 || launched.length < page.length) break;
        after = page[page.length - 1];
      }
      return { signalled };
    },

    async finishCampaign(args: { campaignId: string; status: 'COMPLETED' | 'CANCELLED' }) {
      await prisma.campaign.update({
        where: { id: args.campaignId },
        data: { status: args.status, finishedAt: new Date() },
      });
    },
  };
}
