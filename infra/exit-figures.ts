// The figures an exit (摘帽) is judged on, read from the registry: the API checks a request with them before it
// starts an exit workflow, and the workflow's activity reads them again at its start and records them
// (domain/exit.ts exitRefusals decides). Set-based: a few grouped queries whatever the size of the unit.
import { roundedShare, type ExitFigures, type ExitLevel } from '../domain/exit';
import { accuracyFigures } from './assessment';
import type { PrismaClient } from './db';

/** The households a sample is drawn from: the unit's registry (registered or exited), by registry number. */
async function householdPool(prisma: PrismaClient, prefix: string): Promise<string[]> {
  const rows = await prisma.household.findMany({
    where: { villageCode: { startsWith: prefix }, status: { in: ['REGISTERED', 'EXITED'] } },
    orderBy: { registryNo: 'asc' },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/** People in REGISTERED households and households of the registry, under a code prefix. */
async function registryCounts(prisma: PrismaClient, prefix: string) {
  const [row] = await prisma.$queryRaw<{ poor: bigint | null; households: bigint }[]>`
    SELECT sum(size) FILTER (WHERE status = 'REGISTERED') AS poor,
           count(*) FILTER (WHERE status IN ('REGISTERED', 'EXITED')) AS households
    FROM "Household" WHERE "villageCode" LIKE ${prefix + '%'}`;
  return { poorPopulation: Number(row?.poor ?? 0), households: Number(row?.households ?? 0) };
}

/** Poor villages under a prefix: how many, how many exited, which not, and their population (null if any unknown). */
async function poorVillages(prisma: PrismaClient, prefix: string) {
  const rows = await prisma.village.findMany({
    where: { isPoor: true, code: { startsWith: prefix } },
    orderBy: { code: 'asc' },
    select: { code: true, exitedYear: true, population: true },
  });
  const unknown = rows.some((v) => v.population === null);
  return {
    poorVillages: rows.length,
    exitedVillages: rows.filter((v) => v.exitedYear !== null).length,
    villagesNotExited: rows.filter((v) => v.exitedYear === null).map((v) => v.code),
    population: unknown || rows.length === 0 ? null : rows.reduce((s, v) => s + (v.population ?? 0), 0),
  };
}

/**
 * The unit's figures, or null when there is no such unit. `households`: also the ids of the households the county's
 * sample is drawn from (the activity draws it; the API does not need them).
 */
export async function readExitFigures(
  prisma: PrismaClient,
  args: { level: ExitLevel; code: string; threshold: number; households?: boolean; year?: number },
): Promise<{ figures: ExitFigures; households: string[] } | null> {
  const { level, code, threshold } = args;
  const pool = () => (args.households ? householdPool(prisma, code) : Promise.resolve([]));
  switch (level) {
    case 'VILLAGE': {
      const v = await prisma.village.findUnique({ where: { code } });
      if (!v) return null;
      const [counts, households] = await Promise.all([registryCounts(prisma, code), pool()]);
      return {
        figures: {
          level,
          name: v.name,
          isPoor: v.isPoor,
          exitedYear: v.exitedYear,
          population: v.population,
          poorPopulation: counts.poorPopulation,
          poorShare: roundedShare(counts.poorPopulation, v.population),
          threshold,
          households: counts.households,
        },
        households,
      };
    }
    case 'TOWNSHIP': {
      const t = await prisma.township.findUnique({ where: { code } });
      if (!t) return null;
      const [counts, villages, households] = await Promise.all([
        registryCounts(prisma, code),
        poorVillages(prisma, code),
        pool(),
      ]);
      return {
        figures: {
          level,
          name: t.name,
          exitedYear: t.exitedYear,
          ...villages,
          poorPopulation: counts.poorPopulation,
          poorShare: roundedShare(counts.poorPopulation, villages.population),
          households: counts.households,
        },
        households,
      };
    }
    case 'COUNTY': {
      const c = await prisma.county.findUnique({ where: { code } });
      if (!c) return null;
      const [counts, villages, townships, households] = await Promise.all([
        registryCounts(prisma, code),
        poorVillages(prisma, code),
        prisma.township.findMany({
          where: { countyCode: code },
          orderBy: { code: 'asc' },
          select: { code: true, exitedYear: true },
        }),
        pool(),
      ]);
      const accuracy =
        args.year === undefined
          ? undefined
          : (await accuracyFigures(prisma, { townshipCodes: townships.map((t) => t.code), year: args.year })).total;
      return {
        figures: {
          level,
          name: c.name,
          exitedYear: c.exitedYear,
          townships: townships.length,
          exitedTownships: townships.filter((t) => t.exitedYear !== null).length,
          townshipsNotExited: townships.filter((t) => t.exitedYear === null).map((t) => t.code),
          poorVillages: villages.poorVillages,
          exitedVillages: villages.exitedVillages,
          population: villages.population,
          poorPopulation: counts.poorPopulation,
          poorShare: roundedShare(counts.poorPopulation, villages.population),
          households: counts.households,
          ...(accuracy ? { accuracy } : {}),
        },
        households,
      };
    }
  }
}
