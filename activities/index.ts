import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../infra/db';
import { createRoundActivities } from './rounds';

export interface ActivityDeps {
  prisma: PrismaClient;
  /** For activities that signal or start workflows (campaign cancellation, sweep escalations). */
  client: Client;
}

/** Every activity the workers register; workflows proxy them through `import type`. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createRoundActivities(deps),
  };
}
