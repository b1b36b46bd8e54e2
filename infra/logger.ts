// The service's logger: pino, one JSON object per line in production, readable lines in a terminal. Every line is
// redacted as a whole after serialisation, so that an ID number or phone number never reaches a log even when it
// slips into an error message or a field. Lines logged while an HTTP request is handled carry its request id.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import pretty from 'pino-pretty';

export type Level = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'pretty';

// Bounded by non-alphanumerics so that hex runs inside UUIDs are left alone.
const ID_NUMBER = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const PHONE = /(?<![0-9A-Za-z+])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![0-9A-Za-z])/g;

export function redact(text: string): string {
  return text.replace(ID_NUMBER, '[id-number]').replace(PHONE, '[phone]');
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  /** `json` (one object per line) or `pretty` (for a terminal). Default: pretty when stdout is a TTY, else json. */
  format?: LogFormat;
}

const requestContext = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `fn` (and everything it awaits) as part of the request `requestId`: its log lines carry `reqId`. */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return requestContext.run({ requestId }, fn);
}

/** The id of the request being handled, if any. */
export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

// A caller's X-Request-Id is kept when it looks like an id (a UUID, a ULID, a proxy's token), never free text.
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

/** The request id to use: the caller's `X-Request-Id` when well-formed, else a fresh UUID. */
export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && REQUEST_ID.test(header) ? header : randomUUID();
}

let stdout: pino.DestinationStream | undefined;

/**
 * Standard output, written asynchronously and shared by every logger of the process: a synchronous write per line
 * (what process.stdout does for a pipe or a file) held the event loop on every request (docs/BENCHMARKS.md,
 * bench:reads). Lines are buffered only while a write is in flight, and pino flushes them when the process exits.
 */
function stdoutDestination(): pino.DestinationStream {
  stdout ??= pino.destination({ dest: 1, sync: false });
  return stdout;
}

/**
 * A logger at `level`. `write` receives each redacted JSON line without its newline (tests and benchmarks collect
 * them); without it lines go to stdout, as JSON or pretty-printed.
 */
export function createLogger(
  level: Level = 'info',
  write?: (line: string) => void,
  options: LoggerOptions = {},
): Logger {
  const format = options.format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const destination: pino.DestinationStream = write
    ? { write: (line: string) => write(line.endsWith('\n') ? line.slice(0, -1) : line) }
    : format === 'pretty'
      ? pretty({
          destination: process.stdout,
          colorize: Boolean(process.stdout.isTTY),
          translateTime: 'SYS:HH:MM:ss.l',
        })
      : stdoutDestination();
  const log = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId === undefined ? {} : { reqId: requestId };
      },
      // The whole serialised line, message and fields alike, before any destination (pretty-printing included).
      hooks: { streamWrite: redact },
    },
    destination,
  );
  const emit = (l: Level) => (msg: string, fields?: Record<string, unknown>) =>
    fields === undefined ? log[l](msg) : log[l](fields, msg);
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
