// Reading and writing a household's facts (members, incomes, indicators) and the poverty line per year. Every write
// replaces whole sections and records what changed (HouseholdFactsChange, ID numbers masked) in the caller's
// transaction, so a change and its history are written together or not at all. Logs nothing: members carry names
// and ID numbers.
import type { Prisma, PrismaClient } from './db';
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

const day = (d: Date) => d.toISOString().slice(0, 10);

function indicatorsOf(row: {
  foodClothing: boolean;
  education: boolean;
  medical: boolean;
  housing: boolean;
  drinkingWater: boolean;
  assessedOn: Date;
}): Indicators {
  const { foodClothing, education, medical, housing, drinkingWater } = row;
  return { foodClothing, education, medical, housing, drinkingWater, assessedOn: day(row.assessedOn) };
}

type StoredMember = Omit<Member, 'idNumber'> & { idNumber: string | null };

/** A household's facts as stored: members in order, incomes by year, indicators (absent when never assessed). */
export async function readFacts(
  db: Db,
  householdId: string,
): Promise<
  Required<Omit<HouseholdFacts, 'indicators'>> & {
    indicators: Indicators | null;
  }
> {
  // One statement for the three sections (they are read on every write of facts and every entry announced).
  const [row] = await db.$queryRaw<
    { members: StoredMember[]; incomes: { year: number; perCapita: number }[]; indicators: Indicators | null }[]
  >`
    SELECT
      (SELECT coalesce(json_agg(json_build_object('name', m."name", 'relation', m."relation", 'idNumber', m."idNumber",
                'birthYear', m."birthYear", 'sex', m."sex", 'health', m."health", 'schooling', m."schooling",
                'labour', m."labour") ORDER BY m."seq"), '[]')
         FROM "HouseholdMember" m WHERE m."householdId" = ${householdId}::uuid) AS "members",
      (SELECT coalesce(json_agg(json_build_object('year', i."year", 'perCapita', i."perCapita") ORDER BY i."year"), '[]')
         FROM "HouseholdIncome" i WHERE i."householdId" = ${householdId}::uuid) AS "incomes",
      (SELECT json_build_object('foodClothing', x."foodClothing", 'education', x."education", 'medical', x."medical",
                'housing', x."housing", 'drinkingWater', x."drinkingWater",
                'assessedOn', to_char(x."assessedOn", 'YYYY-MM-DD'))
         FROM "HouseholdIndicators" x WHERE x."householdId" = ${householdId}::uuid) AS "indicators"`;
  return {
    members: row!.members.map(({ idNumber, ...m }) => ({ ...m, ...(idNumber !== null ? { idNumber } : {}) })),
    incomes: row!.incomes,
    indicators: row!.indicators,
  };
}

/**
 * Replaces the sections `facts` gives (members, incomes, indicators) and records the field-level change, masked,
 * with who made it. Nothing is written when nothing changes. Returns the changes.
 */
export async function writeFacts(
  tx: Prisma.TransactionClient,
  householdId: string,
  facts: HouseholdFacts,
  by: FactsAuthor,
): Promise<FactChange[]> {
  const before = await readFacts(tx, householdId);
  const changes = factsDiff({ ...before, indicators: before.indicators ?? undefined }, facts, maskIdNumber);
  if (changes.length === 0) return changes;
  if (facts.members) {
    await tx.householdMember.deleteMany({ where: { householdId } });
    await tx.householdMember.createMany({
      data: facts.members.map((m, i) => ({ ...m, idNumber: m.idNumber ?? null, householdId, seq: i + 1 })),
    });
  }
  if (facts.incomes) {
    await tx.householdIncome.deleteMany({ where: { householdId } });
    await tx.householdIncome.createMany({ data: facts.incomes.map((i) => ({ ...i, householdId })) });
  }
  if (facts.indicators) {
    const data = { ...facts.indicators, assessedOn: new Date(facts.indicators.assessedOn) };
    await tx.householdIndicators.upsert({ where: { householdId }, create: { ...data, householdId }, update: data });
  }
  await tx.householdFactsChange.create({
    data: {
      householdId,
      changedById: by.id ?? null,
      changedByName: by.name ?? null,
      changedAt: by.at,
      source: by.source,
      changes: changes as unknown as Prisma.InputJsonValue,
    },
  });
  return changes;
}

export interface PovertyLineRow extends PovertyLineFigure {
  source: string;
  enteredById: string | null;
  updatedAt: Date;
}

/** The poverty line of every year recorded, by year. */
export function povertyLines(db: Db): Promise<PovertyLineRow[]> {
  return db.povertyLine.findMany({ orderBy: { year: 'asc' } });
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

/** The evidence of existing households' facts under today's lines, by household id (domain/facts.ts evidenceOf). */
export async function evidenceOfHouseholds(
  db: Db,
  householdIds: readonly string[],
  lines: readonly PovertyLineFigure[],
): Promise<Map<string, FactsEvidence>> {
  const ids = [...new Set(householdIds)];
  const [incomes, indicators] = await Promise.all([
    db.householdIncome.findMany({ where: { householdId: { in: ids } } }),
    db.householdIndicators.findMany({ where: { householdId: { in: ids } } }),
  ]);
  const out = new Map<string, FactsEvidence>();
  for (const id of ids) {
    const own = indicators.find((i) => i.householdId === id);
    out.set(
      id,
      evidenceOf(
        { incomes: incomes.filter((i) => i.householdId === id), indicators: own ? indicatorsOf(own) : null },
        lines,
      ),
    );
  }
  return out;
}
