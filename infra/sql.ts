// Helpers for raw parameterised SQL written as Prisma would write it (sqlTransaction in db.ts): instants as UTC text,
// fields left out when undefined, a missing row to update an error.
import { Prisma, type Sql } from './db';

/** A UTC instant as a `timestamp(3)` parameter: ISO text cast, never a Date (pg would send it in local time). */
export const utc = (instant: Date | string): string => new Date(instant).toISOString();

/** A calendar day as a `date` parameter: the UTC day of the instant, as Prisma writes a `@db.Date`. */
export const utcDay = (instant: Date | string): string => utc(instant).slice(0, 10);

type Field = readonly [column: string, value: unknown, type: string];

/**
 * `"column" = value::type, …` of the fields whose value is not undefined, as Prisma's `data` leaves out an
 * undefined field and writes NULL for null. Null when none is left.
 */
export function assignments(fields: readonly Field[]): Prisma.Sql | null {
  const set = fields
    .filter(([, value]) => value !== undefined)
    .map(([column, value, type]) => Prisma.sql`${Prisma.raw(`"${column}"`)} = ${value}::${Prisma.raw(type)}`);
  return set.length === 0 ? null : Prisma.join(set, ', ');
}

/** Updates the row of `table` with this id (uuid unless said), failing as Prisma's `update` does when it is not there. */
export async function updateOne(
  sql: Sql,
  table: string,
  id: string,
  fields: readonly Field[],
  idType: 'uuid' | 'text' = 'uuid',
): Promise<void> {
  const set = assignments(fields);
  const where = Prisma.sql`"id" = ${id}::${Prisma.raw(idType)}`;
  const name = Prisma.raw(`"${table}"`);
  const found = await sql.query(
    set
      ? Prisma.sql`UPDATE ${name} SET ${set} WHERE ${where} RETURNING 1 AS "found"`
      : Prisma.sql`SELECT 1 AS "found" FROM ${name} WHERE ${where}`,
  );
  if (found.length === 0) throw new Error(`No ${table} ${id} to update.`);
}

/** A JSON column's parameter (cast `::jsonb`): SQL NULL for null or undefined, as Prisma writes an absent Json field. */
export const json = (value: unknown): string | null => (value == null ? null : JSON.stringify(value));

/** Rows in chunks that keep a multi-row INSERT well under PostgreSQL's 32,767 bind parameters. */
export function chunks<T>(rows: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/**
 * Several writes as one statement (data-modifying WITH): one round trip instead of one each. Only for writes that
 * read nothing another of them writes and touch no row another touches (PostgreSQL runs them on one snapshot, in no
 * set order), such as inserts of new rows and updates of distinct rows. Its foreign keys are checked at its end, so a
 * row may reference one inserted beside it.
 */
export function together(statements: readonly Prisma.Sql[]): Prisma.Sql {
  if (statements.length <= 1) return statements[0] ?? Prisma.sql`SELECT 1`;
  const parts = statements.map((s, i) => Prisma.sql`${Prisma.raw(`"w${i}"`)} AS (${s})`);
  return Prisma.sql`WITH ${Prisma.join(parts, ', ')} SELECT 1`;
}
