import { PrismaPg } from '@prisma/adapter-pg';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { PrismaClient, type Prisma } from '../generated/prisma/client';

export type { PrismaClient, Round } from '../generated/prisma/client';
export { Prisma } from '../generated/prisma/client';

/** The pg pool behind each client made by createPrisma: raw reads on hot paths go straight to it (rawQuery). */
const pools = new WeakMap<PrismaClient, pg.Pool>();

export function createPrisma(databaseUrl: string, options: { max?: number } = {}): PrismaClient {
  // A prepared statement (rawQuery's `prepared`) is planned for its values every time, as an unnamed one is: a generic
  // plan, which PostgreSQL would otherwise pick after five runs, doubled the county's GET /tasks at 1 M households.
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    // Officials poll in bursts: a connection idle for a minute is kept, not reopened on the next burst (opening one
    // took 80–100 ms under bench:campaign's load; a warm-up and a pair opened 55 at pg's 10 s, 22 at a minute).
    // Idle connections do not keep a script's process alive.
    idleTimeoutMillis: 60_000,
    allowExitOnIdle: true,
    options: '-c plan_cache_mode=force_custom_plan',
  });
  // An idle connection that is lost is reported on the pool, which drops it; unheard, the event would end the process.
  // Prisma's adapter listens once Prisma connects, but the raw paths (rawQuery, sqlTransaction) may use the pool first.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(prisma, pool);
  return prisma;
}

/** What a listener (listenTo) reports. */
export interface ListenerEvents {
  /** A notification on the channel, with its payload. */
  notify(payload: string): void;
  /** true once listening; false whenever the connection is lost (notifications sent meanwhile are not heard). */
  live(up: boolean): void;
}

const LISTEN_RETRY_MS = [1_000, 30_000] as const;

/** A listener (listenTo): `wake` connects it again if it is down and its pause between tries is over. */
export interface Listener {
  wake(): void;
  stop(): void;
  /**
   * Resolves true once every notification of a transaction committed before the call has been reported (`notify`):
   * one round trip on the listening connection, after which PostgreSQL has sent what it owed it (it sends pending
   * notifications before it reports the end of a statement). Calls that arrive while one is under way wait for the
   * next round trip, never share the current one (it may have passed PostgreSQL before their commits); the calls of
   * one turn of the event loop share one round trip. False when not listening or the round trip failed: nothing is
   * then known about what was missed.
   */
  fence(): Promise<boolean>;
  /** Fences' round trips made so far (benchmarks). */
  roundTrips(): number;
}

/**
 * Listens on `channel` (a plain identifier) over a connection of its own, made as the pool's are (LISTEN holds its
 * connection, so it cannot be one of the pool's). The connection never keeps the process alive, and no timer of its
 * own makes it again once lost: `wake` does, from the work that needs it (at most every 1 s, then up to every 30 s
 * while it keeps failing), so a client left behind (a test's, a script's) does nothing after its process is done with
 * it. It ends with the client's pool. Undefined for a client not made by createPrisma.
 */
export function listenTo(prisma: PrismaClient, channel: string, on: ListenerEvents): Listener | undefined {
  const pool = pools.get(prisma);
  if (!pool) return undefined;
  let current: pg.Client | undefined;
  /** `current` once it listens; cleared whenever `current` is. */
  let listening: pg.Client | undefined;
  let stopped = false;
  let delay: number = LISTEN_RETRY_MS[0];
  let nextTry = 0;
  const connect = async () => {
    const c = new pg.Client({
      connectionString: pool.options.connectionString,
      application_name: `jz-listen-${channel}`,
      // A fence (below) that gets no answer within this reports false, and the read it guards asks the database.
      query_timeout: 5_000,
    });
    current = c;
    const lost = () => {
      if (current !== c) return;
      current = undefined;
      listening = undefined;
      nextTry = Date.now() + delay;
      delay = Math.min(delay * 2, LISTEN_RETRY_MS[1]);
      on.live(false);
      void c.end().catch(() => undefined);
    };
    c.on('error', lost);
    c.on('end', lost);
    c.on('notification', (n) => {
      if (n.channel === channel) on.notify(n.payload ?? '');
    });
    try {
      await c.connect();
      (c as unknown as { connection: { stream: { unref?(): void } } }).connection.stream.unref?.();
      await c.query(`LISTEN "${channel}"`);
      if (current !== c) return;
      delay = LISTEN_RETRY_MS[0];
      listening = c;
      on.live(true);
    } catch {
      lost();
    }
  };
  /** The round trip sent and not yet answered (or the last one). */
  let sent: Promise<boolean> | undefined;
  /** The next round trip, not yet sent: every fence asked for before it is sent shares it. */
  let next: Promise<boolean> | undefined;
  let roundTrips = 0;
  const roundTrip = async (): Promise<boolean> => {
    const c = listening;
    if (!c) return false;
    roundTrips++;
    try {
      await c.query('SELECT 1');
      // Lost meanwhile (`listening` is cleared with it): a notification may have been dropped with the connection.
      return listening === c;
    } catch {
      return false;
    }
  };
  const fence = (): Promise<boolean> =>
    (next ??= (async () => {
      // After the one under way (its answer says nothing of commits acknowledged after it was sent), and at the end
      // of this turn of the event loop, so that the requests read in the same turn share one round trip.
      await sent;
      await new Promise((resolve) => setImmediate(resolve));
      next = undefined;
      sent = roundTrip();
      return sent;
    })());
  const listener: Listener = {
    wake: () => {
      if (!stopped && !current && Date.now() >= nextTry) void connect();
    },
    fence,
    roundTrips: () => roundTrips,
    stop: () => {
      stopped = true;
      const c = current;
      current = undefined;
      listening = undefined;
      if (c) void c.end().catch(() => undefined);
    },
  };
  // Prisma's adapter ends the pool on $disconnect (disposeExternalPool): the listener ends with it.
  const end = pool.end.bind(pool) as (...args: unknown[]) => unknown;
  pool.end = ((...args: unknown[]) => {
    listener.stop();
    return end(...args);
  }) as typeof pool.end;
  listener.wake();
  return listener;
}

/**
 * A `timestamp without time zone` as PostgreSQL writes it — in a row ('2026-12-03 14:00:00.12') or inside a json
 * value ('2026-12-03T14:00:00.12') — read as the UTC instant it holds (Prisma's DateTime columns hold UTC).
 */
export function utcTimestamp(text: string): Date;
export function utcTimestamp(text: string | null): Date | null;
export function utcTimestamp(text: string | null): Date | null {
  return text === null ? null : new Date(`${text.replace(' ', 'T')}Z`);
}

const TIMESTAMP = 1114; // timestamp without time zone
/** Rows as Prisma's $queryRaw gives them for the types our raw reads select: a DateTime is a Date in UTC. */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === TIMESTAMP
      ? (v: string) => utcTimestamp(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * A read of raw parameterised SQL through the client's own pool, without Prisma's query interpreter and result
 * mapping (docs/BENCHMARKS.md, bench:reads: Prisma was the largest cost of a poll of GET /tasks). The statement is
 * the same Prisma.sql object $queryRaw takes, and so are the rows for text, booleans, integers and timestamps; a
 * client not made by createPrisma (tests' and benchmarks' own) reads through $queryRawUnsafe as before.
 */
export async function rawQuery<T>(
  prisma: PrismaClient,
  sql: Prisma.Sql,
  options: { prepared?: boolean } = {},
): Promise<T[]> {
  const pool = pools.get(prisma);
  if (!pool) return prisma.$queryRawUnsafe<T[]>(sql.text, ...sql.values);
  const { rows } = await pool.query({
    text: sql.text,
    values: sql.values,
    types,
    ...(options.prepared ? { name: preparedName(sql.text) } : {}),
  });
  return rows as T[];
}

/**
 * The name of a prepared statement: each connection parses it once (its plan is still made for each run's values:
 * createPrisma's pool sets plan_cache_mode). For the hottest reads only, whose text takes a few fixed
 * shapes (the officials' polls of GET /tasks, the token's official, a round's row): PostgreSQL's log of a campaign
 * put 90 % of such a statement's time in parsing and planning, not in running it (docs/BENCHMARKS.md). A text that
 * varies with the data would leave a prepared statement per variant on every connection.
 */
function preparedName(text: string): string {
  let name = preparedNames.get(text);
  if (!name) {
    name = `jz_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    preparedNames.set(text, name);
  }
  return name;
}
const preparedNames = new Map<string, string>();

/**
 * Raw parameterised SQL, in a transaction (sqlTransaction) or not (sqlOf). Rows come as rawQuery's do, alike on
 * both paths when enums and uuids are cast to text, counts to int (a bigint is a string from pg and a BigInt from
 * Prisma), and no `date` column is selected (pg would read it as local midnight).
 */
export interface Sql {
  /**
   * Runs a statement. In a transaction (sqlTransaction) statements run in the order they are asked for, so several
   * asked for at once (Promise.all) follow each other on the connection without a round trip through the event loop
   * between them; outside one (sqlOf) each runs on its own, in any order.
   */
  query<T>(statement: Prisma.Sql): Promise<T[]>;
}

/** Raw SQL outside a transaction: each statement on its own, as rawQuery runs it. */
export function sqlOf(prisma: PrismaClient): Sql {
  return { query: (statement) => rawQuery(prisma, statement) };
}

/** The limit of one statement, or of a pause between two, in a transaction of sqlTransaction. */
const TRANSACTION_TIMEOUT_MS = 30_000;

/**
 * Runs `fn` in one transaction of raw SQL: on a pg client of the pool behind a client made by createPrisma (BEGIN,
 * COMMIT, ROLLBACK on error), without Prisma's query compiler, request pipeline and result mapping (the writes of a
 * round's step were most of the worker's CPU); through an interactive `$transaction` and $queryRawUnsafe for a
 * client made otherwise (tests' and benchmarks' own), so both run the same statements.
 */
export async function sqlTransaction<T>(prisma: PrismaClient, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const pool = pools.get(prisma);
  if (!pool) {
    return prisma.$transaction(
      async (tx) => {
        const order = inOrder((statement) => tx.$queryRawUnsafe(statement.text, ...statement.values));
        try {
          return await fn(order.sql);
        } finally {
          await order.end();
        }
      },
      { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 10_000 },
    );
  }
  const client = await pool.connect();
  let broken: Error | undefined;
  // A connection cut while checked out reports it as an 'error' event, which with no listener would be thrown from
  // the socket and end the process (Prisma's adapter listens likewise); the pending query rejects on its own.
  const onError = (e: Error) => (broken = e);
  client.on('error', onError);
  const order = inOrder(
    async (statement) => (await client.query({ text: statement.text, values: statement.values, types })).rows,
  );
  try {
    // Bounded as Prisma's interactive transactions were (30 s): a statement or a lock wait that runs longer ends the
    // transaction with an error, so that a stuck attempt frees its connection and its locks before a retry takes
    // them. One round trip with BEGIN.
    await client.query(
      `BEGIN; SET LOCAL statement_timeout = ${TRANSACTION_TIMEOUT_MS}; ` +
        `SET LOCAL idle_in_transaction_session_timeout = ${TRANSACTION_TIMEOUT_MS}`,
    );
    const result = await fn(order.sql);
    await order.end();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await order.end();
    // A connection that cannot even roll back is dropped from the pool rather than handed to the next caller.
    await client.query('ROLLBACK').catch((e: unknown) => (broken = e instanceof Error ? e : new Error(String(e))));
    throw error;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}

/**
 * A transaction's statements, run one at a time in the order they were asked for. The next one is sent from the
 * microtask that settles the one before, so statements asked for together (Promise.all) follow each other on the
 * connection without waiting for a turn of a busy event loop in between. `end` refuses any statement asked for or
 * due after it and waits for the one running, so that nothing runs after COMMIT or ROLLBACK, outside the transaction.
 */
function inOrder(run: (statement: Prisma.Sql) => Promise<unknown[]>): { sql: Sql; end: () => Promise<void> } {
  let ended = false;
  let last: Promise<unknown> = Promise.resolve();
  const refused = () => new Error('The transaction has ended: no statement may be added to it.');
  return {
    sql: {
      query: <R>(statement: Prisma.Sql) => {
        if (ended) return Promise.reject(refused());
        const next = last.then(() => {
          if (ended) throw refused();
          return run(statement) as Promise<R[]>;
        });
        last = next.catch(() => undefined);
        return next;
      },
    },
    end: async () => {
      ended = true;
      await last;
    },
  };
}
