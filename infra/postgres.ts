import { Client } from 'pg';
import { ConfigError } from './config';
import { startLocalCluster } from './local-postgres';

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

/** Starts (initialising on first use) a real PostgreSQL cluster for DATA_DIR (see infra/local-postgres.ts). */
export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<RunningDatabase> {
  const cluster = await startLocalCluster({
    dataDir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    database: EMBEDDED_DB,
  });
  return { url: cluster.url, embedded: true, stop: cluster.stop };
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
  return startEmbeddedPostgres(config.dataDir, config.EMBEDDED_PG_PORT);
}
