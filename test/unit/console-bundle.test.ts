// The console's sources build into one script in memory (what the API serves at /console/app.js), and a
// source that does not build is an error naming the problem, never an empty script.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildConsoleBundle, CONSOLE_ENTRY } from '../../api/console-bundle';

test('console/src builds into one minified script with Preact and the Chinese labels', async () => {
  const text = await buildConsoleBundle(CONSOLE_ENTRY);
  expect(text.length).toBeGreaterThan(10_000);
  // An IIFE (no module syntax for the old office browsers), the domain's labels bundled in.
  expect(text).toMatch(/^"use strict";\(\(\)=>\{/);
  expect(text).not.toMatch(/\bimport\s*[{*]/);
  expect(text).toContain('第一次公示');
  expect(text).toContain('工作人员令牌');
}, 60_000);

test('a source that does not build is an error naming it', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'console-bundle-'));
  const entry = path.join(dir, 'main.tsx');
  await writeFile(entry, "import { missing } from './nowhere';\nmissing();\n");
  await expect(buildConsoleBundle(entry)).rejects.toThrow(/nowhere/);
}, 60_000);
