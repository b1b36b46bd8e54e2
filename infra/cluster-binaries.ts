// The cluster's Go binaries (Temporal's server, its SQL tool, the standalone Web UI server): found in the per-user
// cache beside the Temporal CLI (~/.cache/jingzhun/) or built there once with `go install`, each with its own GOBIN
// (two of them are named `server`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config';
import { cacheDir, isExecutable, onPath } from './temporal-cli';

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
