import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient, type Prisma } from '../generated/prisma/client';

export type { PrismaClient, Round } from '../generated/prisma/client';
export { Prisma } from '../generated/prisma/client';

/** The pg pool behind each client made by createPrisma: raw reads on hot paths go straight to it (rawQuery). */
const pools = new WeakMap<PrismaClient, pg.Pool>();

export function createPrisma(databaseUrl: string, options: { max?: number } = {}): PrismaClient {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.max ?? 10 });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(prisma, pool);
  return prisma;
}

const TIMESTAMP = 1114; // timestamp without time zone: Prisma's DateTime columns, which hold UTC
/** Rows as Prisma's $queryRaw gives them for the types our raw reads select: a DateTime is a Date in UTC. */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === TIMESTAMP
      ? (v: string) => new Date(`${v.replace(' ', 'T')}Z`)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * A read of raw parameterised SQL through the client's own pool, without Prisma's query interpreter and result
 * mapping (docs/BENCHMARKS.md, bench:reads: Prisma was the largest cost of a poll of GET /tasks). The statement is
 * the same Prisma.sql object $queryRaw takes, and so are the rows for text, booleans, integers and timestamps; a
 * client not made by createPrisma (tests' and benchmarks' own) reads through $queryRawUnsafe as before.
 */
export async function rawQuery<T>(prisma: PrismaClient, sql: Prisma.Sql): Promise<T[]> {
  const pool = pools.get(prisma);
  if (!pool) return prisma.$queryRawUnsafe<T[]>(sql.text, ...sql.values);
  const { rows } = await pool.query({ text: sql.text, values: sql.values, types });
  return rows as T[];
}
