// The cluster's child processes (`npm run cluster`): each with its output appended to a log file, restartable with
// the same command, and a wait for its port that fails at once if it exits.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config';

const PROJECT_ROOT = path.resolve(__dirname, '..');

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
