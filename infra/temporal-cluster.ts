// A real Temporal cluster on PostgreSQL (`npm run cluster`, test:cluster): Temporal's own server binary run as
// four processes (frontend, history, matching, worker) from infra/cluster/temporal/cluster.yaml, its schemas set
// up with Temporal's SQL tool, and the standalone Web UI server. The binaries are built once per user with Go,
// cached beside the Temporal CLI (~/.cache/jingzhun/).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { Client as PgClient } from 'pg';
import { SEARCH_ATTRIBUTES } from '../domain/constants';
import { ConfigError } from './config';
import { assertPortFree, waitForTemporal } from './temporal-server';
import type { ClusterBinaries } from './cluster-binaries';

const PROJECT_ROOT = path.resolve(__dirname, '..');
/** The config files, kept in the repository; docker-compose.yml mounts the same folders. */
export const CLUSTER_CONFIG_ROOT = path.join(PROJECT_ROOT, 'infra', 'cluster');
export const TEMPORAL_CONFIG_DIR = 'temporal';
export const UI_CONFIG_DIR = 'ui';
/** The config file's name without .yaml: the server's and the UI server's `--env`. */
export const CONFIG_ENV = 'cluster';

export {
  CLUSTER_BINARIES,
  cachedBinaryPath,
  ensureClusterBinaries,
  ensureGoBinary,
  TEMPORAL_SERVER_VERSION,
  TEMPORAL_UI_SERVER_VERSION,
  type ClusterBinaries,
  type GoBinary,
} from './cluster-binaries';

export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

/**
 * Every port of the cluster from the frontend's: with the default 7233 these are the ports of Temporal's own
 * development config (history 7234, matching 7235, worker 7239, HTTP 7243, membership 6933-6939).
 */
export function clusterPorts(frontend: number) {
  return {
    frontend,
    history: frontend + 1,
    matching: frontend + 2,
    worker: frontend + 6,
    frontendHttp: frontend + 10,
    frontendMembership: frontend - 300,
    historyMembership: frontend - 299,
    matchingMembership: frontend - 298,
    workerMembership: frontend - 294,
  };
}
export type ClusterPorts = ReturnType<typeof clusterPorts>;

/** Where Temporal keeps its two databases: a PostgreSQL server and the databases' names. */
export interface TemporalDatabases {
  host: string;
  port: number;
  user: string;
  password: string;
  name: string;
  visibilityName: string;
}

/** The server of a PostgreSQL URL with Temporal's database names. */
export function temporalDatabasesOn(url: string, names: { name: string; visibilityName: string }): TemporalDatabases {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
    ...names,
  };
}

/** The environment infra/cluster/temporal/cluster.yaml is rendered from. */
export function temporalServiceEnv(ports: ClusterPorts, db: TemporalDatabases, logLevel: string) {
  return {
    TEMPORAL_LOG_LEVEL: logLevel,
    TEMPORAL_DB_HOST: db.host,
    TEMPORAL_DB_PORT: String(db.port),
    TEMPORAL_DB_USER: db.user,
    TEMPORAL_DB_PASSWORD: db.password,
    TEMPORAL_DB_NAME: db.name,
    TEMPORAL_VISIBILITY_DB_NAME: db.visibilityName,
    TEMPORAL_BIND_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    TEMPORAL_FRONTEND_ADDRESS: `127.0.0.1:${ports.frontend}`,
    TEMPORAL_FRONTEND_PORT: String(ports.frontend),
    TEMPORAL_FRONTEND_HTTP_PORT: String(ports.frontendHttp),
    TEMPORAL_FRONTEND_MEMBERSHIP_PORT: String(ports.frontendMembership),
    TEMPORAL_HISTORY_PORT: String(ports.history),
    TEMPORAL_HISTORY_MEMBERSHIP_PORT: String(ports.historyMembership),
    TEMPORAL_MATCHING_PORT: String(ports.matching),
    TEMPORAL_MATCHING_MEMBERSHIP_PORT: String(ports.matchingMembership),
    TEMPORAL_WORKER_PORT: String(ports.worker),
    TEMPORAL_WORKER_MEMBERSHIP_PORT: String(ports.workerMembership),
    TEMPORAL_DYNAMIC_CONFIG: path.join(CLUSTER_CONFIG_ROOT, TEMPORAL_CONFIG_DIR, 'dynamicconfig.yaml'),
  };
}

export function temporalServiceArgs(service: TemporalService): string[] {
  return [
    '--root',
    CLUSTER_CONFIG_ROOT,
    '--config',
    TEMPORAL_CONFIG_DIR,
    '--env',
    CONFIG_ENV,
    '--allow-no-auth',
    'start',
    '--service',
    service,
  ];
}

/** The environment infra/cluster/ui/cluster.yaml is rendered from. */
export function uiServerEnv(temporalAddress: string, port: number, namespace: string, codecEndpoint = '') {
  return {
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_UI_HOST: '127.0.0.1',
    TEMPORAL_UI_PORT: String(port),
    TEMPORAL_DEFAULT_NAMESPACE: namespace,
    TEMPORAL_CODEC_ENDPOINT: codecEndpoint,
  };
}

export function uiServerArgs(): string[] {
  return ['--root', CLUSTER_CONFIG_ROOT, '--config', UI_CONFIG_DIR, '--env', CONFIG_ENV, 'start'];
}

// ---------------------------------------------------------------------------------------------------------------
// Databases

async function withPg<T>(db: TemporalDatabases, database: string, fn: (c: PgClient) => Promise<T>): Promise<T> {
  const c = new PgClient({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    database,
    connectionTimeoutMillis: 5000,
  });
  try {
    await c.connect();
  } catch (err) {
    throw new ConfigError(
      `PostgreSQL for Temporal cannot be reached at ${db.user}@${db.host}:${db.port} (${(err as Error).message}). ` +
        'Fix: start it, or set TEMPORAL_DB_URL (or DATABASE_URL) to a server that runs.',
      { cause: err },
    );
  }
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

function runSqlTool(sqlTool: string, db: TemporalDatabases, database: string, args: string[]): void {
  const result = spawnSync(
    sqlTool,
    ['--plugin', 'postgres12', '--ep', db.host, '-p', String(db.port), '-u', db.user, '--db', database, ...args],
    // The password goes through the environment, not the command line that `ps` shows.
    { env: { ...process.env, SQL_PASSWORD: db.password }, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    const lastLine = `${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-1)[0];
    throw new ConfigError(`Temporal's SQL tool failed on database ${database} (${args[0]}): ${lastLine}`);
  }
}

/**
 * Creates Temporal's two databases when absent and brings their schemas to the version of this server (the SQL
 * tool applies only the versions a database lacks, so this is safe at every start).
 */
export async function setupTemporalDatabases(sqlTool: string, db: TemporalDatabases): Promise<'created' | 'updated'> {
  let created = false;
  for (const [database, schema] of [
    [db.name, 'postgresql/v12/temporal'],
    [db.visibilityName, 'postgresql/v12/visibility'],
  ] as const) {
    const exists = await withPg(
      db,
      'postgres',
      async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1,
    );
    if (!exists) {
      runSqlTool(sqlTool, db, database, ['create-database']);
      created = true;
    }
    const versioned = await withPg(db, database, async (c) => {
      const table = await c.query(`SELECT to_regclass('public.schema_version') AS t`);
      if (!table.rows[0].t) return false;
      return (await c.query('SELECT 1 FROM schema_version WHERE db_name = $1', [database])).rowCount === 1;
    });
    // setup-schema writes version 0.0 over whatever is there: only on a database without one.
    if (!versioned) runSqlTool(sqlTool, db, database, ['setup-schema', '-v', '0.0']);
    runSqlTool(sqlTool, db, database, ['update-schema', '--schema-name', schema]);
  }
  return created ? 'created' : 'updated';
}

import { managedProcess, waitForPort, type ManagedProcess } from './managed-process';

export { managedProcess, waitForPort, type ManagedProcess };

// ---------------------------------------------------------------------------------------------------------------
// Namespace and search attributes

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

/**
 * Registers the namespace (when absent) and the project's search attributes (those missing), then waits until
 * the frontend accepts a visibility query over all of them.
 */
export async function ensureNamespace(address: string, namespace: string, retentionDays = 7): Promise<void> {
  // The frontend opens its port before it answers.
  await waitForTemporal(address, 120_000);
  const connection = await Connection.connect({ address, connectTimeout: 5000 });
  try {
    const deadline = Date.now() + 120_000;
    // Right after start-up the frontend may answer Unavailable until it has joined the cluster.
    for (;;) {
      try {
        await connection.workflowService.describeNamespace({ namespace });
        break;
      } catch (err) {
        const code = (err as { code?: number }).code;
        if (code === 5 /* NOT_FOUND */) {
          await connection.workflowService
            .registerNamespace({
              namespace,
              workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`),
              description: 'Jingzhun rounds',
            })
            .catch((e: { code?: number }) => {
              if (e.code !== 6 /* ALREADY_EXISTS */) throw e;
            });
          continue;
        }
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    // The other calls go through the frontend's namespace cache, which sees a new namespace within seconds.
    const query = Object.values(SEARCH_ATTRIBUTES)
      .map((a) => `${a.name} = "-"`)
      .join(' AND ');
    for (;;) {
      try {
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
        const missing = Object.values(SEARCH_ATTRIBUTES).filter((a) => !customAttributes?.[a.name]);
        if (missing.length > 0) {
          await connection.operatorService.addSearchAttributes({
            namespace,
            searchAttributes: Object.fromEntries(missing.map((a) => [a.name, KEYWORD])),
          });
        }
        await connection.workflowService.listWorkflowExecutions({ namespace, query, pageSize: 1 });
        return;
      } catch (err) {
        if (Date.now() > deadline) {
          throw new ConfigError(
            `Namespace ${namespace} or its search attributes are not usable: ${(err as Error).message}`,
            { cause: err },
          );
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await connection.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The cluster

export interface TemporalCluster {
  address: string;
  uiUrl: string;
  ports: ClusterPorts;
  services: Record<TemporalService, ManagedProcess>;
  ui: ManagedProcess;
  /** Stops the UI, then the services (frontend first, so no new work is accepted). */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  binaries: ClusterBinaries;
  db: TemporalDatabases;
  frontendPort: number;
  uiPort: number;
  namespace: string;
  /** The remote codec the Web UI decodes payloads through (the API's /codec); none: the UI shows them encrypted. */
  codecEndpoint?: string;
  logDir: string;
  logLevel?: string;
  say?: (line: string) => void;
}

/**
 * Sets up the databases, then starts the frontend, registers the namespace and search attributes, and starts
 * history, matching, the worker service and the UI server. A fresh cluster's other services thereby start
 * with the search attributes already registered (they cache them for a minute).
 */
export async function startTemporalCluster(o: ClusterOptions): Promise<TemporalCluster> {
  const say = o.say ?? (() => undefined);
  const ports = clusterPorts(o.frontendPort);
  // Temporal keeps membership ports in a smallint column.
  if (ports.frontendMembership < 1024 || ports.workerMembership > 32_767) {
    throw new ConfigError(
      `TEMPORAL_PORT ${o.frontendPort} puts the cluster's membership ports outside 1024-32767 (they are 300 below it). ` +
        'Fix: set TEMPORAL_PORT between 1324 and 33061.',
    );
  }
  for (const [name, port] of Object.entries(ports)) await assertPortFree(port, `TEMPORAL_PORT (${name} ${port})`);
  await assertPortFree(o.uiPort, 'TEMPORAL_UI_PORT');
  say(`Temporal databases: ${o.db.name}, ${o.db.visibilityName} on ${o.db.user}@${o.db.host}:${o.db.port}`);
  const setup = await setupTemporalDatabases(o.binaries.sqlTool, o.db);
  if (setup === 'created') say('  created, schemas set up');

  const env = temporalServiceEnv(ports, o.db, o.logLevel ?? 'warn');
  const services = Object.fromEntries(
    TEMPORAL_SERVICES.map((s) => [
      s,
      managedProcess({
        name: `temporal-${s}`,
        command: o.binaries.server,
        args: temporalServiceArgs(s),
        env,
        logFile: path.join(o.logDir, `temporal-${s}.log`),
      }),
    ]),
  ) as Record<TemporalService, ManagedProcess>;
  const address = `127.0.0.1:${ports.frontend}`;
  const ui = managedProcess({
    name: 'temporal-ui',
    command: o.binaries.uiServer,
    args: uiServerArgs(),
    env: uiServerEnv(address, o.uiPort, o.namespace, o.codecEndpoint),
    logFile: path.join(o.logDir, 'temporal-ui.log'),
  });
  const cluster: TemporalCluster = {
    address,
    uiUrl: `http://127.0.0.1:${o.uiPort}`,
    ports,
    services,
    ui,
    async stop() {
      await ui.stop();
      for (const s of TEMPORAL_SERVICES) await services[s].stop();
    },
  };
  try {
    say('Temporal: starting frontend, history, matching and worker services...');
    services.frontend.start();
    await waitForPort(ports.frontend, services.frontend);
    await ensureNamespace(address, o.namespace);
    for (const s of ['history', 'matching', 'worker'] as const) services[s].start();
    // The worker service serves no gRPC: it is up once it listens for membership.
    for (const s of ['history', 'matching'] as const) await waitForPort(ports[s], services[s]);
    await waitForPort(ports.workerMembership, services.worker);
    ui.start();
    await waitForPort(o.uiPort, ui);
    return cluster;
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}
