import type { PrismaClient } from '../infra/db';
import { createRoundActivities } from './rounds';

export interface ActivityDeps {
  prisma: PrismaClient;
}

/** Every activity the workers register; workflows proxy them through `import type`. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createRoundActivities(deps),
  };
}
