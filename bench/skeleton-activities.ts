// Activities of the skeleton workflows: the same calls as the product's, with empty bodies. The only thing they
// keep is a note in memory of where each round stands, so the skeleton API can answer GET /tasks from it the way
// the product answers from PostgreSQL.
import type { Stage } from '../domain/enums';
import { roundWorkflowId } from '../domain/constants';
import type { CampaignInput, CampaignScope } from '../domain/campaign';

export interface BoardRound {
  roundId: string;
  villageCode: string;
  stage: Stage;
  status: 'OPEN' | 'COMPLETED';
  deadline: number;
}

/** What the skeleton "persists": in memory, no I/O. */
export interface Board {
  rounds: Map<string, BoardRound>;
  campaigns: Map<string, { status: 'RUNNING' | 'COMPLETED'; scope: CampaignScope }>;
  /** Village codes by township code, as the seeded database has them. */
  villages: Map<string, string[]>;
}

export interface SkeletonTransition {
  roundId: string;
  villageCode: string;
  seq: number;
  kind: string;
  stage: Stage;
  status: 'OPEN' | 'COMPLETED';
  deadline: number;
}

function inScope(scope: CampaignScope, villageCode: string): boolean {
  return villageCode.startsWith(scope.scopeCode) && (scope.villages === 'ALL' || scope.villages.includes(villageCode));
}

export function createSkeletonActivities(board: Board) {
  return {
    async record(t: SkeletonTransition): Promise<{ applied: boolean }> {
      board.rounds.set(t.roundId, {
        roundId: t.roundId,
        villageCode: t.villageCode,
        stage: t.stage,
        status: t.status,
        deadline: t.deadline,
      });
      return { applied: true };
    },
    async recordCampaign(input: CampaignInput): Promise<void> {
      board.campaigns.set(input.campaignId, { status: 'RUNNING', scope: input.scope });
    },
    async listCampaignTownships(args: { scope: CampaignScope; after?: string; limit: number }): Promise<string[]> {
      return [...board.villages.entries()]
        .filter(([, codes]) => codes.some((c) => inScope(args.scope, c)))
        .map(([t]) => t)
        .sort()
        .filter((t) => t > (args.after ?? ''))
        .slice(0, args.limit);
    },
    async planTownshipRounds(args: { campaignId: string; townshipCode: string }) {
      const scope = board.campaigns.get(args.campaignId)!.scope;
      const codes = (board.villages.get(args.townshipCode) ?? []).filter((c) => inScope(scope, c));
      // Skeleton round ids carry the campaign id so that runs on one dev server never collide.
      const rounds = codes.map((villageCode) => ({
        villageCode,
        roundNo: 1,
        roundId: `skeleton-${args.campaignId}-${roundWorkflowId(villageCode, 1)}`,
      }));
      return { rounds, skipped: [] as { villageCode: string; openRoundId: string }[] };
    },
    async finishCampaign(args: { campaignId: string; status: 'COMPLETED' | 'CANCELLED' }): Promise<void> {
      board.campaigns.get(args.campaignId)!.status = 'COMPLETED';
      void args.status;
    },
  };
}
export type SkeletonActivities = ReturnType<typeof createSkeletonActivities>;
