// A newcomer's first start, exactly as the README tells it: a fresh `git clone` into a folder only its owner may
// enter (mode 0700, like root's home directory), `npm install`, then `npm start` with DATABASE_URL unset, twice.
// As root, the embedded PostgreSQL runs as the user `postgres`, who cannot reach into that folder
// (infra/local-postgres.ts); as any other user it runs as that user. Either way /api/v1/health must answer 200.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '../../kit/http';

const exec = promisify(execFile);
const root = path.resolve(__dirname, '../..');

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

async function health(url: string): Promise<number | undefined> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return undefined;
  }
}

function npmStart(cwd: string, env: NodeJS.ProcessEnv, output: string[]): ChildProcess {
  const child = spawn('npm', ['start'], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
  return child;
}

/** Ctrl-C as a terminal sends it: SIGINT to the whole process group; resolves when npm has exited. */
async function interrupt(child: ChildProcess): Promise<{ killed: boolean }> {
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  if (child.exitCode !== null || child.signalCode !== null) return { killed: false };
  process.kill(-child.pid!, 'SIGINT');
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    process.kill(-child.pid!, 'SIGKILL');
  }, 45_000);
  await exited;
  clearTimeout(timer);
  return { killed };
}

test('npm install && npm start from a fresh clone under a 0700 folder, DATABASE_URL unset, twice', async () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'jz-first-start-'));
  expect(fs.statSync(parent).mode & 0o777).toBe(0o700);
  const clone = path.join(parent, 'jingzhun');
  await exec('git', ['clone', '--quiet', root, clone]);
  await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: clone, maxBuffer: 64 << 20 });

  const apiPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: '',
    TEMPORAL_ADDRESS: '',
    API_PORT: String(apiPort),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
  };
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  const url = `http://127.0.0.1:${apiPort}/api/v1/health`;
  const keyFile = path.join(clone, '.data', 'payload-keys');
  const keys: string[] = [];
  try {
    for (const attempt of ['first', 'second']) {
      const output: string[] = [];
      const child = npmStart(clone, env, output);
      try {
        await eventually(
          async () => (child.exitCode !== null ? 'exited' : (await health(url)) === 200),
          240_000,
          `health on the ${attempt} start`,
        );
        expect({ attempt, exited: child.exitCode, output: child.exitCode === null ? '' : output.join('') }).toEqual({
          attempt,
          exited: null,
          output: '',
        });
        expect(await health(url)).toBe(200);
        expect(output.join('')).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace on the way
      } finally {
        // npm itself dies of the SIGINT; what matters is that the stack stopped in order, in time.
        expect(await interrupt(child)).toEqual({ killed: false });
      }
      expect(output.join('')).toContain('Stopped.');
      expect(output.join('')).toContain(`Codec server: http://127.0.0.1:${apiPort}/codec`);
      // The demo's payload key: made on the first start, private, reused on the second.
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
      keys.push(fs.readFileSync(keyFile, 'utf8'));
    }
    expect(keys[1]).toBe(keys[0]);
    if (os.userInfo().uid === 0) {
      // The cluster's data could not stay in the 0700 tree: it sits where DATA_DIR/postgres.location says.
      const located = fs.readFileSync(path.join(clone, '.data', 'postgres.location'), 'utf8').trim();
      expect(fs.existsSync(path.join(located, 'PG_VERSION'))).toBe(true);
      fs.rmSync(located, { recursive: true, force: true });
    }
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
}, 900_000);
