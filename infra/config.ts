import path from 'node:path';
import { z } from 'zod';
import { TASK_QUEUE } from '../domain/constants';
import { parseDuration } from '../domain/duration';
import type { PayloadKey } from './codec';

// One place that reads the environment. Booleans are parsed as words, never with Boolean('false').
const zBool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const zPort = z.coerce.number().int().min(1).max(65535);
const zUrl = (schemes: string[]) =>
  z
    .string()
    .min(1)
    .refine((v) => schemes.some((s) => v.startsWith(s + '://')), {
      message: `must start with ${schemes.join(' or ')}://`,
    });

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Payload keys as PAYLOAD_KEYS and the key file give them: `<id>:<base64 of 32 bytes>` entries separated by commas
 * or new lines (blank lines and `#` comments ignored in a file); the first encrypts, all decrypt. Throws a message
 * naming the faulty entry by position and id, never the key itself.
 */
export function parsePayloadKeys(text: string): PayloadKey[] {
  const entries = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) throw new Error('no key given; expected "<id>:<base64 of 32 bytes>[,…]"');
  const keys = entries.map((entry, i) => {
    const at = entry.indexOf(':');
    const id = at < 0 ? '' : entry.slice(0, at);
    const b64 = at < 0 ? '' : entry.slice(at + 1).trim();
    const where = `entry ${i + 1}${KEY_ID.test(id) ? ` ("${id}")` : ''}`;
    if (!KEY_ID.test(id))
      throw new Error(`${where}: expected "<id>:<base64 of 32 bytes>", the id of letters, digits, ._-`);
    const key = Buffer.from(b64, 'base64');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || key.length !== 32) {
      throw new Error(`${where}: the key must be 32 bytes in base64 (e.g. \`openssl rand -base64 32\`)`);
    }
    return { id, key };
  });
  const ids = keys.map((k) => k.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new Error(`key id "${twice}" is given twice`);
  return keys;
}

const zPayloadKeys = z.string().transform((v, ctx) => {
  try {
    return parsePayloadKeys(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/** The Temporal dev server's Web UI, the origin that calls the codec server by default. */
export const DEFAULT_CODEC_ORIGINS = ['http://127.0.0.1:8233', 'http://localhost:8233'];

const zDuration = z.string().refine((v) => (parseDuration(v) ?? 0) > 0, 'a duration such as "7 days" or "36h"');
function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const ZEnv = z.object({
  DATABASE_URL: zUrl(['postgresql', 'postgres']).optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_PG_PORT: zPort.default(54329),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_PORT: zPort.default(7233),
  TEMPORAL_UI_PORT: zPort.default(8233),
  TEMPORAL_CLI: z.string().min(1).optional(),
  TASK_QUEUE: z.string().min(1).default(TASK_QUEUE),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: zPort.default(3000),
  API_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'a size such as 100kb')
    .default('100kb'),
  /** How long an API process believes a token or a console session before asking the database again (api/credentials.ts). */
  AUTH_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  /** Officials' inboxes (GET /tasks) answered from memory while nothing they are read from changed (api/inbox.ts). */
  INBOX_MEMORY: zBool.default(true),
  /** A Server-Timing header on every API response: the time of each stage of the request (api/timing.ts). */
  SERVER_TIMING: zBool.default(false),
  SEED: zBool.default(true),
  WORKER_HEALTH_PORT: zPort.optional(),
  // The Temporal SDK's worker metrics (Prometheus, GET /metrics) on this port; one port per worker process.
  WORKER_METRICS_PORT: zPort.optional(),
  WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  // Open rounds kept in the worker's memory; past it an idle round is evicted and replays its history on its next
  // decision. The SDK's default follows the heap size (about 2,000 on a 4 GB heap); see docs/BENCHMARKS.md.
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(1_000_000).optional(),
  // Keys of the payload encryption (infra/codec.ts): "<id>:<base64 32 bytes>,…", the first encrypts; or a file of
  // them. Neither: the key file under DATA_DIR, which `npm start` creates for the embedded demo.
  PAYLOAD_KEYS: zPayloadKeys.optional(),
  PAYLOAD_KEY_FILE: z.string().min(1).optional(),
  // Browser origins (the Temporal Web UI) allowed to call the codec server /codec with credentials.
  CODEC_CORS_ORIGINS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(z.url().regex(/^https?:\/\/[^/]+$/, 'an origin such as http://127.0.0.1:8233, without a path')).min(1),
    )
    .default(DEFAULT_CODEC_ORIGINS),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  // Unset: readable lines when stdout is a terminal, JSON lines otherwise (containers, files, pipes).
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  // Supervision: when the daily sweep runs, its thresholds, and the poor share under which a village may exit.
  SUPERVISION_CRON: z
    .string()
    .regex(/^(@\w+|\S+(\s+\S+){4,6})$/, 'a cron expression such as "0 8 * * *"')
    .default('0 8 * * *'),
  SUPERVISION_TIMEZONE: z
    .string()
    .refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai')
    .default('Asia/Shanghai'),
  SUPERVISION_OBJECTION_STALE_AFTER: zDuration.default('7 days'),
  SUPERVISION_ROUND_STUCK_AFTER: zDuration.default('14 days'),
  IDEMPOTENCY_RETENTION: zDuration.default('7 days'),
  // Rules captured into each round when it starts (domain/round.ts RoundRules): the shortest publicity and
  // announcement period accepted, and the share of approved proposals the county spot-checks.
  MIN_PUBLICITY_PERIOD: zDuration.default('7 days'),
  COUNTY_SAMPLE_SHARE: z.coerce.number().min(0.1).max(1).default(0.1),
  EXIT_POOR_SHARE_THRESHOLD: z.coerce.number().gt(0).lt(1).default(0.03),
});
export type TEnv = z.infer<typeof ZEnv>;

export interface Config extends TEnv {
  dataDir: string;
}

export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Treat empty strings as unset: `FOO= npm start` should mean the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ZEnv.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(
      `Invalid configuration:\n${lines.join('\n')}\nFix the variable(s) above (see README, Configuration).`,
    );
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.DATA_DIR) };
}

/** The settings new rounds capture as their rules (api/rules.ts): MIN_PUBLICITY_PERIOD and COUNTY_SAMPLE_SHARE. */
export function rulesSettings(config: Pick<TEnv, 'MIN_PUBLICITY_PERIOD' | 'COUNTY_SAMPLE_SHARE'>) {
  return { minPublicityPeriod: config.MIN_PUBLICITY_PERIOD, countySampleShare: config.COUNTY_SAMPLE_SHARE };
}

const zDbName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a PostgreSQL database name (a-z, 0-9, _)');

/** `npm run cluster`: the settings it reads besides those of ZEnv. */
export const ZClusterEnv = z.object({
  CLUSTER_WORKERS: z.coerce.number().int().min(1).max(64).default(2),
  CLUSTER_APIS: z.coerce.number().int().min(1).max(64).default(2),
  // The PostgreSQL server of Temporal's databases; by default DATABASE_URL's (or the embedded one).
  TEMPORAL_DB_URL: zUrl(['postgresql', 'postgres']).optional(),
  TEMPORAL_DB_NAME: zDbName.default('temporal'),
  TEMPORAL_VISIBILITY_DB_NAME: zDbName.default('temporal_visibility'),
});
export type TClusterEnv = z.infer<typeof ZClusterEnv>;

export function loadClusterConfig(env: NodeJS.ProcessEnv = process.env): Config & TClusterEnv {
  const config = loadConfig(env);
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ZClusterEnv.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(
      `Invalid configuration:\n${lines.join('\n')}\nFix the variable(s) above (see README, Running on a Temporal cluster).`,
    );
  }
  return { ...config, ...parsed.data };
}

/** Prints a ConfigError (or any start-up error) as one clear message, without a stack trace, and exits. */
export function exitWithStartupError(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`\njingzhun: cannot start.\n${message}\n`);
  process.exit(1);
}
