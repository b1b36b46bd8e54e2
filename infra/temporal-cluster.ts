// A real Temporal cluster on PostgreSQL (`npm run cluster`, test:cluster): Temporal's own server binary run as
// four processes (frontend, history, matching, worker) from infra/cluster/temporal/cluster.yaml, its schemas set
// up with Temporal's SQL tool, and the standalone Web UI server. The binaries are built once per user with Go,
// cached beside the Temporal CLI (~/.cache/jingzhun/).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { Client as PgClient } from 'pg';
import { SEARCH_ATTRIBUTES } from '../domain/constants';
import { ConfigError } from './config';
import { assertPortFree, waitForTemporal } from './temporal-server';
import { cacheDir, isExecutable, onPath } from './temporal-cli';

const PROJECT_ROOT = path.resolve(__dirname, '..');
/** The config files, kept in the repository; docker-compose.yml mounts the same folders. */
export const CLUSTER_CONFIG_ROOT = path.join(PROJECT_ROOT, 'infra', 'cluster');
export const TEMPORAL_CONFIG_DIR = 'temporal';
export const UI_CONFIG_DIR = 'ui';
/** The config file's name without .yaml: the server's and the UI server's `--env`. */
export const CONFIG_ENV = 'cluster';

export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const TEMPORAL_UI_SERVER_VERSION = 'v2.42.1';

export interface GoBinary {
  module: string;
  version: string;
  /** `go install` names a binary after its folder (two of them are `server`). */
  built: string;
  /** The file name in the per-user cache. */
  cached: string;
}

export const CLUSTER_BINARIES = {
  server: {
    module: 'go.temporal.io/server/cmd/server',
    version: TEMPORAL_SERVER_VERSION,
    built: 'server',
    cached: `temporal-server-${TEMPORAL_SERVER_VERSION}`,
  },
  sqlTool: {
    module: 'go.temporal.io/server/cmd/tools/sql',
    version: TEMPORAL_SERVER_VERSION,
    built: 'sql',
    cached: `temporal-sql-tool-${TEMPORAL_SERVER_VERSION}`,
  },
  uiServer: {
    module: 'github.com/temporalio/ui-server/v2/cmd/server',
    version: TEMPORAL_UI_SERVER_VERSION,
    built: 'server',
    cached: `temporal-ui-server-${TEMPORAL_UI_SERVER_VERSION}`,
  },
} as const satisfies Record<string, GoBinary>;

export type ClusterBinaries = Record<keyof typeof CLUSTER_BINARIES, string>;

export function cachedBinaryPath(b: GoBinary): string {
  return path.join(cacheDir(), b.cached);
}

/** Finds a binary in the per-user cache or builds it there once with `go install`, each with its own GOBIN. */
export function ensureGoBinary(b: GoBinary, log: (line: string) => void): string {
  const target = cachedBinaryPath(b);
  if (isExecutable(target)) return target;
  const go = onPath('go');
  if (!go) {
    throw new ConfigError(
      `${b.cached} is not in ${path.dirname(target)} and there is no Go toolchain to build it. ` +
        `Fix: install Go 1.25+ and rerun (it is built once with \`go install ${b.module}@${b.version}\`).`,
    );
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const gobin = fs.mkdtempSync(path.join(path.dirname(target), 'build-'));
  log(`Building ${b.module}@${b.version} with Go (one-time, several minutes; cached at ${target})...`);
  const started = Date.now();
  const result = spawnSync(go, ['install', `${b.module}@${b.version}`], {
    env: { ...process.env, GOBIN: gobin, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    fs.rmSync(gobin, { recursive: true, force: true });
    throw new ConfigError(
      `Building ${b.module}@${b.version} failed (go install exited with ${result.status ?? result.signal}). ` +
        'Fix: check that the Go module proxy is reachable (GOPROXY) and rerun.',
    );
  }
  // Rename is atomic: a concurrent run never sees a half-written binary.
  fs.renameSync(path.join(gobin, b.built), target);
  fs.rmSync(gobin, { recursive: true, force: true });
  log(`Built ${b.cached} in ${Math.round((Date.now() - started) / 1000)} s.`);
  return target;
}

export function ensureClusterBinaries(log: (line: string) => void): ClusterBinaries {
  return {
    server: ensureGoBinary(CLUSTER_BINARIES.server, log),
    sqlTool: ensureGoBinary(CLUSTER_BINARIES.sqlTool, log),
    uiServer: ensureGoBinary(CLUSTER_BINARIES.uiServer, log),
  };
}

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

// ---------------------------------------------------------------------------------------------------------------
// Processes

export interface ManagedProcess {
  name: string;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Times the process was started (1 after the first start). */
  readonly starts: number;
  logFile: string;
  start(): void;
  /** Sends the signal and waits for the exit (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  /** The reason of the last exit, if the process is not running. */
  readonly exitReason: string | undefined;
  /** Called at every exit the process did not ask for (not by stop()). */
  onUnexpectedExit?: (reason: string) => void;
}

/** A child process with its output appended to a log file, restartable with the same command. */
export function managedProcess(options: {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  logFile: string;
  cwd?: string;
}): ManagedProcess {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let exitReason: string | undefined;
  let stopping = false;
  let starts = 0;
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const p: ManagedProcess = {
    name: options.name,
    logFile: options.logFile,
    get pid() {
      return child?.pid;
    },
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    get starts() {
      return starts;
    },
    get exitReason() {
      return exitReason;
    },
    start() {
      if (p.running) return;
      const log = fs.openSync(options.logFile, 'a');
      fs.writeSync(log, `\n--- ${new Date().toISOString()} starting ${options.name}\n`);
      stopping = false;
      exitReason = undefined;
      const c = spawn(options.command, options.args, {
        cwd: options.cwd ?? PROJECT_ROOT,
        env: { ...process.env, ...options.env },
        stdio: ['ignore', log, log],
        // Its own process group: Ctrl-C reaches only the supervisor, which stops everything in order.
        detached: true,
      });
      fs.closeSync(log);
      child = c;
      starts++;
      exited = new Promise<void>((resolve) => {
        c.once('error', (err) => {
          exitReason = `could not start: ${err.message}`;
          resolve();
        });
        c.once('exit', (code, signal) => {
          exitReason = `exit ${code ?? signal}; see ${options.logFile}`;
          resolve();
        });
      });
      void exited.then(() => {
        if (!stopping && child === c) p.onUnexpectedExit?.(exitReason!);
      });
    },
    async stop(signal = 'SIGTERM', graceMs = 20_000) {
      stopping = true;
      if (!p.running) return exited;
      child!.kill(signal);
      const timer = setTimeout(() => child?.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  return p;
}

/** Waits until something accepts TCP connections on the port, failing at once if `process` exits. */
export async function waitForPort(port: number, process: ManagedProcess, timeoutMs = 120_000): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!process.running) throw new ConfigError(`${process.name} stopped during start-up: ${process.exitReason}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new ConfigError(
    `${process.name} did not listen on port ${port} within ${timeoutMs / 1000} s; see ${process.logFile}.`,
  );
}

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
