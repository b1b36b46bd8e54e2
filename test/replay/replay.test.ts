// Replays every recorded history against the current workflow code: a change that would break running
// rounds fails here. A deliberately nondeterministic variant of the workflow must fail the same replay.
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { quietRuntime, workflowBundle } from '../support/stack';

const ROOT = path.resolve(__dirname, '../..');
const HISTORIES = path.join(ROOT, 'test', 'histories');

function histories() {
  return fs
    .readdirSync(HISTORIES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      workflowId: f.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES, f), 'utf8'))),
    }));
}

async function replayAll(bundle: Awaited<ReturnType<typeof workflowBundle>>) {
  const results: { workflowId: string; error?: unknown }[] = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle: bundle }, histories())) results.push(r);
  return results;
}

beforeAll(() => quietRuntime());

test('every recorded history replays against the current workflow code', async () => {
  const results = await replayAll(await workflowBundle());
  expect(results.length).toBeGreaterThanOrEqual(3);
  for (const r of results)
    expect({ workflowId: r.workflowId, error: r.error }).toEqual({ workflowId: r.workflowId, error: undefined });
});

/**
 * Bundles a copy of workflows/ and domain/ (inside the project, so node_modules resolve) with one extra
 * timer before the round's first command, optionally behind patched(): the kind of change that needs it.
 */
async function mutantBundle(name: string, extraTimer: string) {
  const dir = path.join(ROOT, '.data', `replay-${name}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, 'workflows'), path.join(dir, 'workflows'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'domain'), path.join(dir, 'domain'), { recursive: true });
  const file = path.join(dir, 'workflows', 'round.ts');
  const source = fs.readFileSync(file, 'utf8');
  const mutated = (
    /^\s+patched,$/m.test(source)
      ? source
      : source.replace('  allHandlersFinished,\n', '  allHandlersFinished,\n  patched,\n')
  )
    .replace('  allHandlersFinished,\n', '  allHandlersFinished,\n  sleep,\n')
    .replace(
      '  upsertSearchAttributes([\n    { key: VILLAGE_KEY',
      `  ${extraTimer}\n  upsertSearchAttributes([\n    { key: VILLAGE_KEY`,
    );
  expect(mutated.split(extraTimer)).toHaveLength(2);
  fs.writeFileSync(file, mutated);
  try {
    return await bundleWorkflowCode({ workflowsPath: path.join(dir, 'workflows'), logger: new DefaultLogger('WARN') });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('a nondeterministic change to the round workflow fails the replay', async () => {
  const results = await replayAll(await mutantBundle('unpatched', "await sleep('1 second');"));
  expect(results.length).toBeGreaterThanOrEqual(3);
  for (const r of results) {
    expect(r.error).toBeDefined();
    expect(String((r.error as Error).name ?? '') + String((r.error as Error).message)).toMatch(/[Nn]ondeterminis/);
  }
});

test('the same change behind patched() replays the recorded histories', async () => {
  const results = await replayAll(
    await mutantBundle('patched', "if (patched('extra-timer')) await sleep('1 second');"),
  );
  expect(results.length).toBeGreaterThanOrEqual(3);
  for (const r of results) expect(r.error).toBeUndefined();
});
