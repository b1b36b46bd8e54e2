import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from './config';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';
const PROJECT_ROOT = path.resolve(__dirname, '..');

/** Per-user cache shared by every clone (and by CI on this machine): ~/.cache/jingzhun. */
export function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'jingzhun');
}

/** ~/.cache/jingzhun/temporal-v1.5.1. */
export function cachedCliPath(): string {
  return path.join(cacheDir(), `temporal-${TEMPORAL_CLI_VERSION}`);
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** Finds the Temporal CLI without building it: TEMPORAL_CLI, then PATH, then .tools/bin, then the user cache. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TEMPORAL_CLI) {
    if (!isExecutable(env.TEMPORAL_CLI)) {
      throw new ConfigError(`TEMPORAL_CLI=${env.TEMPORAL_CLI} is not an executable file. Fix: correct or unset it.`);
    }
    return env.TEMPORAL_CLI;
  }
  const candidates = [onPath('temporal'), path.join(PROJECT_ROOT, '.tools', 'bin', 'temporal'), cachedCliPath()];
  return candidates.find((c): c is string => c !== undefined && isExecutable(c));
}

/** Finds the CLI or builds it once with `go install` into the per-user cache. */
export function ensureTemporalCli(log: (line: string) => void = (l) => process.stderr.write(l + '\n')): string {
  const found = findTemporalCli();
  if (found) return found;
  const go = onPath('go');
  if (!go) {
    throw new ConfigError(
      'No Temporal CLI found and no Go toolchain to build it.\n' +
        'Fix, one of:\n' +
        '  - install the Temporal CLI (https://docs.temporal.io/cli) and put `temporal` on PATH, or set TEMPORAL_CLI=/path/to/temporal;\n' +
        `  - install Go 1.22+ and rerun: the CLI is then built once with \`go install ${MODULE}@${TEMPORAL_CLI_VERSION}\`;\n` +
        '  - or point TEMPORAL_ADDRESS at a running Temporal server.',
    );
  }
  const target = cachedCliPath();
  const gobin = fs.mkdtempSync(path.join(path.dirname(ensureDir(target)), 'build-'));
  log(
    `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go (one-time, takes a few minutes; cached at ${target})...`,
  );
  const started = Date.now();
  const result = spawnSync(go, ['install', `${MODULE}@${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, GOBIN: gobin, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    fs.rmSync(gobin, { recursive: true, force: true });
    throw new ConfigError(
      `Building the Temporal CLI failed (go install exited with ${result.status ?? result.signal}).\n` +
        'Fix: check that the Go module proxy is reachable (GOPROXY), or install the Temporal CLI and set TEMPORAL_CLI.',
    );
  }
  // Rename is atomic: a concurrent run never sees a half-written binary.
  fs.renameSync(path.join(gobin, 'temporal'), target);
  fs.rmSync(gobin, { recursive: true, force: true });
  log(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s.`);
  return target;
}

function ensureDir(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

export function temporalCliVersion(cli: string): string {
  return execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim();
}
