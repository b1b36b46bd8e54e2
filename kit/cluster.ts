// `npm run cluster` (scripts/cluster.ts) as the tests run it: one supervisor process on free ports, with its own
// DATA_DIR, application database and Temporal databases; the pids of what it runs come from its state file.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { ClusterState } from '../scripts/cluster';
import { clusterPorts } from '../infra/temporal-cluster';
import { adminUrl, createTestDatabase, type TestDatabase } from './database';
import { spawnScript } from './processes';
import { eventually } from './wait';

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A base port whose `count` successors and every cluster port derived from it are free. */
async function freeRange(count: number, derived = false): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    // Below the ephemeral range (32768-60999), so no outgoing connection takes a port between the check and the bind.
    const base = 11_000 + Math.floor(Math.random() * 20_000);
    const ports = derived ? Object.values(clusterPorts(base)) : Array.from({ length: count }, (_, i) => base + i);
    let free = true;
    for (const p of ports) if (!(await portFree(p))) free = false;
    if (free) return base;
  }
  throw new Error('no free port range');
}

export interface ClusterRun {
  name: string;
  db: TestDatabase;
  dataDir: string;
  /** The supervisor's state file, read afresh. */
  state(): ClusterState;
  /** Alternates between the APIs, one request each. */
  nextBaseUrl(): string;
  /** Requests sent to each API so far. */
  requestsPerApi: number[];
  output(): string;
  readonly running: boolean;
  /** Ctrl-C: SIGINT to the supervisor; resolves when it has stopped everything and exited. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the supervisor and drops the databases. */
  destroy(): Promise<void>;
}

export async function startCluster(name: string, env: Record<string, string> = {}): Promise<ClusterRun> {
  const db = await createTestDatabase(`jz_cluster_${name}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `jz-cluster-${name}-`));
  const suffix = randomBytes(4).toString('hex');
  const temporalDbs = [`jz_temporal_${name}_${suffix}`, `jz_temporal_vis_${name}_${suffix}`];
  const [temporalPort, apiPort, uiPort] = [await freeRange(0, true), await freeRange(2), await freeRange(1)];
  const child = spawnScript(
    'npm run cluster',
    'scripts/cluster.ts',
    {
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      TEMPORAL_DB_URL: adminUrl(),
      TEMPORAL_DB_NAME: temporalDbs[0]!,
      TEMPORAL_VISIBILITY_DB_NAME: temporalDbs[1]!,
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      API_PORT: String(apiPort),
      CLUSTER_WORKERS: '2',
      CLUSTER_APIS: '2',
      TASK_QUEUE: `cluster-${name}-${suffix}`,
      LOG_LEVEL: 'warn',
      // The daily supervision sweep would write while the rounds do: keep it out of the comparison.
      SUPERVISION_CRON: '0 0 1 1 *',
      // Rounds of a few seconds: the minimum publicity period is set low explicitly.
      MIN_PUBLICITY_PERIOD: '1s',
      ...env,
    },
    { keepChars: 50_000 },
  );
  const stateFile = path.join(dataDir, 'cluster', 'cluster.json');
  let turn = 0;
  const run: ClusterRun = {
    name,
    db,
    dataDir,
    state: () => JSON.parse(fs.readFileSync(stateFile, 'utf8')) as ClusterState,
    requestsPerApi: [0, 0],
    nextBaseUrl() {
      const apis = run.state().apis;
      const i = turn++ % apis.length;
      run.requestsPerApi[i] = (run.requestsPerApi[i] ?? 0) + 1;
      return apis[i]!.url;
    },
    output: () => child.output(),
    get running() {
      return child.running;
    },
    async stop() {
      await child.kill('SIGINT');
      return child.exited;
    },
    async destroy() {
      await child.stop(90_000, 'SIGINT');
      await db.drop().catch(() => undefined);
      const admin = new Client({ connectionString: adminUrl() });
      await admin.connect();
      for (const d of temporalDbs)
        await admin.query(`DROP DATABASE IF EXISTS "${d}" WITH (FORCE)`).catch(() => undefined);
      await admin.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await eventually(
      async () => {
        if (!run.running) throw new Error(`npm run cluster exited:\n${child.output()}`);
        return child.output().includes('Jingzhun is running on a Temporal cluster.');
      },
      600_000,
      'npm run cluster to start',
    );
  } catch (err) {
    const logs = logTails(dataDir);
    await run.destroy();
    throw new Error(`${(err as Error).message}\n${logs}`, { cause: err });
  }
  return run;
}

/** The end of every log the supervisor wrote (DATA_DIR is removed with the run). */
export function logTails(dataDir: string, chars = 1500): string {
  const dir = path.join(dataDir, 'cluster');
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => `--- ${f}\n${fs.readFileSync(path.join(dir, f), 'utf8').slice(-chars)}`)
    .join('\n');
}

/** The command line of a running process, or undefined once it has exited. */
export function commandLine(pid: number): string[] | undefined {
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0$/, '').split('\0');
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // A zombie has exited already.
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return undefined;
    return argv;
  } catch {
    return undefined;
  }
}

/** Waits until the supervisor has started `key` again under a new pid, and returns it. */
export async function restartedPid(run: ClusterRun, read: (s: ClusterState) => number | undefined, old: number) {
  return eventually(
    async () => {
      const pid = read(run.state());
      return pid !== undefined && pid !== old && commandLine(pid) ? pid : undefined;
    },
    120_000,
    `a new process to replace pid ${old}`,
  );
}
