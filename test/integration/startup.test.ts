// Misconfiguration stops start-up with one clear message naming the setting and the fix, never a stack trace.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

async function start(env: Record<string, string>) {
  try {
    await run(process.execPath, [require.resolve('tsx/cli'), 'scripts/start.ts'], {
      cwd: root,
      env: { ...process.env, SEED: 'false', ...env },
      timeout: 60_000,
    });
    throw new Error('start-up should have failed');
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

function expectClearFailure(r: { code?: number; out: string }, setting: string) {
  expect(r.code).toBe(1);
  expect(r.out).toContain('jingzhun: cannot start.');
  expect(r.out).toContain(setting);
  expect(r.out).toMatch(/Fix/);
  expect(r.out).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack frames
}

test('an unreachable DATABASE_URL', async () => {
  expectClearFailure(
    await start({ DATABASE_URL: 'postgresql://nobody@127.0.0.1:9/nowhere', API_PORT: '39871' }),
    'DATABASE_URL',
  );
});

test('a port in use', async () => {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as net.AddressInfo).port;
  try {
    expectClearFailure(await start({ API_PORT: String(port) }), 'API_PORT');
  } finally {
    server.close();
  }
});

test('a worker metrics port in use', async () => {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as net.AddressInfo).port;
  try {
    expectClearFailure(await start({ WORKER_METRICS_PORT: String(port), API_PORT: '39874' }), 'WORKER_METRICS_PORT');
  } finally {
    server.close();
  }
});

test('an invalid setting', async () => {
  expectClearFailure(await start({ API_PORT: 'eighty' }), 'API_PORT');
  expectClearFailure(await start({ SEED: 'maybe', API_PORT: '39872' }), 'SEED');
});

test('no Temporal CLI and no Go', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'jz-home-'));
  const bin = path.dirname(process.execPath);
  const r = await start({ HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), PATH: bin, API_PORT: '39873' });
  expectClearFailure(r, 'TEMPORAL_CLI');
  expect(r.out).toContain('No Temporal CLI found and no Go toolchain');
  fs.rmSync(home, { recursive: true, force: true });
});

test('a malformed or missing payload key', async () => {
  const r = await start({ PAYLOAD_KEYS: 'k1:c2hvcnQ=', API_PORT: '39875' });
  expectClearFailure(r, 'PAYLOAD_KEYS');
  expect(r.out).toContain('entry 1 ("k1"): the key must be 32 bytes');
  // Against a configured Temporal nothing is generated: the keys must be given.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jz-keys-'));
  try {
    const missing = await start({ TEMPORAL_ADDRESS: '127.0.0.1:9', DATA_DIR: dataDir, API_PORT: '39876' });
    expectClearFailure(missing, 'PAYLOAD_KEYS');
    expect(missing.out).toContain('no payload encryption key is configured');
    expect(fs.readdirSync(dataDir)).toEqual([]);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
