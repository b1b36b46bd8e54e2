// Writes the demo county (infra/seed-data.ts) and the demo officials. Idempotent: rows that already exist
// are left untouched, so re-seeding never reverts registry changes made by announced rounds.
// Logs nothing: households carry ID numbers and phones.

import type { Role } from '../domain/enums';
import { Prisma, type PrismaClient } from './db';
import { buildDemoCounty, type DemoCounty } from './seed-data';
import { buildHouseholdFacts } from './seed-facts';
import { hashToken } from './tokens';

export interface DemoOfficial {
  role: Role;
  scopeCode: string;
  name: string;
  /** The bearer token itself: fixed demo strings, documented for newcomers. */
  token: string;
}

export interface SeedResult {
  /** Sizes of the demo county as seeded (rows that were already present count too). */
  townships: number;
  villages: number;
  households: number;
  officials: DemoOfficial[];
}

const CHUNK = 1000;
// Serialises concurrent seeds (e.g. API and worker starting together): assignments have no unique key.
const SEED_LOCK_KEY = 620522_0001;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

export function demoOfficials(data: Pick<DemoCounty, 'county' | 'townships' | 'villages'>): DemoOfficial[] {
  const township = data.townships[0];
  const village = data.villages.find((v) => v.townshipCode === township?.code);
  if (!township || !village) throw new Error('demo county has no township or village');
  return [
    { role: 'ADMIN', scopeCode: data.county.code, name: '县扶贫办 系统管理员', token: 'demo-admin' },
    { role: 'COUNTY', scopeCode: data.county.code, name: '县扶贫办 王主任', token: 'demo-county' },
    { role: 'TOWNSHIP', scopeCode: township.code, name: `${township.name}人民政府 李镇长`, token: 'demo-township' },
    { role: 'VILLAGE', scopeCode: village.code, name: `${village.name}村委会 张主任`, token: 'demo-village' },
  ];
}

async function insertResponsibilities(tx: Prisma.TransactionClient, data: DemoCounty): Promise<void> {
  // Any assignment, current or past, means the subject has been taken care of: leave it alone.
  const villageCodes = data.responsibilities.flatMap((r) => (r.villageCode ? [r.villageCode] : []));
  const householdIds = data.responsibilities.flatMap((r) => (r.householdId ? [r.householdId] : []));
  const assignedVillages = new Set<string>();
  for (const codes of chunks(villageCodes)) {
    const rows = await tx.responsibilityAssignment.findMany({
      where: { subject: 'VILLAGE', villageCode: { in: codes } },
      select: { villageCode: true },
      distinct: ['villageCode'],
    });
    for (const r of rows) if (r.villageCode) assignedVillages.add(r.villageCode);
  }
  const assignedHouseholds = new Set<string>();
  const existingHouseholds = new Set<string>();
  for (const ids of chunks(householdIds)) {
    // A seed household skipped for a clashing ID number does not exist: give it no dangling assignment.
    const present = await tx.household.findMany({ where: { id: { in: ids } }, select: { id: true } });
    for (const h of present) existingHouseholds.add(h.id);
    const rows = await tx.responsibilityAssignment.findMany({
      where: { subject: 'HOUSEHOLD', householdId: { in: ids } },
      select: { householdId: true },
      distinct: ['householdId'],
    });
    for (const r of rows) if (r.householdId) assignedHouseholds.add(r.householdId);
  }
  const missing = data.responsibilities.filter((r) =>
    r.subject === 'VILLAGE'
      ? !assignedVillages.has(r.villageCode as string)
      : existingHouseholds.has(r.householdId as string) && !assignedHouseholds.has(r.householdId as string),
  );
  for (const rows of chunks(missing)) await tx.responsibilityAssignment.createMany({ data: rows });
}

/**
 * The demo households' facts (infra/seed-facts.ts), for households that exist and whose facts nobody has recorded
 * (no HouseholdFactsChange): a fact recorded through the API, an import or a round is never overwritten, and a
 * re-seed adds nothing (the keys of members, incomes and indicators are unique per household).
 */
async function insertFacts(tx: Prisma.TransactionClient, data: DemoCounty): Promise<void> {
  const wanted = new Set<string>();
  for (const ids of chunks(data.households.map((h) => h.id))) {
    const present = await tx.household.findMany({
      where: { id: { in: ids }, factChanges: { none: {} } },
      select: { id: true },
    });
    for (const h of present) wanted.add(h.id);
  }
  const facts = buildHouseholdFacts(data.households.filter((h) => wanted.has(h.id)));
  const members = facts.flatMap((f) =>
    f.members.map((m, i) => ({ ...m, idNumber: m.idNumber ?? null, householdId: f.householdId, seq: i + 1 })),
  );
  for (const rows of chunks(members)) await tx.householdMember.createMany({ data: rows, skipDuplicates: true });
  const incomes = facts.flatMap((f) => f.incomes.map((i) => ({ ...i, householdId: f.householdId })));
  for (const rows of chunks(incomes)) await tx.householdIncome.createMany({ data: rows, skipDuplicates: true });
  const indicators = facts.map((f) => ({
    ...f.indicators,
    assessedOn: new Date(f.indicators.assessedOn),
    householdId: f.householdId,
  }));
  for (const rows of chunks(indicators)) await tx.householdIndicators.createMany({ data: rows, skipDuplicates: true });
}

/**
 * Databases seeded before villages had a population and exits were recorded get them now: only where the column
 * is still null, so nothing entered since is overwritten.
 */
async function fillVillageFacts(tx: Prisma.TransactionClient, data: DemoCounty): Promise<void> {
  const codes = data.villages.map((v) => v.code);
  await tx.$executeRaw`
    UPDATE "Village" v SET population = x.population
    FROM unnest(${codes}::text[], ${data.villages.map((v) => v.population)}::int[]) AS x(code, population)
    WHERE v.code = x.code AND v.population IS NULL`;
  const exited = data.villages.filter((v) => v.exitedYear !== null);
  await tx.$executeRaw`
    UPDATE "Village" v SET "exitedYear" = x.year
    FROM unnest(${exited.map((v) => v.code)}::text[], ${exited.map((v) => v.exitedYear)}::int[]) AS x(code, year)
    WHERE v.code = x.code AND v."exitedYear" IS NULL`;
  await tx.$executeRaw`
    UPDATE "Township" t SET "exitedYear" = x.year
    FROM unnest(${data.townships.map((t) => t.code)}::text[], ${data.townships.map((t) => t.exitedYear)}::int[])
      AS x(code, year)
    WHERE t.code = x.code AND t."exitedYear" IS NULL`;
}

export async function seedDemoCounty(
  prisma: PrismaClient,
  options: { demoOfficials?: boolean } = {},
): Promise<SeedResult> {
  const data = buildDemoCounty();
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY}::bigint)`;
      await tx.county.upsert({ where: { code: data.county.code }, create: data.county, update: {} });
      await tx.township.createMany({ data: data.townships, skipDuplicates: true });
      await tx.village.createMany({ data: data.villages, skipDuplicates: true });
      await fillVillageFacts(tx, data);
      for (const rows of chunks(data.households)) {
        await tx.household.createMany({ data: rows, skipDuplicates: true });
      }
      await insertResponsibilities(tx, data);
      await insertFacts(tx, data);
    },
    { maxWait: 30_000, timeout: 120_000 },
  );

  const officials = options.demoOfficials === false ? [] : demoOfficials(data);
  for (const o of officials) {
    const tokenHash = hashToken(o.token);
    // Keep the documented role and scope; a deliberate revocation (revokedAt) stays as it is.
    await prisma.official.upsert({
      where: { tokenHash },
      create: { name: o.name, role: o.role, scopeCode: o.scopeCode, tokenHash },
      update: { name: o.name, role: o.role, scopeCode: o.scopeCode },
    });
  }

  return {
    townships: data.townships.length,
    villages: data.villages.length,
    households: data.households.length,
    officials,
  };
}
