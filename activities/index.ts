import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../infra/db';
import { createCampaignActivities } from './campaigns';
import { createExitActivities } from './exits';
import { createRoundActivities } from './rounds';
import { createSupervisionActivities } from './supervision';

export interface ActivityDeps {
  prisma: PrismaClient;
  /** For activities that signal or start workflows (campaign cancellation, sweep escalations). */
  client: Client;
}

/** Every activity the workers register; workflows proxy them through `import type`. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createRoundActivities(deps),
    ...createCampaignActivities(deps),
    ...createSupervisionActivities(deps),
    ...createExitActivities(deps),
  };
}
