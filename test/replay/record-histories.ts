// Records the workflow histories that CI replays: `npm run histories:record`. Re-record after a deliberate,
// patched() change to a workflow, and keep the old files too (they prove old histories still replay).
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { ensureTemporalCli } from '../../infra/temporal-cli';
import { startStack } from '../support/stack';
import { SCENARIOS } from './scenarios';

async function main() {
  process.env.TEMPORAL_CLI_PATH ??= ensureTemporalCli();
  process.env.TEST_DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/postgres';
  const stack = await startStack();
  try {
    const villages = await stack.db.prisma.village.findMany({ orderBy: { code: 'asc' }, take: 10, skip: 100 });
    const dir = path.resolve(__dirname, '..', 'histories');
    let i = 0;
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      const roundId = await scenario({ baseUrl: stack.baseUrl, prisma: stack.db.prisma }, villages[i++]!.code);
      const handle = stack.env.client.workflow.getHandle(roundId);
      await handle.result().catch(() => undefined);
      const history = await handle.fetchHistory();
      const file = path.join(dir, `round-${name}.json`);
      fs.writeFileSync(file, historyToJSON(temporal.api.history.v1.History.create(history)) + '\n');
      process.stdout.write(`${file}: ${history.events?.length ?? 0} events\n`);
    }
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  process.stderr.write(String((err as Error).stack ?? err) + '\n');
  process.exit(1);
});
