// Applies committed migrations (and seeds the demo county when SEED=true): the one-shot job of a deployment.
import { exitWithStartupError, loadConfig } from '../infra/config';
import { openDatabase } from '../infra/bootstrap';
import { seedDemoCounty } from '../infra/seed';

async function main() {
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    process.stdout.write('Migrations applied.\n');
    if (config.SEED) {
      const s = await seedDemoCounty(db.prisma);
      process.stdout.write(`Seeded: ${s.townships} townships, ${s.villages} villages, ${s.households} households.\n`);
    }
  } finally {
    await db.stop();
  }
}

main().catch(exitWithStartupError);
