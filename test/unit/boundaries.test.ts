// The folder boundaries of README's Architecture fail the build: the repository's own ESLint configuration is run on
// forbidden imports placed in a copy of the tree, and the import graph of the project's own files has no cycle.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import madge from 'madge';

const root = path.resolve(__dirname, '../..');
const FOLDERS = ['api', 'activities', 'workflows', 'domain', 'infra', 'scripts', 'sim', 'bench', 'kit'];

let copy: string;

beforeAll(() => {
  copy = fs.mkdtempSync(path.join(os.tmpdir(), 'jz-boundaries-'));
  for (const entry of [...FOLDERS, 'test', 'generated', 'eslint.config.mjs', 'tsconfig.json', 'package.json'])
    fs.cpSync(path.join(root, entry), path.join(copy, entry), { recursive: true });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  lintProbes();
}, 300_000);

afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

const FORBIDDEN: [string, string][] = [
  [
    'workflows/probe-activity.ts',
    "import { createActivities } from '../activities';\nexport const a = createActivities;\n",
  ],
  ['workflows/probe-infra.ts', "import { loadConfig } from '../infra/config';\nexport const a = loadConfig;\n"],
  ['workflows/probe-api.ts', "import { createApp } from '../api/app';\nexport const a = createApp;\n"],
  ['workflows/probe-node.ts', "import fs from 'node:fs';\nexport const a = fs.readFileSync;\n"],
  ['workflows/probe-client.ts', "import { Client } from '@temporalio/client';\nexport const a = Client;\n"],
  ['domain/probe-infra.ts', "import { loadConfig } from '../infra/config';\nexport const a = loadConfig;\n"],
  [
    'domain/probe-workflow.ts',
    "import { roundWorkflow } from '../workflows/round';\nexport const a = roundWorkflow;\n",
  ],
  ['domain/probe-node.ts', "import path from 'node:path';\nexport const a = path.join;\n"],
  ['api/probe-activity.ts', "import { createActivities } from '../activities';\nexport const a = createActivities;\n"],
  [
    'api/routes/probe-activity.ts',
    "import { createRoundActivities } from '../../activities/rounds';\nexport const a = createRoundActivities;\n",
  ],
  ['infra/probe-test.ts', "import setup from '../test/support/global-setup';\nexport const a = setup;\n"],
  ['api/probe-test.ts', "import setup from '../test/support/global-setup';\nexport const a = setup;\n"],
  ['bench/probe-test.ts', "import setup from '../test/support/global-setup';\nexport const a = setup;\n"],
  ['kit/probe-test.ts', "import setup from '../test/support/global-setup';\nexport const a = setup;\n"],
  ['infra/probe-kit.ts', "import { eventually } from '../kit/wait';\nexport const a = eventually;\n"],
  ['api/probe-kit.ts', "import { api } from '../kit/http';\nexport const a = api;\n"],
  ['scripts/probe-kit.ts', "import { startStack } from '../kit/stack';\nexport const a = startStack;\n"],
];

const ALLOWED: [string, string][] = [
  [
    'workflows/probe-ok.ts',
    "import { proxyActivities } from '@temporalio/workflow';\nimport type { createActivities } from '../activities';\nimport { STAGES } from '../domain/enums';\nimport { cancelRoundSignal } from './round-contract';\nexport const a = [proxyActivities<ReturnType<typeof createActivities>>, STAGES, cancelRoundSignal];\n",
  ],
  ['domain/probe-ok.ts', "import { STAGES } from './enums';\nexport const a = STAGES;\n"],
  [
    'api/probe-ok.ts',
    "import { cancelRoundSignal } from '../workflows/round-contract';\nimport { loadConfig } from '../infra/config';\nexport const a = [cancelRoundSignal, loadConfig];\n",
  ],
  ['test/probe-ok.test.ts', "import { createActivities } from '../activities';\nexport const a = createActivities;\n"],
  ['test/probe-kit-ok.test.ts', "import { startStack } from '../kit/stack';\nexport const a = startStack;\n"],
  ['bench/probe-ok.ts', "import { eventually } from '../kit/wait';\nexport const a = eventually;\n"],
  ['kit/probe-ok.ts', "import { loadConfig } from '../infra/config';\nexport const a = loadConfig;\n"],
];

type Message = { ruleId: string | null; fatal?: boolean; message: string };
const problems = new Map<string, Message[]>();

/** Places every probe in the copy and runs the ESLint CLI there once (typed linting takes a while to start). */
function lintProbes() {
  const probes = [...FORBIDDEN, ...ALLOWED];
  for (const [file, source] of probes) fs.writeFileSync(path.join(copy, file), source);
  let out: string;
  try {
    out = execFileSync(
      process.execPath,
      [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', ...probes.map(([f]) => f)],
      { cwd: copy, encoding: 'utf8', maxBuffer: 16 << 20 },
    );
  } catch (err) {
    const e = err as { status?: number; stdout: string; stderr: string };
    if (e.status !== 1) throw new Error(`eslint failed: ${e.stderr}`);
    out = e.stdout; // exit code 1: problems found
  }
  for (const r of JSON.parse(out) as { filePath: string; messages: Message[] }[])
    problems.set(path.relative(copy, r.filePath), r.messages);
}

function importProblems(file: string): string[] {
  const messages = problems.get(file);
  expect(messages).toBeDefined();
  expect(messages!.filter((m) => m.fatal)).toEqual([]);
  return messages!.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

test.each(FORBIDDEN)('a forbidden import fails lint: %s', (file) => {
  expect(importProblems(file)).toHaveLength(1);
});

test.each(ALLOWED)('an allowed import passes the same rules: %s', (file) => {
  expect(importProblems(file)).toEqual([]);
});

test('no import cycle between project files', async () => {
  const graph = await madge(
    FOLDERS.map((f) => path.join(root, f)),
    {
      baseDir: root,
      fileExtensions: ['ts'],
      tsConfig: path.join(root, 'tsconfig.json'),
      excludeRegExp: [/generated\//],
    },
  );
  expect(Object.keys(graph.obj()).length).toBeGreaterThan(80);
  expect(graph.circular()).toEqual([]);
});

test('no import cycle between the console’s modules', async () => {
  const graph = await madge(path.join(root, 'console', 'src'), {
    baseDir: root,
    fileExtensions: ['ts', 'tsx'],
    tsConfig: path.join(root, 'console', 'tsconfig.json'),
  });
  expect(Object.keys(graph.obj()).length).toBeGreaterThan(10);
  expect(graph.circular()).toEqual([]);
});
