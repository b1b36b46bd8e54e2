// Who a bearer token or a console session belongs to, remembered for a few seconds per API process: officials poll
// their inbox all day, and a lookup on every request was a database round trip and a Prisma query per request
// (docs/BENCHMARKS.md, bench:reads). Only positive answers are kept (an unknown token always reaches the database
// and counts as a failure), for at most `ttlMs`: a token revoked by the CLI, or a session signed out in another API
// process, stops working within that time; a sign-out in this process takes effect at once. Answers never come
// from here: a cached caller still reads every decision fresh from the database.
import { LRUCache } from 'lru-cache';
import type { PrismaClient } from '../infra/db';

/** How long a token or a session is believed without asking the database again (AUTH_CACHE_MS). */
export const DEFAULT_CREDENTIAL_TTL_MS = 2_000;

type Kind = 'officials' | 'sessions';
type Caches = Record<Kind, LRUCache<string, object>>;

const byClient = new WeakMap<PrismaClient, Caches>();

/**
 * Turns on the caches of one database client (one per app; several apps in one process each have their own
 * client). The first call sets the time to live; 0 leaves caching off. `clock` (milliseconds, monotonic) is the
 * cache's own by default; a test passes one it moves itself.
 */
export function cacheCredentials(
  prisma: PrismaClient,
  ttlMs = DEFAULT_CREDENTIAL_TTL_MS,
  clock?: { now(): number },
): void {
  if (byClient.has(prisma) || ttlMs <= 0) return;
  const options = { max: 10_000, ttl: ttlMs, ttlAutopurge: false, ...(clock && { perf: clock }) } as const;
  byClient.set(prisma, { officials: new LRUCache(options), sessions: new LRUCache(options) });
}

/** `load` through the cache of `which`; an undefined answer is never kept. */
export async function remembered<V extends object>(
  prisma: PrismaClient,
  which: Kind,
  key: string,
  load: () => Promise<V | undefined>,
): Promise<V | undefined> {
  const cache = byClient.get(prisma)?.[which];
  const hit = cache?.get(key) as V | undefined;
  if (hit !== undefined) return hit;
  const value = await load();
  if (value !== undefined) cache?.set(key, value);
  return value;
}

/** Forgets a session at once (its sign-out in this process). */
export function forgetSession(prisma: PrismaClient, key: string): void {
  byClient.get(prisma)?.sessions.delete(key);
}
