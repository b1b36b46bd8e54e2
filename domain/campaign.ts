// Types of county-wide campaigns (动态调整): one parent workflow, one child per township, one round per village.
import type { Actor, RoundPolicy, RoundRules } from './round';

export interface CampaignScope {
  /** The county (or other division) the campaign covers. */
  scopeCode: string;
  /** "ALL" villages in scope, or an explicit list. */
  villages: 'ALL' | string[];
}

export interface CampaignInput {
  campaignId: string;
  name: string;
  year: number;
  scope: CampaignScope;
  policy: RoundPolicy;
  createdBy: Actor;
  /** The rules every round of the campaign runs under (absent in campaigns started before them). */
  rules?: RoundRules;
  /** Township workflows started at once (bounded so a national campaign does not start in one burst). */
  townshipConcurrency: number;
  /** Rounds a township workflow starts at once. */
  roundConcurrency: number;
  /** Carried across continue-as-new. */
  progress?: CampaignProgressState;
}

export interface CampaignProgressState {
  /** Last township code launched (townships are launched in code order). */
  cursor?: string;
  launched: number;
  done: number;
  allLaunched: boolean;
  cancelled?: { actor: Actor; reason: string };
}

export interface TownshipCampaignInput {
  campaignId: string;
  townshipCode: string;
  policy: RoundPolicy;
  createdBy: Actor;
  rules?: RoundRules;
  roundConcurrency: number;
}

export interface TownshipDone {
  townshipCode: string;
  started: number;
  skipped: number;
  completed: number;
  cancelled: number;
}

export interface CampaignCancel {
  actor: Actor;
  reason: string;
}

export function townshipWorkflowId(campaignId: string, townshipCode: string): string {
  return `${campaignId}-township-${townshipCode}`;
}
