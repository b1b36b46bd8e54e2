// `npm run cluster`: the production topology on one machine. PostgreSQL (DATABASE_URL, else embedded) holds the
// application's database and Temporal's two; Temporal's own server runs as four processes (frontend, history,
// matching, worker) from infra/cluster/temporal/cluster.yaml, with the Web UI server beside it; then
// CLUSTER_WORKERS workers and CLUSTER_APIS API processes (API_PORT, API_PORT+1, ...). A process that exits is
// started again (as `restart: unless-stopped` does in docker-compose.yml). Ctrl-C stops everything in order;
// the state is in PostgreSQL, so a restart resumes every round and timer. Logs: DATA_DIR/cluster/*.log.
import fs from 'node:fs';
import path from 'node:path';
import { openAppDatabase } from '../infra/bootstrap';
import { ConfigError, exitWithStartupError, loadClusterConfig, type Config, type TClusterEnv } from '../infra/config';
import { handleShutdown } from '../infra/shutdown';
import { formatPayloadKey } from '../infra/codec';
import { payloadKeys } from '../infra/payload-keys';
import {
  ensureClusterBinaries,
  managedProcess,
  startTemporalCluster,
  temporalDatabasesOn,
  TEMPORAL_SERVICES,
  type ManagedProcess,
  type TemporalCluster,
} from '../infra/temporal-cluster';
import { assertPortFree } from '../infra/temporal-server';

const ROOT = path.resolve(__dirname, '..');

/** What runs, for people and for test:cluster (which kills processes by these pids). */
export interface ClusterState {
  address: string;
  namespace: string;
  uiUrl: string;
  temporal: Record<string, number | undefined>;
  ui: number | undefined;
  workers: (number | undefined)[];
  apis: { pid: number | undefined; url: string }[];
}

async function waitUntil(p: ManagedProcess, what: string, check: () => Promise<boolean>, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!p.running) throw new ConfigError(`${p.name} stopped during start-up: ${p.exitReason}`);
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new ConfigError(`${p.name} did not ${what} within ${timeoutMs / 1000} s; see ${p.logFile}.`);
}

/** The part of the process's log written since its last start. */
function currentLog(p: ManagedProcess): string {
  try {
    const text = fs.readFileSync(p.logFile, 'utf8');
    return text.slice(text.lastIndexOf(`starting ${p.name}\n`));
  } catch {
    return '';
  }
}

async function main() {
  let config: Config & TClusterEnv;
  let keys: string;
  try {
    config = loadClusterConfig();
    // Every worker and API of the cluster encrypts with the same keys: configured, or the demo key under DATA_DIR.
    keys = payloadKeys(config, { generate: true }).map(formatPayloadKey).join(',');
  } catch (err) {
    exitWithStartupError(err);
  }
  const say = (line: string) => process.stdout.write(line + '\n');
  const logDir = path.join(config.dataDir, 'cluster');
  const stateFile = path.join(logDir, 'cluster.json');
  const children: ManagedProcess[] = [];
  // Last resort (an uncaught error): never leave a child behind.
  process.once('exit', () => {
    for (const c of children) if (c.pid && c.running) process.kill(c.pid, 'SIGKILL');
  });
  const shutdown = handleShutdown({
    say,
    stopFailed: (err) => say(`  stop failed: ${err.message}`),
    stopped: () => fs.rmSync(stateFile, { force: true }),
    forceExitAfterMs: 60_000,
  });

  try {
    const apiPorts = Array.from({ length: config.CLUSTER_APIS }, (_, i) => config.API_PORT + i);
    for (const port of apiPorts) await assertPortFree(port, `API_PORT (+${port - config.API_PORT})`, config.API_HOST);
    const binaries = ensureClusterBinaries(say);

    const host = config.API_HOST === '0.0.0.0' ? '127.0.0.1' : config.API_HOST;
    const apiUrls = apiPorts.map((port) => `http://${host}:${port}/api/v1`);
    // The Web UI decodes payloads through the first API's codec server (README: Privacy).
    const codecEndpoint = `http://${host}:${apiPorts[0]}/codec`;

    const { db, seeded } = await openAppDatabase(config, say);
    shutdown.add(() => db.stop());

    const cluster: TemporalCluster = await startTemporalCluster({
      binaries,
      db: temporalDatabasesOn(config.TEMPORAL_DB_URL ?? db.url, {
        name: config.TEMPORAL_DB_NAME,
        visibilityName: config.TEMPORAL_VISIBILITY_DB_NAME,
      }),
      frontendPort: config.TEMPORAL_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      namespace: config.TEMPORAL_NAMESPACE,
      codecEndpoint,
      logDir,
      logLevel: config.LOG_LEVEL === 'debug' ? 'info' : 'warn',
      say,
    });
    shutdown.add(() => cluster.stop());
    children.push(...Object.values(cluster.services), cluster.ui);

    const appEnv = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: cluster.address,
      TEMPORAL_NAMESPACE: config.TEMPORAL_NAMESPACE,
      TASK_QUEUE: config.TASK_QUEUE,
      LOG_LEVEL: config.LOG_LEVEL,
      PAYLOAD_KEYS: keys,
    };
    const node = (name: string, script: string, env: Record<string, string>) =>
      managedProcess({
        name,
        command: process.execPath,
        args: ['--import', 'tsx', script],
        env: { ...appEnv, ...env },
        logFile: path.join(logDir, `${name}.log`),
        cwd: ROOT,
      });
    const workers = Array.from({ length: config.CLUSTER_WORKERS }, (_, i) =>
      node(`worker-${i + 1}`, 'scripts/worker.ts', {}),
    );
    const apis = apiPorts.map((port, i) =>
      node(`api-${i + 1}`, 'scripts/api.ts', { API_HOST: config.API_HOST, API_PORT: String(port) }),
    );
    children.push(...workers, ...apis);
    // Stopped before Temporal: APIs first (no new requests), then workers (they drain their tasks).
    shutdown.add(() => Promise.all(workers.map((w) => w.stop('SIGTERM', 30_000))));
    shutdown.add(() => Promise.all(apis.map((a) => a.stop('SIGTERM', 10_000))));

    const writeState = () => {
      const state: ClusterState = {
        address: cluster.address,
        namespace: config.TEMPORAL_NAMESPACE,
        uiUrl: cluster.uiUrl,
        temporal: Object.fromEntries(TEMPORAL_SERVICES.map((s) => [s, cluster.services[s].pid])),
        ui: cluster.ui.pid,
        workers: workers.map((w) => w.pid),
        apis: apis.map((a, i) => ({ pid: a.pid, url: apiUrls[i]! })),
      };
      fs.writeFileSync(stateFile + '.tmp', JSON.stringify(state, null, 2));
      fs.renameSync(stateFile + '.tmp', stateFile);
    };

    say(`Starting ${workers.length} worker(s) and ${apis.length} API process(es)...`);
    workers.forEach((w) => w.start());
    apis.forEach((a) => a.start());
    await Promise.all([
      ...workers.map((w) => waitUntil(w, 'poll its task queue', async () => currentLog(w).includes('Worker polling'))),
      ...apis.map((a, i) =>
        waitUntil(a, 'answer /health', async () => {
          const res = await fetch(`${apiUrls[i]}/health`).catch(() => undefined);
          return res?.status === 200;
        }),
      ),
    ]);

    // Supervision: a process that exits is started again, one second later, then after longer pauses if it keeps
    // failing (up to 30 s).
    for (const p of children) {
      let failures = 0;
      let lastStart = Date.now();
      p.onUnexpectedExit = (reason) => {
        if (shutdown.stopping) return;
        failures = Date.now() - lastStart > 60_000 ? 1 : failures + 1;
        const delay = Math.min(30_000, 1000 * 2 ** (failures - 1));
        say(`${new Date().toISOString()} ${p.name} exited (${reason}); starting it again in ${delay / 1000} s`);
        setTimeout(() => {
          if (shutdown.stopping) return;
          lastStart = Date.now();
          p.start();
          writeState();
        }, delay);
      };
    }
    writeState();

    say('');
    say('Jingzhun is running on a Temporal cluster.');
    for (const [i, url] of apiUrls.entries()) say(`  API ${i + 1}:        ${url}   (health: ${url}/health)`);
    say(`  Temporal:     ${cluster.address}   namespace ${config.TEMPORAL_NAMESPACE}`);
    say(`  Services:     ${TEMPORAL_SERVICES.map((s) => `${s} pid ${cluster.services[s].pid}`).join(', ')}`);
    say(`  Web UI:       ${cluster.uiUrl}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows`);
    say(`  Codec server: ${codecEndpoint}   (ADMIN only; the Web UI decodes payloads through it)`);
    say(`  Workers:      ${workers.length} on task queue ${config.TASK_QUEUE}`);
    say(`  Logs:         ${logDir}/*.log   (pids in ${stateFile})`);
    if (seeded) {
      say(`  Demo county:  秦安县 620522 — ${seeded.townships} townships, ${seeded.villages} villages`);
      say(`  e.g. curl -H 'Authorization: Bearer demo-county' ${apiUrls[0]}/me`);
    }
    say('  Stop with Ctrl-C.');
  } catch (err) {
    await shutdown.abort();
    exitWithStartupError(err);
  }
}

void main();
