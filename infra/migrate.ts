import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', 'prisma', 'migrations');

// Same table Prisma's schema engine keeps, so `prisma migrate deploy` accepts a database this applier set up.
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;
const LOCK_KEY = 72707369; // arbitrary, shared by every process that migrates this database

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies committed migrations that the database has not seen, each in its own transaction, under an
 * advisory lock so that several workers starting at once migrate once. Returns the names applied.
 * A changed checksum of an applied migration, or a failed one, stops start-up: that needs a human.
 */
export async function applyMigrations(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(CREATE_TABLE);
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const applied = new Map(rows.map((r) => [r.migration_name, r]));
    const done: string[] = [];
    for (const m of readMigrations(dir)) {
      const prior = applied.get(m.name);
      if (prior) {
        if (!prior.finished_at) throw new Error(`Migration ${m.name} failed earlier and needs manual repair.`);
        if (prior.checksum !== m.checksum) throw new Error(`Migration ${m.name} was modified after it was applied.`);
        continue;
      }
      const id = randomUUID();
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [id, m.checksum, m.name],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
      done.push(m.name);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

/** The native schema engine, when this machine has one (it cannot always be downloaded). */
export function schemaEngineBinary(): string | undefined {
  const fromEnv = process.env.PRISMA_SCHEMA_ENGINE_BINARY;
  if (fromEnv && fromEnv !== '/bin/false' && isExecutable(fromEnv)) return fromEnv;
  const dir = path.resolve(__dirname, '..', 'node_modules', '@prisma', 'engines');
  const found = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.startsWith('schema-engine')) : undefined;
  return found && isExecutable(path.join(dir, found)) ? path.join(dir, found) : undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * `prisma migrate deploy` where the schema engine is available, otherwise the applier above; both keep
 * `_prisma_migrations` the same way, so a database can move between them.
 */
export async function migrateDatabase(databaseUrl: string): Promise<{ tool: 'prisma' | 'applier'; applied: string[] }> {
  const engine = schemaEngineBinary();
  if (engine) {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, [require.resolve('prisma/build/index.js'), 'migrate', 'deploy'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_SCHEMA_ENGINE_BINARY: engine },
      cwd: path.resolve(__dirname, '..'),
      encoding: 'utf8',
    });
    return { tool: 'prisma', applied: [...out.matchAll(/^\s*└─ (\S+)/gm)].map((m) => m[1]!) };
  }
  return { tool: 'applier', applied: await applyMigrations(databaseUrl) };
}
