// Shared by the benchmarks: a real stack (Temporal dev server from the CLI, a fresh database, worker, API),
// child processes, HTTP, and clean-up that also runs on Ctrl-C. What they print and judge is in report.ts.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../api/app';
import type { Role } from '../domain/enums';
import { loadConfig } from '../infra/config';
import { createPrisma, type PrismaClient } from '../infra/db';
import { createLogger } from '../infra/logger';
import { createOfficial } from '../infra/officials';
import { seedDemoCounty } from '../infra/seed';
import { DEV_SERVER_SQLITE_PRAGMAS } from '../infra/temporal-server';
import { createWorker, workerTuning, type WorkerTuning } from '../infra/worker';
import { formatPayloadKey, payloadDataConverter, randomPayloadKey } from '../infra/codec';
import type { SimOfficial } from '../sim/officials';
import { createTestDatabase, type TestDatabase } from '../kit/database';
import { spawnScript, untilReady } from '../kit/processes';
import { startDevServer as startKitDevServer, workflowBundle } from '../kit/temporal';
import { benchEnv, log, noteLoadBefore } from './report';

export { eventually, mapLimit } from '../kit/wait';
export { freePort } from '../kit/processes';
export { workflowBundle };
export * from './report';

export const ROOT = path.resolve(__dirname, '..');

// ---- clean-up ------------------------------------------------------------------------------------

const cleanups: Array<{ what: string; fn: () => Promise<unknown> }> = [];

/** Registers a clean-up step; they run in reverse order at the end of `runBench`, on error and on Ctrl-C. */
export function onCleanup(what: string, fn: () => Promise<unknown>): () => void {
  const entry = { what, fn };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

async function runCleanups() {
  while (cleanups.length > 0) {
    const { what, fn } = cleanups.pop()!;
    try {
      await fn();
    } catch (err) {
      process.stderr.write(`clean-up of ${what} failed: ${(err as Error).message}\n`);
    }
  }
}

/** Runs a benchmark and always cleans up; a benchmark measures and exits 0 unless it could not run at all. */
export function runBench(name: string, main: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${name}: ${signal}, cleaning up...\n`);
    void runCleanups().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const started = Date.now();
  noteLoadBefore(name);
  void main()
    .then(
      () => 0,
      (err: unknown) => {
        process.stderr.write(`${name} failed: ${(err as Error)?.stack ?? String(err)}\n`);
        return 1;
      },
    )
    .then(async (code) => {
      await runCleanups();
      log(`${name}: done in ${Math.round((Date.now() - started) / 1000)} s`);
      process.exit(code);
    });
}

// ---- Temporal dev server ---------------------------------------------------------------------------

/**
 * Every benchmark encrypts its payloads as the product does, with one key per run — the product's stack and the
 * skeleton baselines alike, so their ratios compare like with like. Scripts it runs get the same key.
 */
const BENCH_PAYLOAD_KEYS = [randomPayloadKey('bench')];
export const benchDataConverter = () => payloadDataConverter(BENCH_PAYLOAD_KEYS);
const BENCH_PAYLOAD_KEYS_ENV = BENCH_PAYLOAD_KEYS.map(formatPayloadKey).join(',');

export interface DevServerOptions {
  /** `file`: SQLite file as `npm start` runs it (default); `memory`: in-memory, as the tests run it. */
  storage?: 'file' | 'memory';
  /** SQLite pragmas ("journal_mode=WAL"); default: what `npm start` passes (infra/temporal-server.ts). */
  pragmas?: readonly string[];
}

/** Options from BENCH_TEMPORAL_STORAGE=file|memory and BENCH_SQLITE_PRAGMAS="a=b,c=d" (or "none"). */
export function devServerOptionsFromEnv(): Required<DevServerOptions> {
  const storage = process.env.BENCH_TEMPORAL_STORAGE === 'memory' ? 'memory' : 'file';
  const raw = process.env.BENCH_SQLITE_PRAGMAS;
  const pragmas =
    raw === undefined
      ? DEV_SERVER_SQLITE_PRAGMAS
      : raw === 'none' || raw === ''
        ? []
        : raw.split(',').map((p) => p.trim());
  return { storage, pragmas };
}

export function describeDevServer(o: Required<DevServerOptions>): string {
  return o.storage === 'memory'
    ? 'in-memory SQLite'
    : `SQLite file, pragmas: ${o.pragmas.length ? o.pragmas.join(', ') : 'SQLite defaults'}`;
}

/** The kit's dev server (kit/temporal.ts) with the benchmark's storage choice; stopped and removed at clean-up. */
export async function startDevServer(options: DevServerOptions = {}): Promise<TestWorkflowEnvironment> {
  const { cli } = benchEnv();
  const o = { ...devServerOptionsFromEnv(), ...options };
  let dbFilename: string | undefined;
  if (o.storage === 'file') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jz-bench-temporal-'));
    onCleanup('Temporal state directory', async () => fs.rmSync(dir, { recursive: true, force: true }));
    dbFilename = path.join(dir, 'temporal.db');
  }
  const env = await startKitDevServer({ cli, dbFilename, pragmas: o.pragmas, dataConverter: benchDataConverter() });
  onCleanup('Temporal dev server', () => env.teardown());
  return env;
}

// ---- database and stack ----------------------------------------------------------------------------

/** A fresh database with every migration applied, dropped at clean-up. */
export async function benchDatabase(prefix = 'jz_bench', keep = false): Promise<TestDatabase> {
  benchEnv();
  const db = await createTestDatabase(prefix);
  onCleanup(`database ${db.name}`, () => (keep ? db.prisma.$disconnect() : db.drop()));
  return db;
}

/** Worker options as the product's worker takes them from the environment (WORKER_MAX_CACHED_WORKFLOWS...). */
export function productTuning(): WorkerTuning {
  return workerTuning(loadConfig());
}

export interface BenchStack {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  worker: Worker;
  taskQueue: string;
  baseUrl: string;
  /** Server-side time of every request the API answered (from its request log). */
  requests: RequestLog;
}

/** Dev server, fresh seeded database, the product's worker (in this process) and the API on a free port. */
export async function startBenchStack(options: { seed?: boolean; devServer?: DevServerOptions } = {}) {
  const [env, db, bundle] = await Promise.all([
    startDevServer(options.devServer),
    benchDatabase(),
    workflowBundle(require.resolve('../workflows')),
  ]);
  if (options.seed !== false) await seedDemoCounty(db.prisma);
  const requests = new RequestLog();
  const taskQueue = `bench-${randomBytes(4).toString('hex')}`;
  const { worker } = await startProductWorker(env, db.url, bundle, taskQueue);
  const baseUrl = await listen(
    createApp({ prisma: db.prisma, client: env.client, taskQueue, logger: createLogger('info', requests.record) }),
    'product API',
  );
  return { env, db, worker, taskQueue, baseUrl, requests } satisfies BenchStack;
}

/**
 * The product's worker (infra/worker.ts, the product's tuning and data converter) in this process, on the dev
 * server, with its own connection pool to `databaseUrl`, as it has in every deployment (its own process, or its own
 * client in `npm start`): a burst of API reads never makes an activity's transaction wait for a connection.
 * Stopped at clean-up, or earlier by `stop` (then taken off the clean-up list).
 */
export async function startProductWorker(
  env: TestWorkflowEnvironment,
  databaseUrl: string,
  bundle: Awaited<ReturnType<typeof workflowBundle>>,
  taskQueue: string,
) {
  const prisma = createPrisma(databaseUrl);
  const forgetPrisma = onCleanup('worker Prisma client', () => prisma.$disconnect());
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    prisma,
    client: env.client,
    workflowBundle: bundle,
    tuning: productTuning(),
    dataConverter: benchDataConverter(),
  });
  const stopWorker = runWorker(worker);
  const forgetWorker = onCleanup('product worker', stopWorker);
  const stop = async () => {
    forgetWorker();
    await stopWorker();
    forgetPrisma();
    await prisma.$disconnect();
  };
  return { worker, prisma, stop };
}

/** Runs a worker until clean-up; returns the stop function. */
export function runWorker(worker: Worker): () => Promise<void> {
  const running = worker.run();
  return async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  };
}

/** Serves an Express app on a free loopback port; closed at clean-up. Returns the /api/v1 base URL. */
export async function listen(app: { listen: (port: number, host: string, cb: () => void) => Server }, what: string) {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  onCleanup(what, () => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
}

export async function officialToken(db: TestDatabase, role: Role, scopeCode: string, name = `${role} ${scopeCode}`) {
  return (await createOfficial(db.prisma, { role, scopeCode, name })).token;
}

/** Server-side request times by route, fed by the API's request log lines (method, route, status, ms). */
/**
 * An official for every village and township and one for the county (the simulated officials of a campaign);
 * `onCreated` sees each as created (bench:campaign maps tokens to actors for its skeleton).
 */
export async function simOfficials(
  p: PrismaClient,
  onCreated: (o: Awaited<ReturnType<typeof createOfficial>>) => void = () => undefined,
): Promise<SimOfficial[]> {
  const [villages, townships] = await Promise.all([
    p.village.findMany({ select: { code: true }, orderBy: { code: 'asc' } }),
    p.township.findMany({ select: { code: true } }),
  ]);
  const make = async (role: SimOfficial['role'], scopeCode: string): Promise<SimOfficial> => {
    const o = await createOfficial(p, { role, scopeCode, name: `${role} ${scopeCode}` });
    onCreated(o);
    return { role, scopeCode, token: o.token };
  };
  return [
    ...(await Promise.all(villages.map((v) => make('VILLAGE', v.code)))),
    ...(await Promise.all(townships.map((t) => make('TOWNSHIP', t.code)))),
    await make('COUNTY', '620522'),
  ];
}

export class RequestLog {
  private byRoute = new Map<string, number[]>();
  record = (line: string) => {
    const entry = JSON.parse(line) as { msg?: string; method?: string; path?: string; ms?: number };
    if (entry.msg !== 'request' || entry.ms === undefined) return;
    this.add(`${entry.method} ${entry.path}`, entry.ms);
  };
  add(route: string, ms: number) {
    const list = this.byRoute.get(route) ?? [];
    list.push(ms);
    this.byRoute.set(route, list);
  }
  /** Everything recorded since the last call, and a fresh start. */
  take(): Map<string, number[]> {
    const out = this.byRoute;
    this.byRoute = new Map();
    return out;
  }
}

/** Express middleware that records each request's time in a RequestLog (for apps without the product's logger). */
export function timeRequests(log: RequestLog) {
  return (
    req: { method: string; baseUrl: string; route?: { path: string }; path: string },
    res: NodeJS.EventEmitter,
    next: () => void,
  ) => {
    const t0 = performance.now();
    res.on('finish', () =>
      // A request no route answered (404) is one row, not one per path.
      log.add(
        `${req.method} ${req.route ? req.baseUrl + req.route.path : '(no route: 404)'}`,
        Math.floor(performance.now() - t0),
      ),
    );
    next();
  };
}

// ---- child processes -------------------------------------------------------------------------------

export interface Service {
  pid: number;
  output: () => string;
}

/**
 * Runs one of the product's scripts (scripts/worker.ts, scripts/api.ts) as its own Node process, as deployed
 * (kit/processes.ts); stopped with SIGTERM at clean-up. Resolves once `ready` says so.
 */
export async function startService(
  script: string,
  vars: Record<string, string>,
  ready: (output: string) => boolean | Promise<boolean>,
  nodeArgs: string[] = [],
): Promise<Service> {
  const child = spawnScript(script, script, { PAYLOAD_KEYS: BENCH_PAYLOAD_KEYS_ENV, ...vars }, { nodeArgs });
  onCleanup(script, () => child.stop(15_000));
  await untilReady(child, `${script} to start`, () => ready(child.output()), 120_000);
  return { pid: child.pid, output: () => child.output() };
}

// ---- HTTP ------------------------------------------------------------------------------------------

export interface HttpReply {
  status: number;
  json: Record<string, unknown> | undefined;
  text: string;
  ms: number;
  /** The Server-Timing header, when the API sends one (SERVER_TIMING=1). */
  serverTiming: string | null;
}

/** One real request; `ms` is the time to the full response body. */
export async function http(
  baseUrl: string,
  token: string,
  method: 'GET' | 'POST',
  urlPath: string,
  body?: unknown,
): Promise<HttpReply> {
  const t0 = performance.now();
  const res = await fetch(baseUrl + urlPath, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, ms, serverTiming: res.headers.get('server-timing') };
}
