import { Prisma } from '../infra/db';
import type { Official } from './auth';
import { forbidden } from './problem';

/** Codes nest by prefix (county 6, township 9, village 12 digits), so jurisdiction is a prefix test. */
export function inScope(o: Official, code: string): boolean {
  return code.startsWith(o.scopeCode);
}

/**
 * The codes inside a jurisdiction as a range: codes are digits and nest by prefix, so `gte`/`lt` select exactly the
 * codes that start with `scopeCode`. Prisma's `startsWith` becomes LIKE 'x%', which a plain btree index serves only
 * under the C collation; a range is served under any collation (docs/BENCHMARKS.md, bench:reads).
 */
export function codesWithin(scopeCode: string): { gte: string; lt?: string } {
  if (!/^\d+$/.test(scopeCode)) throw new Error(`not a division code: ${scopeCode}`);
  const next = (BigInt(scopeCode) + 1n).toString().padStart(scopeCode.length, '0');
  // A prefix of nines has no successor of its length: every code from it on starts with it.
  return next.length > scopeCode.length ? { gte: scopeCode } : { gte: scopeCode, lt: next };
}

/** The same range for raw SQL: `column` holds a code inside `scopeCode`. */
export function sqlCodesWithin(column: Prisma.Sql, scopeCode: string): Prisma.Sql {
  const range = codesWithin(scopeCode);
  return range.lt === undefined
    ? Prisma.sql`${column} >= ${range.gte}`
    : Prisma.sql`${column} >= ${range.gte} AND ${column} < ${range.lt}`;
}

export function requireScope(o: Official, code: string, what: string) {
  if (!inScope(o, code))
    throw forbidden(`${what} is outside your jurisdiction (${o.scopeCode}).`, 'OUT_OF_JURISDICTION');
}

/** ID numbers are shown in full only to officials of the household's village or its township. */
export function seesIdNumbers(o: Official, villageCode: string): boolean {
  return (o.role === 'VILLAGE' || o.role === 'TOWNSHIP') && villageCode.startsWith(o.scopeCode);
}
