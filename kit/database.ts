import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createPrisma, type PrismaClient } from '../infra/db';
import { applyMigrations } from '../infra/migrate';

export interface TestDatabase {
  url: string;
  name: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}

/** A fresh database with every committed migration applied; one per test file. */
export async function createTestDatabase(prefix = 'jz_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = withDatabase(adminUrl(), name);
  await applyMigrations(url);
  const prisma = createPrisma(url);
  return {
    url,
    name,
    prisma,
    async drop() {
      await prisma.$disconnect();
      const c = new Client({ connectionString: adminUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The server processes of the connections listening on `channel` (infra/db.ts listenTo) in this database. */
export async function listeningBackends(prisma: PrismaClient, channel: string): Promise<number[]> {
  const rows = await prisma.$queryRaw<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity WHERE application_name = ${`jz-listen-${channel}`} AND datname = current_database()`;
  return rows.map((r) => r.pid);
}

/**
 * The text of every statement this process sends to PostgreSQL through pg's clients (Prisma's pool and ours) while
 * `run` runs, with its result: what a test counts of a step or a request.
 */
export async function statementsSent<T>(run: () => Promise<T>): Promise<{ result: T; sent: string[] }> {
  const query = Client.prototype.query;
  const sent: string[] = [];
  Client.prototype.query = function (this: Client, ...args: unknown[]) {
    const [q] = args;
    sent.push(typeof q === 'string' ? q : (q as { text: string }).text);
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  try {
    return { result: await run(), sent };
  } finally {
    Client.prototype.query = query;
  }
}
