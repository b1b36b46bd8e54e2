// Real processes for fault tests: the standalone worker and API (scripts/worker.ts, scripts/api.ts) run
// under `node --import tsx`, one OS process each, so a test can SIGKILL them like a crash would.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { eventually } from '../../support/http';

const ROOT = path.resolve(__dirname, '../../..');

export interface Child {
  name: string;
  pid: number;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly running: boolean;
  output(): string;
  /** Sends the signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const live = new Set<ChildProcess>();
// Last resort if jest itself is torn down: never leave a worker or API behind.
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** Kills every child process still running (afterAll: also after a failed test). */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...live].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
  live.clear();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function spawnScript(name: string, script: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    // The daily supervision sweep would write through the same proxy as the rounds: keep it out of the test.
    env: { ...process.env, LOG_LEVEL: 'warn', SUPERVISION_CRON: '0 0 1 1 *', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  return {
    name,
    pid: child.pid!,
    exited,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    output: () => out,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Waits for a condition, failing at once (with the process's output) if the process exits first. */
async function waitFor(child: Child, what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000) {
  try {
    await eventually(
      async () => {
        if (!child.running) throw new Error(`${child.name} exited`);
        return check();
      },
      timeoutMs,
      what,
    );
  } catch (err) {
    await child.kill();
    throw new Error(`${child.name}: ${(err as Error).message}\n--- output ---\n${child.output()}`, { cause: err });
  }
}

export interface ProcessTarget {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  /** PAYLOAD_KEYS of the processes (infra/codec.ts). */
  payloadKeys: string;
}

function envOf(t: ProcessTarget): Record<string, string> {
  return {
    DATABASE_URL: t.databaseUrl,
    TEMPORAL_ADDRESS: t.temporalAddress,
    TEMPORAL_NAMESPACE: t.namespace,
    TASK_QUEUE: t.taskQueue,
    PAYLOAD_KEYS: t.payloadKeys,
  };
}

/** scripts/worker.ts, once it polls its task queue. */
export async function startWorker(t: ProcessTarget, name = 'worker'): Promise<Child> {
  const child = spawnScript(name, 'scripts/worker.ts', envOf(t));
  await waitFor(child, `${name} to poll ${t.taskQueue}`, () => child.output().includes('Worker polling'), 120_000);
  return child;
}

export interface ApiProcess extends Child {
  baseUrl: string;
}

/** scripts/api.ts on a free port, once /health answers 200 (database and Temporal reachable). */
export async function startApi(t: ProcessTarget, name = 'api'): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawnScript(name, 'scripts/api.ts', { ...envOf(t), API_HOST: '127.0.0.1', API_PORT: String(port) });
  const baseUrl = `http://127.0.0.1:${port}/api/v1`;
  await waitFor(child, `${name} to answer /health`, async () => {
    const res = await fetch(`${baseUrl}/health`).catch(() => undefined);
    return res?.status === 200;
  });
  return Object.assign(child, { baseUrl });
}
