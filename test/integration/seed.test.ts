import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { createPrisma, sqlTransaction, type PrismaClient } from '../../infra/db';
import { seedDemoCounty } from '../../infra/seed';
import { buildDemoCounty, UNASSIGNED_HOUSEHOLD_COUNT } from '../../infra/seed-data';
import { hashToken } from '../../infra/tokens';
import { writeFacts } from '../../infra/facts';

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const dbName = `jz_seed_${randomBytes(6).toString('hex')}`;
const migrationsDir = join(__dirname, '../../prisma/migrations');

function urlFor(database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// Stand-in until the proper migration applier lands: run each committed migration in order.
async function applyMigrations(url: string): Promise<void> {
  const dirs = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  await withClient(url, async (client) => {
    for (const dir of dirs) await client.query(readFileSync(join(migrationsDir, dir, 'migration.sql'), 'utf8'));
  });
}

async function counts(prisma: PrismaClient) {
  return {
    counties: await prisma.county.count(),
    townships: await prisma.township.count(),
    villages: await prisma.village.count(),
    households: await prisma.household.count(),
    villageAssignments: await prisma.responsibilityAssignment.count({ where: { subject: 'VILLAGE' } }),
    householdAssignments: await prisma.responsibilityAssignment.count({ where: { subject: 'HOUSEHOLD' } }),
    officials: await prisma.official.count(),
  };
}

describe('seedDemoCounty (PostgreSQL)', () => {
  let prisma: PrismaClient;

  beforeAll(async () => {
    await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${dbName}`));
    await applyMigrations(urlFor(dbName));
    prisma = createPrisma(urlFor(dbName), { max: 4 });
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  });

  it('seeds the demo county idempotently', async () => {
    const data = buildDemoCounty();
    const registered = data.households.filter((h) => h.status === 'REGISTERED').length;
    const expected = {
      counties: 1,
      townships: 17,
      villages: 193,
      households: data.households.length,
      villageAssignments: 193,
      householdAssignments: registered - UNASSIGNED_HOUSEHOLD_COUNT,
      officials: 4,
    };

    const first = await seedDemoCounty(prisma);
    expect(await counts(prisma)).toEqual(expected);
    const second = await seedDemoCounty(prisma);
    expect(await counts(prisma)).toEqual(expected);

    expect(second).toEqual(first);
    expect(first).toMatchObject({ townships: 17, villages: 193, households: data.households.length });
    expect(first.officials.map((o) => [o.role, o.token])).toEqual([
      ['ADMIN', 'demo-admin'],
      ['COUNTY', 'demo-county'],
      ['TOWNSHIP', 'demo-township'],
      ['VILLAGE', 'demo-village'],
    ]);
    const firstTownship = data.townships[0]!.code;
    const firstVillage = data.villages.find((v) => v.townshipCode === firstTownship)!.code;
    expect(first.officials.map((o) => o.scopeCode)).toEqual(['620522', '620522', firstTownship, firstVillage]);
    for (const o of first.officials) {
      const row = await prisma.official.findUnique({ where: { tokenHash: hashToken(o.token) } });
      expect(row).toMatchObject({ role: o.role, scopeCode: o.scopeCode, name: o.name, revokedAt: null });
    }
  });

  it('leaves existing rows as they are when re-run', async () => {
    const household = buildDemoCounty().households.find((h) => h.status === 'REGISTERED')!;
    await prisma.household.update({
      where: { id: household.id },
      data: { status: 'EXITED', exitReason: 'REACHED_STANDARD', exitedOn: new Date('2018-12-20T00:00:00Z') },
    });
    await seedDemoCounty(prisma, { demoOfficials: false });
    const row = await prisma.household.findUniqueOrThrow({ where: { id: household.id } });
    expect(row.status).toBe('EXITED');
    expect(await prisma.official.count()).toBe(4);
  });

  it('gives every household its facts once, and never overwrites facts recorded since', async () => {
    const data = buildDemoCounty();
    const facts = async () => ({
      members: await prisma.householdMember.count(),
      incomes: await prisma.householdIncome.count(),
      indicators: await prisma.householdIndicators.count(),
    });
    const expected = {
      members: data.households.reduce((n, h) => n + h.size, 0),
      incomes: 2 * data.households.length,
      indicators: data.households.length,
    };
    expect(await facts()).toEqual(expected);
    const household = data.households[1]!;
    await sqlTransaction(prisma, (sql) =>
      writeFacts(sql, household.id, { incomes: [{ year: 2020, perCapita: 1234 }] }, { source: 'API', at: new Date() }),
    );
    await seedDemoCounty(prisma, { demoOfficials: false });
    expect(await facts()).toEqual({ ...expected, incomes: expected.incomes - 1 });
    expect(await prisma.householdIncome.findMany({ where: { householdId: household.id } })).toEqual([
      { householdId: household.id, year: 2020, perCapita: 1234 },
    ]);
  });
});
