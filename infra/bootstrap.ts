// Start-up steps shared by `npm start`, the worker, the API, the migrate job and the CLI.
import http from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { ConfigError, type Config } from './config';
import { createPrisma, type PrismaClient } from './db';
import { migrateDatabase } from './migrate';
import { checkDatabase, provideDatabase, redactUrl, type RunningDatabase } from './postgres';
import { seedDemoCounty } from './seed';
import { waitForTemporal } from './temporal-server';

export interface Database extends RunningDatabase {
  prisma: PrismaClient;
}

/** PostgreSQL (configured or embedded) with every committed migration applied. */
export async function openDatabase(config: Config): Promise<Database> {
  const db = await provideDatabase(config);
  try {
    await migrateDatabase(db.url);
  } catch (err) {
    await db.stop();
    throw new ConfigError(`Applying database migrations failed: ${(err as Error).message}`, { cause: err });
  }
  const prisma = createPrisma(db.url);
  return {
    ...db,
    prisma,
    async stop() {
      await prisma.$disconnect();
      await db.stop();
    },
  };
}

/**
 * For the entry points that run everything (`npm start`, `npm run cluster`): says which database, opens it and
 * seeds the demo county when SEED is set.
 */
export async function openAppDatabase(config: Config, say: (line: string) => void) {
  say(
    config.DATABASE_URL
      ? `Database: ${redactUrl(config.DATABASE_URL)}`
      : `Database: embedded PostgreSQL under ${config.dataDir}/postgres`,
  );
  const db = await openDatabase(config);
  try {
    const seeded = config.SEED ? await seedDemoCounty(db.prisma) : undefined;
    return { db, seeded };
  } catch (err) {
    await db.stop();
    throw err;
  }
}

/**
 * For short commands (the CLI) while `npm start` may be running: reuse its embedded PostgreSQL when it is
 * up, start it only when it is not.
 */
export async function attachDatabase(config: Config): Promise<Database> {
  if (!config.DATABASE_URL) {
    const url = `postgresql://jingzhun:jingzhun@127.0.0.1:${config.EMBEDDED_PG_PORT}/jingzhun`;
    const running = await checkDatabase(url).then(
      () => true,
      () => false,
    );
    if (running) {
      const prisma = createPrisma(url, { max: 2 });
      return { url, embedded: true, prisma, stop: () => prisma.$disconnect() };
    }
  }
  return openDatabase(config);
}

/** A client with the project's data converter (infra/payload-keys.ts configuredDataConverter). */
export async function connectClient(address: string, namespace: string, dataConverter: DataConverter): Promise<Client> {
  await waitForTemporal(address, 30_000);
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace, dataConverter });
}

export async function connectWorker(address: string): Promise<NativeConnection> {
  await waitForTemporal(address, 30_000);
  return NativeConnection.connect({ address });
}

/** GET /healthz answers 200 while the worker runs: for container health checks. */
export function workerHealthServer(worker: Worker, port: number): http.Server {
  return http
    .createServer((req, res) => {
      const ok = req.url === '/healthz' && worker.getState() === 'RUNNING';
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok' : worker.getState());
    })
    .listen(port);
}
