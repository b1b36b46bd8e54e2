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

/** A JSON column's parameter (cast `::jsonb`): SQL NULL for null or undefined, as Prisma writes an absent Json field. */
export const json = (value: unknown): string | null => (value == null ? null : JSON.stringify(value));

/** Rows in chunks that keep a multi-row INSERT well under PostgreSQL's 32,767 bind parameters. */
export function chunks<T>(rows: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/**
 * Several writes as one statement (data-modifying WITH "w0" AS (…), "w1" AS (…) … SELECT `select`, which may read
 * their RETURNING rows): one round trip instead of one each. Only for writes that
 * read nothing another of them writes and touch no row another touches (PostgreSQL runs them on one snapshot, in no
 * set order), such as inserts of new rows and updates of distinct rows. Its foreign keys are checked at its end, so a
 * row may reference one inserted beside it.
 */
export function together(statements: readonly Prisma.Sql[], select: Prisma.Sql = Prisma.sql`1`): Prisma.Sql {
  const parts = statements.map((s, i) => Prisma.sql`${Prisma.raw(`"w${i}"`)} AS (${s})`);
  return Prisma.sql`WITH ${Prisma.join(parts, ', ')} SELECT ${select}`;
}

/**
 * A write of a step (activities/rounds.ts): its statement and the rows it touches, named `Table:key` (a row it
 * inserts counts), so that writes touching distinct rows go as one statement (runWrites). `found`: the statement
 * ends in RETURNING and must return a row, else the write fails with this message (as Prisma's `update` does).
 */
export interface Write {
  statement: Prisma.Sql;
  rows: readonly string[];
  found?: string;
}

/** Writes as one statement (writeStatements), with the writes whose row it must find. */
export interface WriteStatement {
  statement: Prisma.Sql;
  /** A column of the statement's row per write that must find its row, with the message when it does not. */
  checks: { column: string; message: string }[];
}

/**
 * Writes, in order, as few statements as can be: each statement takes the next writes up to one that touches a row an
 * earlier one of them touches, and has them run together (a data-modifying WITH, one round trip). The writes of one
 * statement must read nothing another of them writes (PostgreSQL runs them on one snapshot); foreign keys are
 * checked at the statement's end.
 */
export function writeStatements(writes: readonly Write[]): WriteStatement[] {
  const groups: Write[][] = [];
  let touched = new Set<string>();
  for (const w of writes) {
    if (groups.length === 0 || w.rows.some((r) => touched.has(r))) {
      groups.push([]);
      touched = new Set();
    }
    groups[groups.length - 1]!.push(w);
    for (const r of w.rows) touched.add(r);
  }
  return groups.map((ws) => {
    const checks = ws.flatMap((w, i) => (w.found ? [{ column: `w${i}`, message: w.found }] : []));
    if (ws.length === 1 && checks.length === 0) return { statement: ws[0]!.statement, checks };
    const counts = checks.map(({ column }) => Prisma.raw(`(SELECT count(*) FROM "${column}")::int AS "${column}"`));
    return {
      statement: together(
        ws.map((w) => w.statement),
        counts.length > 0 ? Prisma.join(counts, ', ') : undefined,
      ),
      checks,
    };
  });
}

/** Runs writes in order in as few statements as can be (writeStatements). */
export const runWrites = (sql: Sql, writes: readonly Write[]): Promise<void> =>
  runStatements(sql, writeStatements(writes));

/** Runs the statements of writeStatements in order, failing a write that must find its row and did not. */
export async function runStatements(sql: Sql, statements: readonly WriteStatement[]): Promise<void> {
  for (const { statement, checks } of statements) {
    const [row] = await sql.query<Record<string, number>>(statement);
    for (const c of checks) if (!(row && row[c.column]! > 0)) throw new Error(c.message);
  }
}
