// Reading and writing a household's facts (members, incomes, indicators) and the poverty line per year. Every write
// replaces whole sections and records what changed (HouseholdFactsChange, ID numbers masked) in one statement, so a
// change and its history are written together or not at all. Logs nothing: members carry names and ID numbers.
import { Prisma, type PrismaClient, type Sql } from './db';
import { chunks, json, together, utc, utcDay } from './sql';
import {
  evidenceOf,
  factsDiff,
  type FactChange,
  type FactsEvidence,
  type HouseholdFacts,
  type Indicators,
  type Member,
  type PovertyLineFigure,
} from '../domain/facts';
import { maskIdNumber } from '../domain/idNumber';

type Db = PrismaClient | Prisma.TransactionClient;

/** Where a change of facts came from (HouseholdFactsChange.source). */
export type FactsSource = 'API' | 'IMPORT' | 'SEED' | 'ROUND';

export interface FactsAuthor {
  id?: string | null;
  name?: string | null;
  source: FactsSource;
  at: Date;
}

/** A household's incomes by year, as one json array; `householdId` is the SQL of its id (a uuid). */
const incomesJson = (householdId: Prisma.Sql) => Prisma.sql`
  (SELECT coalesce(json_agg(json_build_object('year', i."year", 'perCapita', i."perCapita") ORDER BY i."year"), '[]')
     FROM "HouseholdIncome" i WHERE i."householdId" = ${householdId})`;

/** A household's indicators as one json object (Indicators), null when never assessed. */
const indicatorsJson = (householdId: Prisma.Sql) => Prisma.sql`
  (SELECT json_build_object('foodClothing', x."foodClothing", 'education', x."education", 'medical', x."medical",
            'housing', x."housing", 'drinkingWater', x."drinkingWater",
            'assessedOn', to_char(x."assessedOn", 'YYYY-MM-DD'))
     FROM "HouseholdIndicators" x WHERE x."householdId" = ${householdId})`;

type StoredMember = Omit<Member, 'idNumber'> & { idNumber: string | null };

/** A household's facts as its columns (factsColumns) give them. */
export interface StoredFacts {
  members: StoredMember[];
  incomes: { year: number; perCapita: number }[];
  indicators: Indicators | null;
}

/** Facts as read: sections recorded (members, incomes by year; indicators absent when never assessed). */
export type RecordedFacts = Required<Omit<HouseholdFacts, 'indicators'>> & { indicators: Indicators | null };

/**
 * The three sections of a household's facts as the columns "members", "incomes" and "indicators" of a select (json,
 * StoredFacts), for a household given by the SQL of its id (a uuid, or a column of the row selected).
 */
export const factsColumns = (householdId: Prisma.Sql) => Prisma.sql`
  (SELECT coalesce(json_agg(json_build_object('name', m."name", 'relation', m."relation", 'idNumber', m."idNumber",
            'birthYear', m."birthYear", 'sex', m."sex", 'health', m."health", 'schooling', m."schooling",
            'labour', m."labour") ORDER BY m."seq"), '[]')
     FROM "HouseholdMember" m WHERE m."householdId" = ${householdId}) AS "members",
  ${incomesJson(householdId)} AS "incomes",
  ${indicatorsJson(householdId)} AS "indicators"`;

/** The facts of factsColumns: a member without an ID number has none (not null). */
export function recordedFacts(row: StoredFacts): RecordedFacts {
  return {
    members: row.members.map(({ idNumber, ...m }) => ({ ...m, ...(idNumber !== null ? { idNumber } : {}) })),
    incomes: row.incomes,
    indicators: row.indicators,
  };
}

/**
 * A household's facts as stored: members in order, incomes by year, indicators (absent when never assessed). Raw SQL,
 * in a write's transaction or not (sqlOf).
 */
export async function readFacts(sql: Sql, householdId: string): Promise<RecordedFacts> {
  // One statement for the three sections.
  const [row] = await sql.query<StoredFacts>(Prisma.sql`SELECT ${factsColumns(Prisma.sql`${householdId}::uuid`)}`);
  return recordedFacts(row!);
}

/** What changes from `before` (recordedFacts) to the sections `facts` gives, ID numbers masked. */
export const factsChanges = (before: RecordedFacts, facts: HouseholdFacts): FactChange[] =>
  factsDiff({ ...before, indicators: before.indicators ?? undefined }, facts, maskIdNumber);

/**
 * Replaces the sections `facts` gives (members, incomes, indicators) and records the field-level change, masked,
 * with who made it, in one statement (factsWrite). Nothing is written when nothing changes. Returns the changes.
 */
export async function writeFacts(
  sql: Sql,
  householdId: string,
  facts: HouseholdFacts,
  by: FactsAuthor,
): Promise<FactChange[]> {
  const changes = factsChanges(await readFacts(sql, householdId), facts);
  if (changes.length > 0) await sql.query(together(factsWrites(householdId, facts, changes, by)));
  return changes;
}

/**
 * The facts of a household inserted by the same statement (a round's new household): it has none yet, so nothing is
 * read. Returns the statements (factsWrites), for the caller to run with its own (infra/sql.ts together); none when
 * `facts` gives nothing.
 */
export function newHouseholdFacts(householdId: string, facts: HouseholdFacts, by: FactsAuthor): Prisma.Sql[] {
  const changes = factsChanges({ members: [], incomes: [], indicators: null }, facts);
  return changes.length === 0 ? [] : factsWrites(householdId, facts, changes, by);
}

/**
 * The statements that replace the sections `facts` gives and record `changes`: each touches rows no other touches
 * (a section's rows are upserted by their key and the others of the household deleted), so they may run as one
 * statement (infra/sql.ts together), which is atomic without a transaction.
 */
export function factsWrites(
  householdId: string,
  facts: HouseholdFacts,
  changes: FactChange[],
  by: FactsAuthor,
): Prisma.Sql[] {
  const household = Prisma.sql`${householdId}::uuid`;
  const writes: Prisma.Sql[] = [];
  if (facts.members) {
    writes.push(
      Prisma.sql`DELETE FROM "HouseholdMember" WHERE "householdId" = ${household} AND "seq" > ${facts.members.length}::int`,
    );
    let seq = 0;
    for (const rows of chunks(facts.members)) {
      const values = rows.map(
        (m) => Prisma.sql`(gen_random_uuid(), ${household}, ${++seq}::int, ${m.name}, ${m.relation}::"MemberRelation",
          ${m.idNumber ?? null}, ${m.birthYear}::int, ${m.sex}::"Sex", ${m.health}::"HealthStatus",
          ${m.schooling}::"Schooling", ${m.labour}::"LabourAbility")`,
      );
      writes.push(Prisma.sql`
        INSERT INTO "HouseholdMember" ("id", "householdId", "seq", "name", "relation", "idNumber", "birthYear", "sex",
                                       "health", "schooling", "labour")
        VALUES ${Prisma.join(values)}
        ON CONFLICT ("householdId", "seq") DO UPDATE SET
          "name" = excluded."name", "relation" = excluded."relation", "idNumber" = excluded."idNumber",
          "birthYear" = excluded."birthYear", "sex" = excluded."sex", "health" = excluded."health",
          "schooling" = excluded."schooling", "labour" = excluded."labour"`);
    }
  }
  if (facts.incomes) {
    const years = facts.incomes.map((i) => i.year);
    writes.push(Prisma.sql`
      DELETE FROM "HouseholdIncome" WHERE "householdId" = ${household} AND NOT ("year" = ANY(${years}::int[]))`);
    for (const rows of chunks(facts.incomes)) {
      const values = rows.map((i) => Prisma.sql`(${household}, ${i.year}::int, ${i.perCapita}::int)`);
      writes.push(Prisma.sql`
        INSERT INTO "HouseholdIncome" ("householdId", "year", "perCapita") VALUES ${Prisma.join(values)}
        ON CONFLICT ("householdId", "year") DO UPDATE SET "perCapita" = excluded."perCapita"`);
    }
  }
  if (facts.indicators) {
    const x = facts.indicators;
    writes.push(Prisma.sql`
      INSERT INTO "HouseholdIndicators" ("householdId", "foodClothing", "education", "medical", "housing",
                                         "drinkingWater", "assessedOn")
      VALUES (${household}, ${x.foodClothing}::boolean, ${x.education}::boolean, ${x.medical}::boolean,
              ${x.housing}::boolean, ${x.drinkingWater}::boolean, ${utcDay(x.assessedOn)}::date)
      ON CONFLICT ("householdId") DO UPDATE SET
        "foodClothing" = excluded."foodClothing", "education" = excluded."education", "medical" = excluded."medical",
        "housing" = excluded."housing", "drinkingWater" = excluded."drinkingWater",
        "assessedOn" = excluded."assessedOn"`);
  }
  writes.push(Prisma.sql`
    INSERT INTO "HouseholdFactsChange" ("id", "householdId", "changedById", "changedByName", "changedAt", "source",
                                        "changes")
    VALUES (gen_random_uuid(), ${household}, ${by.id ?? null}::uuid, ${by.name ?? null},
            ${utc(by.at)}::timestamp(3), ${by.source}, ${json(changes)}::jsonb)`);
  return writes;
}

export interface PovertyLineRow extends PovertyLineFigure {
  source: string;
  enteredById: string | null;
  updatedAt: Date;
}

/** The poverty line of every year recorded, by year (raw: the assessment's check and every facts view read it). */
export function povertyLines(sql: Sql): Promise<PovertyLineRow[]> {
  return sql.query<PovertyLineRow>(
    Prisma.sql`SELECT "year", "perCapita", "source", "enteredById"::text AS "enteredById", "updatedAt"
               FROM "PovertyLine" ORDER BY "year"`,
  );
}

/** The mark of a figure the county entered (in its source): shown as entered, not as published. */
export const COUNTY_ENTERED_SOURCE = '县扶贫办录入';

/**
 * Sets (or changes) the line of a year: the county's entry. Its source says so — the source named (the province's
 * figure, say) followed by （县扶贫办录入）, or 县扶贫办录入 alone — so it is never taken for a published default.
 */
export function setPovertyLine(
  db: Db,
  line: { year: number; perCapita: number; source?: string; enteredById?: string | null },
): Promise<PovertyLineRow> {
  const data = {
    perCapita: line.perCapita,
    source: line.source?.trim() ? `${line.source.trim()}（${COUNTY_ENTERED_SOURCE}）` : COUNTY_ENTERED_SOURCE,
    enteredById: line.enteredById ?? null,
    updatedAt: new Date(),
  };
  return db.povertyLine.upsert({ where: { year: line.year }, create: { year: line.year, ...data }, update: data });
}

/** A household's incomes and indicators as the registry holds them (none recorded: null). */
export interface RegistryFacts {
  incomes: { year: number; perCapita: number }[];
  indicators: Indicators | null;
}

/**
 * The incomes and indicators of each household, in one statement for both sections of every household (an
 * assessment's check reads them for each EXIT and ENTER): with the poverty lines, read at the same time, they give
 * each household's evidence (evidenceOfHouseholds).
 */
export async function factsOfHouseholds(
  sql: Sql,
  householdIds: readonly string[],
): Promise<Map<string, RegistryFacts>> {
  const ids = [...new Set(householdIds)];
  if (ids.length === 0) return new Map();
  const rows = await sql.query<RegistryFacts & { id: string }>(Prisma.sql`
    SELECT h."id",
      ${incomesJson(Prisma.sql`h."id"::uuid`)} AS "incomes",
      ${indicatorsJson(Prisma.sql`h."id"::uuid`)} AS "indicators"
    FROM unnest(${ids}::text[]) AS h("id")`);
  return new Map(rows.map((r) => [r.id, { incomes: r.incomes, indicators: r.indicators }]));
}

/** Each household's facts as evidence against the poverty lines (factsOfHouseholds). */
export function evidenceOfHouseholds(
  facts: ReadonlyMap<string, RegistryFacts>,
  lines: readonly PovertyLineFigure[],
): Map<string, FactsEvidence> {
  return new Map([...facts].map(([id, f]) => [id, evidenceOf(f, lines)]));
}
