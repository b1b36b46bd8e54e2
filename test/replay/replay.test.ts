// Replays every recorded history against the current workflow code: a change that would break running
// rounds fails here. A deliberately nondeterministic variant of the workflow must fail the same replay.
import fs from 'node:fs';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import type { WorkflowInfo } from '@temporalio/workflow';
import { bundleWorkflowCode, DefaultLogger, Worker, type InjectedSinks } from '@temporalio/worker';
import type { CommandProbe } from './command-probe';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, randomPayloadKey } from '../../infra/codec';
import { HISTORY_PAYLOAD_KEY, quietRuntime, testDataConverter, workflowBundle } from '../../kit/temporal';

const ROOT = path.resolve(__dirname, '../..');
const HISTORIES = path.join(ROOT, 'test', 'histories');
/** The workflow ID each history ran under, where the workflow reads it (the sweep names its findings after it). */
const WORKFLOW_IDS = 'workflow-ids.json';

/** The recorded histories (`round-…` for the round workflow's only). */
function histories(prefix = '') {
  const ids: Record<string, string> = JSON.parse(fs.readFileSync(path.join(HISTORIES, WORKFLOW_IDS), 'utf8'));
  return fs
    .readdirSync(HISTORIES)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json') && f !== WORKFLOW_IDS)
    .sort()
    .map((f) => ({
      workflowId: ids[f.replace(/\.json$/, '')] ?? f.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES, f), 'utf8'))),
    }));
}

/** Decrypts the histories recorded with encryption (`*.encrypted.json`); plain payloads pass through unchanged. */
const historyCodec = new AesGcmPayloadCodec([HISTORY_PAYLOAD_KEY]);

async function replayAll(
  bundle: Awaited<ReturnType<typeof workflowBundle>>,
  {
    sinks,
    prefix,
    dataConverter = testDataConverter([HISTORY_PAYLOAD_KEY]),
  }: {
    sinks?: InjectedSinks<CommandProbe>;
    prefix?: string;
    dataConverter?: ReturnType<typeof testDataConverter>;
  } = {},
) {
  const results: { workflowId: string; error?: unknown }[] = [];
  for await (const r of Worker.runReplayHistories(
    // With the product's codec: encrypted payloads decrypt with the recording's key, plain ones pass unchanged.
    { workflowBundle: bundle, sinks, dataConverter },
    histories(prefix),
  ))
    results.push(r);
  return results;
}

type Command = { kind: string; name: string; args: string };

const ms = (d: temporal.api.history.v1.ITimerStartedEventAttributes['startToFireTimeout']) =>
  Number(d?.seconds ?? 0) * 1000 + Math.round((d?.nanos ?? 0) / 1e6);
/** The values of recorded payloads, decrypted first where the history was recorded with encryption. */
async function values(payloads: temporal.api.common.v1.IPayloads | null | undefined): Promise<unknown[]> {
  const decoded = await historyCodec.decode(payloads?.payloads ?? []);
  return decoded.map((p) => defaultPayloadConverter.fromPayload(p));
}
const args = async (payloads: temporal.api.common.v1.IPayloads | null | undefined) =>
  JSON.stringify(await values(payloads));

/** The activities, timers, child workflows and signals a history recorded, in order, with their inputs. */
async function recordedCommands(history: temporal.api.history.v1.IHistory): Promise<Command[]> {
  const commands: Command[] = [];
  for (const e of history.events ?? []) {
    const a = e.activityTaskScheduledEventAttributes;
    if (a) commands.push({ kind: 'activity', name: a.activityType?.name ?? '', args: await args(a.input) });
    const t = e.timerStartedEventAttributes;
    if (t) commands.push({ kind: 'timer', name: 'timer', args: JSON.stringify(ms(t.startToFireTimeout)) });
    const c = e.startChildWorkflowExecutionInitiatedEventAttributes;
    if (c) commands.push({ kind: 'child', name: c.workflowType?.name ?? '', args: await args(c.input) });
    const s = e.signalExternalWorkflowExecutionInitiatedEventAttributes;
    if (s) commands.push({ kind: 'signal', name: s.signalName ?? '', args: await args(s.input) });
  }
  return commands;
}

beforeAll(() => quietRuntime());

test('every recorded history replays against the current workflow code', async () => {
  const types = histories().map(
    ({ history }) => history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name,
  );
  expect(new Set(types)).toEqual(
    new Set([
      'roundWorkflow',
      'campaignWorkflow',
      'townshipCampaignWorkflow',
      'supervisionSweepWorkflow',
      'exitWorkflow',
    ]),
  );
  const results = await replayAll(await workflowBundle());
  expect(results).toHaveLength(types.length);
  for (const r of results)
    expect({ workflowId: r.workflowId, error: r.error }).toEqual({ workflowId: r.workflowId, error: undefined });
});

test('replaying asks for the recorded activities, timers, children and signals, with the recorded inputs', async () => {
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    workflowInterceptorModules: [require.resolve('./command-probe')],
    logger: new DefaultLogger('WARN'),
  });
  const asked = new Map<string, Command[]>();
  const sinks: InjectedSinks<CommandProbe> = {
    probe: {
      command: {
        fn: (info: WorkflowInfo, kind: string, name: string, input: unknown) => {
          const list = asked.get(info.workflowId) ?? [];
          list.push({ kind, name, args: JSON.stringify(input) });
          asked.set(info.workflowId, list);
        },
        callDuringReplay: true,
      },
    },
  };
  const results = await replayAll(bundle, { sinks });
  for (const r of results) expect(r.error).toBeUndefined();
  for (const { workflowId, history } of histories()) {
    const recorded = await recordedCommands(history);
    expect(recorded.length).toBeGreaterThan(0);
    expect({ workflowId, commands: asked.get(workflowId) }).toEqual({ workflowId, commands: recorded });
  }
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
  // The round's first command is the upsert of its search attributes, in open().
  const anchor = '  upsertSearchAttributes([\n    { key: VILLAGE_KEY';
  expect(source).not.toMatch(/\b(patched|sleep)\b/);
  const mutated =
    "import { patched, sleep } from '@temporalio/workflow';\n" + source.replace(anchor, `  ${extraTimer}\n${anchor}`);
  expect(mutated.split(extraTimer)).toHaveLength(2);
  fs.writeFileSync(file, mutated);
  try {
    return await bundleWorkflowCode({ workflowsPath: path.join(dir, 'workflows'), logger: new DefaultLogger('WARN') });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('a nondeterministic change to the round workflow fails the replay', async () => {
  const results = await replayAll(await mutantBundle('unpatched', "await sleep('1 second');"), { prefix: 'round-' });
  expect(results.length).toBeGreaterThanOrEqual(4);
  for (const r of results) {
    expect(r.error).toBeDefined();
    expect(String((r.error as Error).name ?? '') + String((r.error as Error).message)).toMatch(/[Nn]ondeterminis/);
  }
});

test('the same change behind patched() replays the recorded histories', async () => {
  const results = await replayAll(
    await mutantBundle('patched', "if (patched('extra-timer')) await sleep('1 second');"),
    { prefix: 'round-' },
  );
  expect(results.length).toBeGreaterThanOrEqual(4);
  for (const r of results) expect(r.error).toBeUndefined();
});

test("a replay of a round under the rules of version 2 draws the county's sample it recorded", async () => {
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    workflowInterceptorModules: [require.resolve('./command-probe')],
    logger: new DefaultLogger('WARN'),
  });
  const drawn = new Map<string, string[][]>();
  const sampleOf = (transition: unknown) => {
    const d = (transition as { decision?: { kind?: string; payload?: { countySample?: string[] } } }).decision;
    return d?.kind === 'COUNTY_SAMPLE_DRAWN' ? d.payload?.countySample : undefined;
  };
  const sinks: InjectedSinks<CommandProbe> = {
    probe: {
      command: {
        fn: (info: WorkflowInfo, kind: string, name: string, input: unknown) => {
          const sample =
            kind === 'activity' && name === 'applyTransition' ? sampleOf((input as unknown[])[0]) : undefined;
          if (sample) drawn.set(info.workflowId, [...(drawn.get(info.workflowId) ?? []), sample]);
        },
        callDuringReplay: true,
      },
    },
  };
  const v2 = histories('round-v2');
  expect(v2.length).toBeGreaterThanOrEqual(2);
  for await (const r of Worker.runReplayHistories(
    { workflowBundle: bundle, sinks, dataConverter: testDataConverter([HISTORY_PAYLOAD_KEY]) },
    v2,
  ))
    expect(r.error).toBeUndefined();
  for (const { workflowId, history } of v2) {
    const recorded: string[][] = [];
    for (const e of history.events ?? []) {
      const a = e.activityTaskScheduledEventAttributes;
      const sample = a?.activityType?.name === 'applyTransition' ? sampleOf((await values(a.input))[0]) : undefined;
      if (sample) recorded.push(sample);
    }
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.every((s) => s.length > 0)).toBe(true);
    expect({ workflowId, drawn: drawn.get(workflowId) }).toEqual({ workflowId, drawn: recorded });
  }
});

/** Every payload of a recorded history (JSON form), except search attributes, which Temporal needs readable. */
function payloadEncodings(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) payloadEncodings(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    const encoding = (o.metadata as Record<string, string> | undefined)?.encoding;
    if (encoding !== undefined && 'data' in o) out.push(Buffer.from(encoding, 'base64').toString());
    for (const [k, v] of Object.entries(o)) if (k !== 'searchAttributes') payloadEncodings(v, out);
  }
  return out;
}

test('histories recorded with encryption carry no readable payload, replay with their key, and fail without it', async () => {
  const files = fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.encrypted.json'));
  expect(files.length).toBeGreaterThanOrEqual(2);
  for (const f of files) {
    const encodings = payloadEncodings(JSON.parse(fs.readFileSync(path.join(HISTORIES, f), 'utf8')));
    expect(encodings.length).toBeGreaterThan(10);
    expect({ f, readable: encodings.filter((e) => e !== ENCRYPTED_ENCODING) }).toEqual({ f, readable: [] });
  }
  // The plain recordings hold readable payloads: the check above can tell them apart.
  const plain = payloadEncodings(JSON.parse(fs.readFileSync(path.join(HISTORIES, 'round-v2HappyPath.json'), 'utf8')));
  expect(plain).toContain('json/plain');

  const prefix = 'round-v2';
  const names = histories(prefix).map((h) => h.workflowId);
  const withKey = await replayAll(await workflowBundle(), { prefix });
  expect(withKey.map((r) => r.error)).toEqual(names.map(() => undefined));
  // Without the recording's key the plain recordings still replay and each encrypted one fails.
  const withoutKey = await replayAll(await workflowBundle(), {
    prefix,
    dataConverter: testDataConverter([randomPayloadKey('other')]),
  });
  expect(withoutKey.filter((r) => r.error !== undefined)).toHaveLength(
    files.filter((f) => f.startsWith(prefix)).length,
  );
  expect(withoutKey.filter((r) => r.error === undefined).length).toBeGreaterThanOrEqual(2);
});
