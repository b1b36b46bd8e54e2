// An official's inbox (GET /tasks), remembered per API process while nothing it is read from has changed: officials
// poll it all day, and nearly every poll finds what the one before found (issue 16, docs/BENCHMARKS.md).
//
// Never stale: a trigger on every table a task is read from (rounds, objections, findings, entry candidates, exits
// and their objections: migration 20261204040000) notifies the jz_inbox channel, at commit, of the division code of
// each row changed. Before answering from memory, a read makes one round trip on the listening connection (a fence,
// infra/db.ts listenTo): PostgreSQL sends a connection what it owes it before it answers, so every change committed
// before the poll arrived has been heard by then, and an answer read before it is not used. A read with nothing in
// memory that could still be current (none, or a change concerning the official already heard) goes to the database
// at once: what the database answers is current without a fence, which would only delay it. While not listening
// (starting, or the connection lost), every read asks the database. What is remembered is the rows read, not the
// answer: what depends on the time (a finding's age, an exit's lateness) is worked out at each poll.
import { LRUCache } from 'lru-cache';
import { listenTo, type Listener, type PrismaClient } from '../infra/db';
import type { Official } from './auth';

/** The channel of the triggers; its payload is a division code ('' for a change that may concern anyone). */
export const INBOX_CHANNEL = 'jz_inbox';
/** A backstop: an entry is not believed longer than this even when nothing was heard. */
const ENTRY_TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

/**
 * When each division code last changed, on a counter of the changes heard. Codes nest by prefix (county 6, township
 * 9, village 12 digits), and a change named by a code concerns every official above it (its prefixes) and below it:
 * a round's change is named by its village, and so concerns the village's, the township's and the county's officials.
 */
export class ChangeClock {
  private tick = 0;
  /** Codes named by a change or under which one was named: the last change at or below each. */
  private below = new Map<string, number>();
  /** Codes named by a change: the last one. */
  private named = new Map<string, number>();
  /** Nothing read before this is believed (everything was forgotten). */
  private floor = 0;

  /** The instant a read begins: a change heard after it makes the read's answer old. */
  now(): number {
    return this.tick;
  }

  /** A change named by `code` ('' concerns everyone). */
  change(code: string): void {
    this.tick++;
    this.named.set(code, this.tick);
    for (let n = 0; n <= code.length; n++) this.below.set(code.slice(0, n), this.tick);
  }

  /** Forget everything: no answer read before now is believed. */
  forgetAll(): void {
    this.tick++;
    this.floor = this.tick;
    this.below.clear();
    this.named.clear();
  }

  /** The last change heard named by `code` or by a code under it (0: none since everything was forgotten). */
  lastAtOrBelow(code: string): number {
    return this.below.get(code) ?? 0;
  }

  /** Whether no change concerning an official of `scope` was heard after `since`. */
  unchangedSince(scope: string, since: number): boolean {
    if (since < this.floor || (this.below.get(scope) ?? 0) > since) return false;
    for (let n = 0; n < scope.length; n++) if ((this.named.get(scope.slice(0, n)) ?? 0) > since) return false;
    return true;
  }
}

interface State {
  clock: ChangeClock;
  entries: LRUCache<string, { at: number; value: object }>;
  listening: boolean;
  listener: Listener;
  /** Reads answered from memory and from the database (GET /metrics). */
  counts: { memory: number; database: number };
}

const byClient = new WeakMap<PrismaClient, State>();

/** Turns on the inbox's memory for one database client (one per app) made by createPrisma; once. */
export function rememberInboxes(prisma: PrismaClient): void {
  if (byClient.has(prisma)) return;
  const state = {
    clock: new ChangeClock(),
    entries: new LRUCache<string, { at: number; value: object }>({ max: MAX_ENTRIES, ttl: ENTRY_TTL_MS }),
    listening: false,
    counts: { memory: 0, database: 0 },
  };
  const listener = listenTo(prisma, INBOX_CHANNEL, {
    notify: (code) => state.clock.change(code),
    // Changes may have gone unheard while the connection was down: forget what was read before it came back.
    live: (up) => {
      state.listening = up;
      state.clock.forgetAll();
      state.entries.clear();
    },
  });
  if (listener) byClient.set(prisma, Object.assign(state, { listener }));
}

/**
 * `load` for `o` (its rows, by `key` within the official: the query's parameters), or what it gave last time if no
 * change concerning `o`'s jurisdiction was committed since. Without a listening connection, always `load`.
 */
export async function inboxRead<T extends object>(
  prisma: PrismaClient,
  o: Official,
  key: string,
  load: () => Promise<T>,
): Promise<T> {
  const state = byClient.get(prisma);
  if (!state) return load();
  const unheard = () => {
    state.listener.wake();
    state.counts.database++;
    return load();
  };
  if (!state.listening) return unheard();
  // The official's role and jurisdiction are part of the key: an official moved elsewhere reads afresh.
  const k = `${o.id}|${o.role}|${o.scopeCode}|${key}`;
  const current = () => {
    const hit = state.entries.get(k);
    return hit && state.clock.unchangedSince(o.scopeCode, hit.at) ? hit : undefined;
  };
  // Only an answer that may still be current is worth a fence; after it, the answer is believed if still current.
  if (current()) {
    if (!(await state.listener.fence())) return unheard();
    const hit = current();
    if (hit) {
      state.counts.memory++;
      return hit.value as T;
    }
  }
  // Read now, so every change heard from here on makes this answer old (it may already be in it: read again then).
  const at = state.clock.now();
  const value = await load();
  state.counts.database++;
  // Kept even if a change is heard meanwhile: the next read finds it newer than `at` and reads again.
  state.entries.set(k, { at, value });
  return value;
}

/**
 * Reads answered from memory and from the database so far (GET /metrics), and the round trips their fences made;
 * undefined when not turned on.
 */
export function inboxCounts(prisma: PrismaClient): { memory: number; database: number; fences: number } | undefined {
  const state = byClient.get(prisma);
  return state && { ...state.counts, fences: state.listener.roundTrips() };
}

/** The last change this client's inbox memory heard at or under `code` (tests; 0 when none or not turned on). */
export function inboxChangeHeard(prisma: PrismaClient, code: string): number {
  return byClient.get(prisma)?.clock.lastAtOrBelow(code) ?? 0;
}

/** Whether this client's inbox memory hears every change (tests). */
export function listeningForInboxChanges(prisma: PrismaClient): boolean {
  return byClient.get(prisma)?.listening ?? false;
}
