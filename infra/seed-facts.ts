// Deterministic facts for every demo household (infra/seed-data.ts): members consistent with its size (the head
// first, from the household's own name and ID number), per-capita income for 2019 and 2020 — the last two years with
// a published poverty line (3,218 and 4,000 yuan) — and the two assurances and three guarantees. Registered poor
// households are mostly below the line with an indicator or two unmet; about one in seven is ready to exit (stably
// above, all met); exited households are stably above with all met; households never registered are mostly above,
// a few below (missed, 漏评). Pure: no I/O, no clock; its own PRNG stream per household.
import { DEMO_COUNTY_CODE } from '../domain/constants';
import type { Cause, HouseholdStatus } from '../domain/enums';
import type { HealthStatus, Indicators, LabourAbility, Member, MemberRelation, Schooling } from '../domain/facts';
import { makeIdNumber } from '../domain/idNumber';
import { int, personName, pick, rngFor, weighted, type Rng } from './seed-data';

/** The years seeded: the last two with a published poverty line (DOMAIN.md), and those lines. */
export const SEED_INCOME_YEARS = [2019, 2020] as const;
const LINES: Record<(typeof SEED_INCOME_YEARS)[number], number> = { 2019: 3218, 2020: 4000 };

/** The year the demo's ages are counted at (the 2020 assessment). */
const AS_OF = 2020;

export interface SeedFacts {
  householdId: string;
  members: Member[];
  incomes: { year: number; perCapita: number }[];
  indicators: Indicators;
}

/** How a household stands against the line, which decides its incomes and indicators. */
export type SeedStanding = 'POOR' | 'READY_TO_EXIT' | 'ABOVE' | 'MISSED_POOR';

export function standingOf(status: HouseholdStatus, rng: Rng): SeedStanding {
  const roll = rng();
  if (status === 'REGISTERED') return roll < 0.15 ? 'READY_TO_EXIT' : 'POOR';
  if (status === 'EXITED') return 'ABOVE';
  return roll < 0.08 ? 'MISSED_POOR' : 'ABOVE';
}

function schoolingAt(age: number, rng: Rng): Schooling {
  if (age < 3) return 'NONE';
  if (age < 6) return 'PRESCHOOL';
  if (age < 12) return 'PRIMARY';
  if (age < 15) return 'JUNIOR_SECONDARY';
  if (age < 18) return 'SENIOR_SECONDARY';
  if (age > 60)
    return weighted<Schooling>(rng, [
      ['NONE', 4],
      ['PRIMARY', 5],
      ['JUNIOR_SECONDARY', 1],
    ]);
  return weighted<Schooling>(rng, [
    ['PRIMARY', 3],
    ['JUNIOR_SECONDARY', 5],
    ['SENIOR_SECONDARY', 2],
    ['TERTIARY', 1],
  ]);
}

function healthOf(rng: Rng, cause: Cause | null, isHead: boolean, age: number): HealthStatus {
  if (isHead && cause === 'ILLNESS') return rng() < 0.6 ? 'CHRONIC_ILLNESS' : 'SERIOUS_ILLNESS';
  if (isHead && cause === 'DISABILITY') return 'DISABLED';
  const old = age >= 65 ? 3 : 1;
  return weighted<HealthStatus>(rng, [
    ['HEALTHY', 20],
    ['CHRONIC_ILLNESS', 2 * old],
    ['SERIOUS_ILLNESS', 1],
    ['DISABLED', 1],
  ]);
}

function labourOf(age: number, health: HealthStatus): LabourAbility {
  if (age < 16 || health === 'DISABLED' || health === 'SERIOUS_ILLNESS') return 'NONE';
  if (age >= 65 || health === 'CHRONIC_ILLNESS') return 'PARTIAL';
  return 'FULL';
}

/** The relations of members 2..n, in the order a household register lists them. */
const RELATIONS_AFTER_HEAD: MemberRelation[] = [
  'SPOUSE',
  'CHILD',
  'CHILD',
  'PARENT',
  'CHILD',
  'GRANDCHILD',
  'GRANDCHILD',
];

function member(
  rng: Rng,
  relation: MemberRelation,
  birthYear: number,
  female: boolean,
  surname: string,
  cause: Cause | null,
): Member {
  const age = AS_OF - birthYear;
  const health = healthOf(rng, cause, false, age);
  // The sequence's last digit is odd for men, even for women (GB 11643); 500..999 keeps clear of most heads' numbers.
  const seq = 500 + int(rng, 0, 249) * 2 + (female ? 0 : 1);
  return {
    name: personName(rng, surname, female),
    relation,
    idNumber: makeIdNumber(DEMO_COUNTY_CODE, { y: birthYear, m: int(rng, 1, 12), d: int(rng, 1, 28) }, seq),
    birthYear,
    sex: female ? 'FEMALE' : 'MALE',
    health,
    schooling: schoolingAt(age, rng),
    labour: labourOf(age, health),
  };
}

function membersOf(rng: Rng, h: { headName: string; idNumber: string; size: number; cause: Cause | null }): Member[] {
  const headBirth = Number(h.idNumber.slice(6, 10));
  const headFemale = Number(h.idNumber[16]) % 2 === 0;
  const surname = h.headName.slice(0, 1);
  const headAge = AS_OF - headBirth;
  const headHealth = healthOf(rng, h.cause, true, headAge);
  const members: Member[] = [
    {
      name: h.headName,
      relation: 'HEAD',
      idNumber: h.idNumber,
      birthYear: headBirth,
      sex: headFemale ? 'FEMALE' : 'MALE',
      health: headHealth,
      schooling: schoolingAt(headAge, rng),
      labour: labourOf(headAge, headHealth),
    },
  ];
  for (let i = 1; i < h.size; i++) {
    const relation = RELATIONS_AFTER_HEAD[i - 1] ?? 'OTHER';
    const born = (from: number, to: number) => Math.min(AS_OF, int(rng, from, to));
    if (relation === 'SPOUSE')
      members.push(
        member(
          rng,
          relation,
          born(headBirth - 3, headBirth + 5),
          !headFemale,
          pick(rng, Array.from('王李张刘陈杨赵马')),
          null,
        ),
      );
    else if (relation === 'CHILD')
      members.push(member(rng, relation, born(headBirth + 20, headBirth + 34), rng() < 0.45, surname, h.cause));
    else if (relation === 'PARENT')
      members.push(member(rng, relation, Math.max(1915, headBirth - int(rng, 22, 30)), rng() < 0.6, surname, null));
    else members.push(member(rng, relation, born(headBirth + 45, AS_OF), rng() < 0.5, surname, null));
  }
  return members;
}

function incomesOf(rng: Rng, standing: SeedStanding): { year: number; perCapita: number }[] {
  // Each year's income relative to that year's line: below it for the poor, above it for the others.
  const share: Record<SeedStanding, [number, number]> = {
    POOR: [0.55, 0.97],
    MISSED_POOR: [0.6, 0.95],
    READY_TO_EXIT: [1.05, 1.6],
    ABOVE: [1.15, 3.2],
  };
  const [lo, hi] = share[standing];
  return SEED_INCOME_YEARS.map((year) => ({
    year,
    perCapita: Math.round((LINES[year] * (lo + (hi - lo) * rng())) / 10) * 10,
  }));
}

function indicatorsOf(rng: Rng, standing: SeedStanding): Indicators {
  const poor = standing === 'POOR' || standing === 'MISSED_POOR';
  // Housing, medical care and drinking water are what most often fails (危房, 大病, 饮水).
  const met = (unmetShare: number) => !poor || rng() >= unmetShare;
  return {
    foodClothing: met(0.03),
    education: met(0.05),
    medical: met(0.2),
    housing: met(0.3),
    drinkingWater: met(0.2),
    assessedOn: `2020-${String(int(rng, 10, 12)).padStart(2, '0')}-${String(int(rng, 1, 28)).padStart(2, '0')}`,
  };
}

/** The facts of each household, in the order given. */
export function buildHouseholdFacts(
  households: readonly {
    id: string;
    headName: string;
    idNumber: string;
    size: number;
    status: HouseholdStatus;
    cause: Cause | null;
  }[],
): SeedFacts[] {
  return households.map((h) => {
    const rng = rngFor(`facts:${h.id}`);
    const standing = standingOf(h.status, rng);
    return {
      householdId: h.id,
      members: membersOf(rng, h),
      incomes: incomesOf(rng, standing),
      indicators: indicatorsOf(rng, standing),
    };
  });
}
