// Records the workflow histories that CI replays: `npm run histories:record [scenario …]` (all by default).
// An existing file is kept, never overwritten: after a deliberate, patched() change to a workflow, record under
// new names and keep the old files too (they prove old histories still replay).
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { ensureTemporalCli } from '../../infra/temporal-cli';
import { startStack } from '../../kit/stack';
import { HISTORY_PAYLOAD_KEY } from '../../kit/temporal';
import { campaignCancelled, SCENARIOS, sweep } from '../../kit/scenarios';
import { RECORDED_RULES, SCENARIOS_V2 } from '../../kit/scenarios-v2';
import { villageExitCompleted } from '../../kit/scenarios-exit';

async function main() {
  process.env.TEMPORAL_CLI_PATH ??= ensureTemporalCli();
  process.env.TEST_DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/postgres';
  const only = process.argv.slice(2);
  if (only.length > 0 && only.every((n) => n === 'exitVillageCompleted')) return recordExits(only);
  const stack = await startStack({ payloadKeys: false });
  try {
    const ctx = { baseUrl: stack.baseUrl, prisma: stack.db.prisma };
    const villages = await stack.db.prisma.village.findMany({ orderBy: { code: 'asc' }, take: 10, skip: 100 });
    const workflows: Record<string, string> = {};
    let i = 0;
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      const villageCode = villages[i++]!.code;
      if (only.length === 0 || only.includes(name)) workflows[`round-${name}`] = await scenario(ctx, villageCode);
    }
    // A township none of the round scenarios' villages are in.
    const township = await stack.db.prisma.township.findFirstOrThrow({
      where: { code: { notIn: villages.map((v) => v.townshipCode) } },
      orderBy: { code: 'asc' },
    });
    if (only.length === 0 || only.includes('campaignCancelled'))
      Object.assign(workflows, await campaignCancelled(ctx, township.code));
    if (only.length === 0 || only.includes('sweep')) Object.assign(workflows, await sweep(ctx, township.countyCode));
    for (const [name, workflowId] of Object.entries(workflows)) await save(stack, name, workflowId);
  } finally {
    await stack.stop();
  }
  await recordV2(only);
  await recordV2(only, { encrypted: true });
  await recordExits(only);
}

/**
 * The scenarios of the rules of version 2, on a stack whose API captures rules into the rounds it starts.
 * `encrypted`: recorded with the product's codec under HISTORY_PAYLOAD_KEY, as `<name>.encrypted.json`
 * (`npm run histories:record encrypted` records only these).
 */
async function recordV2(only: string[], { encrypted = false } = {}) {
  const wanted = (n: string) => only.length === 0 || only.includes(encrypted ? 'encrypted' : n);
  const names = Object.keys(SCENARIOS_V2).filter(wanted);
  if (names.length === 0) return;
  const stack = await startStack({ rules: RECORDED_RULES, payloadKeys: encrypted ? [HISTORY_PAYLOAD_KEY] : false });
  try {
    const ctx = { baseUrl: stack.baseUrl, prisma: stack.db.prisma };
    // Other villages for the encrypted recordings: each history keeps its own workflow ID.
    const villages = await stack.db.prisma.village.findMany({
      orderBy: { code: 'asc' },
      take: 10,
      skip: encrypted ? 140 : 120,
    });
    const workflows: Record<string, string> = {};
    for (const [i, name] of names.entries()) {
      workflows[`round-${name}`] = await SCENARIOS_V2[name as keyof typeof SCENARIOS_V2](ctx, villages[i]!.code);
    }
    for (const [name, workflowId] of Object.entries(workflows))
      await save(stack, encrypted ? `${name}.encrypted` : name, workflowId);
  } finally {
    await stack.stop();
  }
}

/** A village's exit (摘帽), with plain payloads like the other recorded histories (the replay reads them as such). */
async function recordExits(only: string[]) {
  if (only.length > 0 && !only.includes('exitVillageCompleted')) return;
  const stack = await startStack({ rules: RECORDED_RULES, payloadKeys: false });
  try {
    const ctx = { baseUrl: stack.baseUrl, prisma: stack.db.prisma };
    const village = await stack.db.prisma.village.findFirstOrThrow({ orderBy: { code: 'asc' }, skip: 140 });
    await save(stack, 'exit-villageCompleted', await villageExitCompleted(ctx, village.code));
  } finally {
    await stack.stop();
  }
}

/** Waits for the workflow to close and writes its history to test/histories/<name>.json. */
async function save(stack: Awaited<ReturnType<typeof startStack>>, name: string, workflowId: string) {
  const handle = stack.env.client.workflow.getHandle(workflowId);
  await handle.result().catch(() => undefined);
  const history = await handle.fetchHistory();
  const file = path.resolve(__dirname, '..', 'histories', `${name}.json`);
  if (fs.existsSync(file)) {
    process.stdout.write(`${file}: exists, kept (delete it to record it again)\n`);
    return;
  }
  fs.writeFileSync(file, historyToJSON(temporal.api.history.v1.History.create(history)) + '\n');
  // The replay runs each history under the workflow ID it was recorded with.
  const idsFile = path.resolve(__dirname, '..', 'histories', 'workflow-ids.json');
  const ids = fs.existsSync(idsFile) ? (JSON.parse(fs.readFileSync(idsFile, 'utf8')) as Record<string, string>) : {};
  ids[name] = workflowId;
  fs.writeFileSync(idsFile, JSON.stringify(ids, null, 2) + '\n');
  process.stdout.write(`${file}: ${history.events?.length ?? 0} events\n`);
}

main().catch((err) => {
  process.stderr.write(String((err as Error).stack ?? err) + '\n');
  process.exit(1);
});
