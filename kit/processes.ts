// The product's scripts as real processes, for fault and cluster tests and benchmarks: scripts/worker.ts,
// scripts/api.ts, scripts/cluster.ts run under `node --import tsx`, one OS process each (the pid is the service's
// own), so a test can SIGKILL them like a crash would and a benchmark can measure them.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { eventually } from './http';

const ROOT = path.resolve(__dirname, '..');

export interface Child {
  name: string;
  pid: number;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly running: boolean;
  output(): string;
  /** Sends the signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** An orderly stop: `signal` (SIGTERM), then SIGKILL if the process is still running after `graceMs`. */
  stop(graceMs: number, signal?: NodeJS.Signals): Promise<void>;
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

export interface SpawnOptions {
  /** How much of the end of its output to keep (default 20,000 characters). */
  keepChars?: number;
  /** Node's own flags, before the script (e.g. --cpu-prof, which NODE_OPTIONS does not allow). */
  nodeArgs?: string[];
}

/** Runs `script` with `env` over this process's environment; keeps the end of its output. */
export function spawnScript(
  name: string,
  script: string,
  env: Record<string, string>,
  { keepChars = 20_000, nodeArgs = [] }: SpawnOptions = {},
): Child {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  // Keep only the tail: a service that logs every request must not fill the caller's memory.
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-keepChars);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    pid: child.pid!,
    exited,
    get running() {
      return running();
    },
    output: () => out,
    async kill(signal = 'SIGKILL') {
      if (running()) child.kill(signal);
      await exited;
    },
    async stop(graceMs, signal = 'SIGTERM') {
      if (!running()) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits for a condition, failing at once (with the process's output) if the process exits first. */
export async function untilReady(
  child: Child,
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
) {
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
    LOG_LEVEL: 'warn',
    // The daily supervision sweep would write through the same proxy as the rounds: keep it out of the test.
    SUPERVISION_CRON: '0 0 1 1 *',
    // Rounds of a few seconds: the minimum publicity period is set low explicitly.
    MIN_PUBLICITY_PERIOD: '1s',
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
  await untilReady(child, `${name} to poll ${t.taskQueue}`, () => child.output().includes('Worker polling'), 120_000);
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
  await untilReady(child, `${name} to answer /health`, async () => {
    const res = await fetch(`${baseUrl}/health`).catch(() => undefined);
    return res?.status === 200;
  });
  return Object.assign(child, { baseUrl });
}
