// One complete, isolated deployment for a fault test: its own Temporal dev server (CLI binary, SQLite file in
// a temp dir, free ports), its own seeded database, and the worker and API as separate processes. A control
// run and a faulted run each get a world, so both can drive the same village and be compared row for row.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { formatPayloadKey, payloadDataConverter, randomPayloadKey } from '../../../infra/codec';
import { seedDemoCounty } from '../../../infra/seed';
import { startDevServer, type DevServer } from '../../../infra/temporal-server';
import { adminUrl, createTestDatabase, type TestDatabase } from '../../../kit/database';
import {
  freePort,
  startApi,
  startWorker,
  type ApiProcess,
  type Child,
  type ProcessTarget,
} from '../../../kit/processes';
import { TcpProxy } from './tcp-proxy';

export const NAMESPACE = 'default';
/** The payload keys of the fault tests' worlds: the worker and API processes get them as PAYLOAD_KEYS. */
const PAYLOAD_KEYS = [randomPayloadKey('faults')];

export function temporalCli(): string {
  const cli = process.env.TEMPORAL_CLI_PATH;
  if (!cli) throw new Error('TEMPORAL_CLI_PATH is not set: run through `npm run test:faults` (globalSetup finds it)');
  return cli;
}

export interface Temporal {
  server: DevServer;
  dataDir: string;
  port: number;
  uiPort: number;
  /** A client of the test process: histories, descriptions and queries of the rounds. */
  client: Client;
  /** Stops the server: SIGTERM (orderly) or SIGKILL (a crash); the state stays in the SQLite file. */
  shutdown(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts the server again on the same SQLite file and ports. */
  startAgain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The pid of this process's child whose command line names `arg` (DevServer does not expose its process; the
 * SQLite path is unique to the test, so this finds exactly the server the test started).
 */
function childPid(arg: string): number {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (ppid === process.pid && argv.includes(arg)) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  throw new Error(`no child process with argument ${arg}`);
}

export async function startTemporal(name: string): Promise<Temporal> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `jz-faults-${name}-`));
  const [port, uiPort] = [await freePort(), await freePort()];
  const start = () => startDevServer({ cli: temporalCli(), dataDir, port, uiPort, namespace: NAMESPACE });
  let server = await start();
  const connection = await Connection.connect({ address: server.address }).catch(async (err) => {
    await server.stop();
    throw err;
  });
  const t: Temporal = {
    server,
    dataDir,
    port,
    uiPort,
    client: new Client({ connection, namespace: NAMESPACE, dataConverter: payloadDataConverter(PAYLOAD_KEYS) }),
    async shutdown(signal = 'SIGTERM') {
      if (signal === 'SIGKILL') process.kill(childPid(path.join(dataDir, 'temporal.db')), 'SIGKILL');
      await server.stop();
    },
    async startAgain() {
      server = await start();
      t.server = server;
    },
    async stop() {
      await connection.close().catch(() => undefined);
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

export interface World {
  name: string;
  temporal: Temporal;
  db: TestDatabase;
  taskQueue: string;
  /** Between the worker and PostgreSQL. */
  workerDb: TcpProxy;
  /** Between the API and PostgreSQL. */
  apiDb: TcpProxy;
  worker: Child;
  api: ApiProcess;
  /** Starts a new worker process (after the previous one was killed). */
  startWorker(): Promise<Child>;
  /** Starts a new API process on a new port (after the previous one was killed). */
  startApi(): Promise<ApiProcess>;
  stop(): Promise<void>;
}

/** Temporal, a fresh seeded database, two pausable proxies to it, a worker process and an API process. */
export async function startWorld(name: string): Promise<World> {
  // Whatever started is stopped again if a later step fails, so a failed start leaks nothing.
  const undo: (() => Promise<unknown>)[] = [];
  const undoAll = async () => {
    for (const step of undo.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    const [t, d] = await Promise.allSettled([startTemporal(name), createTestDatabase('jz_fault')]);
    if (t.status === 'fulfilled') undo.push(() => t.value.stop());
    if (d.status === 'fulfilled') undo.push(() => d.value.drop());
    if (t.status === 'rejected') throw t.reason;
    if (d.status === 'rejected') throw d.reason;
    const [temporal, db] = [t.value, d.value];
    await seedDemoCounty(db.prisma);
    const pg = new URL(adminUrl());
    const workerDb = await TcpProxy.start(pg.hostname, Number(pg.port || 5432));
    undo.push(() => workerDb.close());
    const apiDb = await TcpProxy.start(pg.hostname, Number(pg.port || 5432));
    undo.push(() => apiDb.close());

    const taskQueue = `faults-${name}-${randomBytes(4).toString('hex')}`;
    const target = (proxy: TcpProxy): ProcessTarget => ({
      databaseUrl: proxy.url(db.url),
      temporalAddress: temporal.server.address,
      namespace: NAMESPACE,
      taskQueue,
      payloadKeys: PAYLOAD_KEYS.map(formatPayloadKey).join(','),
    });
    let workers = 0;
    let apis = 0;
    let stopped: Promise<void> | undefined;
    const world: World = {
      name,
      temporal,
      db,
      taskQueue,
      workerDb,
      apiDb,
      worker: undefined as unknown as Child,
      api: undefined as unknown as ApiProcess,
      async startWorker() {
        world.worker = await startWorker(target(workerDb), `${name}-worker-${++workers}`);
        return world.worker;
      },
      async startApi() {
        world.api = await startApi(target(apiDb), `${name}-api-${++apis}`);
        return world.api;
      },
      stop() {
        stopped ??= undoAll();
        return stopped;
      },
    };
    // Undone first: whichever worker and API processes are current by then.
    undo.push(() => Promise.allSettled([world.worker?.kill(), world.api?.kill()]));
    await Promise.all([world.startWorker(), world.startApi()]);
    return world;
  } catch (err) {
    await undoAll();
    throw err;
  }
}
