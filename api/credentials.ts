// Who a bearer token or a console session belongs to, remembered per API process: officials poll their inbox all
// day, and a lookup on every request was a database round trip per request (docs/BENCHMARKS.md, bench:reads and
// bench:campaign). Only positive answers are kept (an unknown token always reaches the database and counts as a
// failure). Answers never come from here: a remembered caller still reads every decision fresh from the database.
//
// How long an entry is believed:
// - While this process listens on PostgreSQL's jz_credentials channel (a trigger notifies it of any change to the
//   officials or the console sessions: migration 20261203180500), a revocation or a sign-out anywhere is forgotten
//   here as soon as it is committed, and an entry is kept up to a minute.
// - While it does not (starting, or its listening connection lost: the next lookup connects it again), at most
//   `ttlMs` (AUTH_CACHE_MS, 2 s): a token revoked elsewhere stops working within that time, as before the channel.
// A sign-out in this process takes effect at once either way. A lookup that began before a change was heard is not
// kept, so an answer read before a revocation committed cannot outlive it.
import { LRUCache } from 'lru-cache';
import { listenTo, type Listener, type PrismaClient } from '../infra/db';

/** How long a token or a session is believed without asking the database again (AUTH_CACHE_MS), unless listening. */
export const DEFAULT_CREDENTIAL_TTL_MS = 2_000;
/** How long while this process hears every change (the channel below): a backstop, not what revocation waits for. */
export const LISTENING_CREDENTIAL_TTL_MS = 60_000;
/** The channel of the trigger on "Official" and "ConsoleSession"; its payload is the table's name. */
export const CREDENTIALS_CHANNEL = 'jz_credentials';

type Kind = 'officials' | 'sessions';
interface Caches {
  officials: LRUCache<string, object>;
  sessions: LRUCache<string, object>;
  /** How long an entry is kept while not listening (AUTH_CACHE_MS), and while listening. */
  ttlMs: number;
  listeningTtlMs: number;
  /** Every change is heard (the channel's connection is up). */
  listening: boolean;
  /** Bumped whenever entries are forgotten: a lookup begun before keeps its answer to itself. */
  generation: number;
  /** The channel's listener (none for a client not made by createPrisma). */
  listener: Listener | undefined;
}

const byClient = new WeakMap<PrismaClient, Caches>();

function forget(caches: Caches, kinds: readonly Kind[]): void {
  caches.generation++;
  for (const kind of kinds) caches[kind].clear();
}

/**
 * Turns on the caches of one database client (one per app; several apps in one process each have their own
 * client), and listens for changes when the client is createPrisma's. The first call sets the time to live; 0 leaves
 * caching off. `clock` (milliseconds, monotonic) is the cache's own by default; a test passes one it moves itself.
 */
export function cacheCredentials(
  prisma: PrismaClient,
  ttlMs = DEFAULT_CREDENTIAL_TTL_MS,
  clock?: { now(): number },
): void {
  if (byClient.has(prisma) || ttlMs <= 0) return;
  const listeningTtlMs = Math.max(ttlMs, LISTENING_CREDENTIAL_TTL_MS);
  // Every entry is set with its own time to live (remembered); this is the longest.
  const options = { max: 10_000, ttl: listeningTtlMs, ttlAutopurge: false, ...(clock && { perf: clock }) } as const;
  const caches: Caches = {
    officials: new LRUCache(options),
    sessions: new LRUCache(options),
    ttlMs,
    listeningTtlMs,
    listening: false,
    generation: 0,
    listener: undefined,
  };
  byClient.set(prisma, caches);
  caches.listener = listenTo(prisma, CREDENTIALS_CHANNEL, {
    // A session stands on its official too: a change to the officials forgets both.
    notify: (table) => forget(caches, table === 'ConsoleSession' ? ['sessions'] : ['officials', 'sessions']),
    // Entries kept while listening may outlive a change not heard (the connection lost): forget them; and when
    // listening again, those kept meanwhile.
    live: (up) => {
      caches.listening = up;
      forget(caches, ['officials', 'sessions']);
    },
  });
}

/** Whether changes to the credentials reach this client's caches as they are committed (tests). */
export function listeningForCredentialChanges(prisma: PrismaClient): boolean {
  return byClient.get(prisma)?.listening ?? false;
}

/** `load` through the cache of `which`; an undefined answer is never kept. */
export async function remembered<V extends object>(
  prisma: PrismaClient,
  which: Kind,
  key: string,
  load: () => Promise<V | undefined>,
): Promise<V | undefined> {
  const caches = byClient.get(prisma);
  // Not listening (its connection lost): try again, without waiting for it.
  if (caches && !caches.listening) caches.listener?.wake();
  const hit = caches?.[which].get(key) as V | undefined;
  if (hit !== undefined) return hit;
  const generation = caches?.generation;
  const value = await load();
  if (value !== undefined && caches && caches.generation === generation) {
    caches[which].set(key, value, { ttl: caches.listening ? caches.listeningTtlMs : caches.ttlMs });
  }
  return value;
}

/** Forgets a session at once (its sign-out in this process). */
export function forgetSession(prisma: PrismaClient, key: string): void {
  byClient.get(prisma)?.sessions.delete(key);
}
