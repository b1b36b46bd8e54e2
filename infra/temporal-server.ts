import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../domain/constants';
import { ConfigError } from './config';

export interface DevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

/**
 * SQLite pragmas of the dev server's state file. The defaults (rollback journal, synchronous=FULL) fsync several
 * times per workflow step and make the dev server the bottleneck: WAL with synchronous=NORMAL made a 193-village
 * campaign 2-3× faster (docs/BENCHMARKS.md). A crash of the process loses nothing; a power cut may lose the last
 * moments, acceptable for the dev server (production uses a real Temporal cluster).
 */
export const DEV_SERVER_SQLITE_PRAGMAS: readonly string[] = ['journal_mode=WAL', 'synchronous=NORMAL'];

export function searchAttributeFlags(): string[] {
  return Object.values(SEARCH_ATTRIBUTES).flatMap((a) => ['--search-attribute', `${a.name}=${a.type}`]);
}

export async function assertPortFree(port: number, setting: string, host = '127.0.0.1'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new ConfigError(
          err.code === 'EADDRINUSE'
            ? `Port ${port} (${setting}) is already in use. Fix: stop what listens there (another \`npm start\`?) or set ${setting} to a free port.`
            : `Cannot listen on port ${port} (${setting}): ${err.message}.`,
          { cause: err },
        ),
      );
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

/** Waits until the frontend answers; Temporal takes a few seconds to open its SQLite file. */
export async function waitForTemporal(address: string, timeoutMs = 60_000, exited?: () => string | undefined) {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const why = exited?.();
    if (why) throw new ConfigError(`The Temporal dev server stopped during start-up: ${why}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new ConfigError(`The Temporal server at ${address} did not answer within ${timeoutMs / 1000} s.`, {
    cause: lastError,
  });
}

/**
 * Runs `temporal server start-dev` with state in a SQLite file, so a restart keeps every workflow and timer,
 * the Web UI on its port and the project's search attributes registered.
 */
export async function startDevServer(options: {
  cli: string;
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** The Web UI decodes payloads through this remote codec (the API's /codec). */
  codecEndpoint?: string;
}): Promise<DevServer> {
  await assertPortFree(options.port, 'TEMPORAL_PORT');
  await assertPortFree(options.uiPort, 'TEMPORAL_UI_PORT');
  fs.mkdirSync(options.dataDir, { recursive: true });
  const logFile = path.join(options.dataDir, 'temporal.log');
  const log = fs.openSync(logFile, 'a');
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    path.join(options.dataDir, 'temporal.db'),
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    ...searchAttributeFlags(),
    ...(options.codecEndpoint ? ['--ui-codec-endpoint', options.codecEndpoint] : []),
    ...DEV_SERVER_SQLITE_PRAGMAS.flatMap((p) => ['--sqlite-pragma', p]),
  ];
  const child: ChildProcess = spawn(options.cli, args, { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  let exitReason: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitReason = `exit ${code ?? signal}; see ${logFile}`;
      resolve();
    }),
  );
  const address = `127.0.0.1:${options.port}`;
  try {
    await waitForTemporal(address, 60_000, () => exitReason);
  } catch (err) {
    child.kill('SIGTERM');
    throw err;
  }
  return {
    address,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    async stop() {
      if (exitReason) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
