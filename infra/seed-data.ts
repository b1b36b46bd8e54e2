// Deterministic demo data for Qin'an County (秦安县, 620522): 17 townships, 193 poor villages in 3
// special-hardship belts, a few thousand households and their responsible units/persons (DOMAIN.md).
// Pure: no I/O, no clock, no Math.random. Every random choice comes from a seeded PRNG, so the same
// rows (including household UUIDs) come out on every run and re-seeding is idempotent.

import {
  CAUSES,
  type Category,
  type Cause,
  type EntryReason,
  type ExitReason,
  type HouseholdStatus,
} from '../domain/enums';
import { makeIdNumber } from '../domain/idNumber';
import { DEMO_COUNTY_CODE } from '../domain/constants';

export interface SeedCounty {
  code: string;
  name: string;
}

export interface SeedTownship {
  code: string;
  name: string;
  countyCode: string;
  plannedExitYear: number;
  /** Every township left poverty as planned. */
  exitedYear: number;
}

export interface SeedVillage {
  code: string;
  name: string;
  townshipCode: string;
  belt: number;
  isPoor: boolean;
  plannedExitYear: number;
  /** As planned, except the few VILLAGES_BEHIND_PLAN (null: not yet out of poverty). */
  exitedYear: number | null;
  /** Registered residents (户籍人口), 600 to 3,000. */
  population: number;
}

export interface SeedHousehold {
  id: string;
  registryNo: string;
  villageCode: string;
  headName: string;
  /** Personal data: never log. */
  idNumber: string;
  /** Personal data: never log. */
  phone: string | null;
  size: number;
  category: Category | null;
  status: HouseholdStatus;
  cause: Cause | null;
  entryReason: EntryReason | null;
  exitReason: ExitReason | null;
  registeredOn: Date | null;
  exitedOn: Date | null;
}

export interface SeedResponsibility {
  subject: 'VILLAGE' | 'HOUSEHOLD';
  villageCode: string | null;
  householdId: string | null;
  unit: string;
  personName: string;
  fromDate: Date;
}

export interface DemoCounty {
  county: SeedCounty;
  townships: SeedTownship[];
  villages: SeedVillage[];
  households: SeedHousehold[];
  responsibilities: SeedResponsibility[];
}

export const DEMO_COUNTY_NAME = '秦安县';

/** Registered households deliberately left without a responsible person, for supervision to find. */
export const UNASSIGNED_HOUSEHOLD_COUNT = 3;

/** Villages still poor after their planned exit year (2 planned for 2017, 3 for 2018), for supervision to find. */
export const VILLAGES_BEHIND_PLAN: Readonly<Record<number, number>> = { 2017: 2, 2018: 3 };

/** Villages out of poverty per year (DOMAIN.md timetable: 14, +31, +59, 164 by end 2017, the rest after). */
export const VILLAGE_EXIT_PLAN: ReadonlyArray<readonly [year: number, villages: number]> = [
  [2014, 14],
  [2015, 31],
  [2016, 59],
  [2017, 60],
  [2018, 29],
];

// Township exit years follow the timetable (4 in 2014, 1 in 2015, 4 in 2016, 8 in 2017); belts group
// neighbouring townships. Order fixes the codes 620522100..620522116.
const TOWNSHIPS: ReadonlyArray<{ name: string; exitYear: number; belt: number }> = [
  { name: '兴国镇', exitYear: 2014, belt: 3 },
  { name: '莲花镇', exitYear: 2016, belt: 1 },
  { name: '西川镇', exitYear: 2014, belt: 3 },
  { name: '陇城镇', exitYear: 2017, belt: 1 },
  { name: '郭嘉镇', exitYear: 2015, belt: 2 },
  { name: '五营镇', exitYear: 2017, belt: 1 },
  { name: '叶堡镇', exitYear: 2014, belt: 3 },
  { name: '千户镇', exitYear: 2017, belt: 2 },
  { name: '安伏镇', exitYear: 2016, belt: 3 },
  { name: '王窑镇', exitYear: 2017, belt: 2 },
  { name: '魏店镇', exitYear: 2017, belt: 3 },
  { name: '刘坪镇', exitYear: 2017, belt: 2 },
  { name: '中山镇', exitYear: 2017, belt: 2 },
  { name: '王铺镇', exitYear: 2016, belt: 1 },
  { name: '兴丰镇', exitYear: 2014, belt: 3 },
  { name: '云山镇', exitYear: 2016, belt: 1 },
  { name: '王尹镇', exitYear: 2017, belt: 1 },
];

const TOTAL_VILLAGES = 193;
const MIN_VILLAGES_PER_TOWNSHIP = 5;

const SURNAMES = Array.from('王李张刘陈杨赵黄周吴马何胡郭高罗蔡安魏雷邵蒋汪石苏袁姚牛雒成逯秦');
const MALE_GIVEN = Array.from('建国志强明军平文华学成福德海忠仁义宝生林祥贵世兴有发占全俊虎龙斌荣喜春保旺杰刚鹏');
const FEMALE_GIVEN = Array.from('秀英兰芳梅琴霞花玲珍娟凤莲红翠玉桂萍彩丽');
const PLACE_PREFIXES = Array.from('东西南北上下前后大小新石高红古寺柳杏桃泉金凤龙安太平明清阳双三白');
const PLACE_SUFFIXES = Array.from('湾沟川坪山庄河岔塬咀寨堡台梁洼峡岘窑集店庙滩营岭坡门口峪头岗');
// County bodies that take part in the dual-link (双联) work, each pairing with several poor villages.
// prettier-ignore
const COUNTY_UNITS = [
  '县委办公室', '县政府办公室', '县委组织部', '县委宣传部', '县纪委', '县人大常委会办公室',
  '县政协办公室', '县发展和改革局', '县财政局', '县教育局', '县卫生和计划生育局', '县农牧局',
  '县水务局', '县林业局', '县交通运输局', '县住房和城乡建设局', '县人力资源和社会保障局',
  '县民政局', '县国土资源局', '县扶贫办', '县公安局', '县人民法院', '县人民检察院', '县审计局',
  '县统计局', '县商务局', '县工商局', '县文化广播影视局', '县科技局', '县环保局', '县司法局',
  '县供销合作社', '县农村信用联社', '县电力局', '县果业局', '县畜牧兽医局',
];
// Rough shares from county poverty profiles: illness and lack of funds/skills/labour dominate.
const CAUSE_WEIGHTS: Record<Cause, number> = {
  DISASTER: 4,
  ILLNESS: 22,
  SCHOOLING: 9,
  DISABILITY: 7,
  LACK_OF_LABOUR: 12,
  LACK_OF_FUNDS: 18,
  LACK_OF_SKILLS: 14,
  LACK_OF_LAND: 3,
  LACK_OF_WATER: 4,
  TRANSPORT: 4,
  // 自身发展动力不足 joined the national list after the demo county's 2014 registration: no household carries it.
  LACK_OF_MOTIVATION: 0,
  OTHER: 3,
};
const SIZE_WEIGHTS: ReadonlyArray<readonly [number, number]> = [
  [1, 5],
  [2, 12],
  [3, 18],
  [4, 24],
  [5, 20],
  [6, 12],
  [7, 6],
  [8, 3],
];

export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for demo data. Returns floats in [0, 1). */
function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a label: each concern gets its own stream, so changing one part leaves the others as they were. */
export function rngFor(label: string): Rng {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mulberry32(h);
}

export function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

export function weighted<T>(rng: Rng, entries: ReadonlyArray<readonly [T, number]>): T {
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let r = rng() * total;
  for (const [value, w] of entries) {
    r -= w;
    if (r < 0) return value;
  }
  return (entries[entries.length - 1] as readonly [T, number])[0];
}

function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function utcDate(y: number, m: number, d: number): Date {
  return new Date(Date.UTC(y, m - 1, d));
}

/** A version-4-shaped UUID drawn from the PRNG. */
function uuidFrom(rng: Rng): string {
  let hex = '';
  for (let i = 0; i < 4; i++)
    hex += Math.floor(rng() * 4294967296)
      .toString(16)
      .padStart(8, '0');
  const variant = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function personName(rng: Rng, surname = pick(rng, SURNAMES), female = false): string {
  const chars = female ? FEMALE_GIVEN : MALE_GIVEN;
  return surname + pick(rng, chars) + (rng() < 0.7 ? pick(rng, chars) : '');
}

function villageName(rng: Rng): { name: string; clan: string | null } {
  const style = rng();
  if (style < 0.4) {
    const clan = pick(rng, SURNAMES);
    return { name: `${clan}家${rng() < 0.5 ? '' : pick(rng, PLACE_SUFFIXES)}村`, clan };
  }
  const prefix = style < 0.65 ? pick(rng, SURNAMES) : pick(rng, PLACE_PREFIXES);
  let suffix = pick(rng, PLACE_SUFFIXES);
  while (suffix === prefix) suffix = pick(rng, PLACE_SUFFIXES);
  return { name: `${prefix}${suffix}村`, clan: SURNAMES.includes(prefix) ? prefix : null };
}

function buildTownships(): SeedTownship[] {
  return TOWNSHIPS.map((t, i) => ({
    code: `${DEMO_COUNTY_CODE}${100 + i}`,
    name: t.name,
    countyCode: DEMO_COUNTY_CODE,
    plannedExitYear: t.exitYear,
    exitedYear: t.exitYear,
  }));
}

function villageCounts(): number[] {
  const rng = rngFor('village-counts');
  const counts = TOWNSHIPS.map(() => MIN_VILLAGES_PER_TOWNSHIP);
  for (let left = TOTAL_VILLAGES - MIN_VILLAGES_PER_TOWNSHIP * TOWNSHIPS.length; left > 0; left--) {
    const i = Math.floor(rng() * counts.length);
    counts[i] = (counts[i] as number) + 1;
  }
  return counts;
}

/** Villages plus the surname that dominates each (used to give households village-typical names). */
function buildVillages(townships: SeedTownship[]): { villages: SeedVillage[]; clans: Map<string, string> } {
  const counts = villageCounts();
  const villages: SeedVillage[] = [];
  const clans = new Map<string, string>();
  townships.forEach((township, ti) => {
    const rng = rngFor(`villages:${township.code}`);
    const names = new Set<string>();
    let serial = 200;
    for (let j = 0; j < (counts[ti] as number); j++) {
      // Real village codes skip numbers (non-poor villages sit in between).
      serial += rng() < 0.3 ? 2 : 1;
      let v = villageName(rng);
      while (names.has(v.name)) v = villageName(rng);
      names.add(v.name);
      const code = `${township.code}${serial}`;
      clans.set(code, v.clan ?? pick(rng, SURNAMES));
      villages.push({
        code,
        name: v.name,
        townshipCode: township.code,
        belt: (TOWNSHIPS[ti] as (typeof TOWNSHIPS)[number]).belt,
        isPoor: true,
        plannedExitYear: 0, // assigned below
        exitedYear: null,
        population: 0,
      });
    }
  });

  // Villages of early-exiting townships tend to exit early: order by township year, then at random.
  const rng = rngFor('village-exit-years');
  const townshipYear = new Map(townships.map((t) => [t.code, t.plannedExitYear]));
  const keyed = villages.map((v) => ({ v, year: townshipYear.get(v.townshipCode) as number, key: rng() }));
  keyed.sort((a, b) => a.year - b.year || a.key - b.key);
  const years = VILLAGE_EXIT_PLAN.flatMap(([year, n]) => Array<number>(n).fill(year));
  keyed.forEach(({ v }, i) => (v.plannedExitYear = years[i] as number));

  // Separate streams, so that adding these left every earlier choice as it was.
  const behindRng = rngFor('villages-behind-plan');
  const behind = new Set<string>();
  for (const [year, count] of Object.entries(VILLAGES_BEHIND_PLAN)) {
    const cohort = villages.filter((v) => v.plannedExitYear === Number(year));
    for (const v of shuffled(behindRng, cohort).slice(0, count)) behind.add(v.code);
  }
  const populationRng = rngFor('village-population');
  for (const v of villages) {
    v.exitedYear = behind.has(v.code) ? null : v.plannedExitYear;
    v.population = int(populationRng, 600, 3000);
  }
  return { villages, clans };
}

function buildHouseholds(villages: SeedVillage[], clans: Map<string, string>): SeedHousehold[] {
  const households: SeedHousehold[] = [];
  const idNumbers = new Set<string>();
  const ids = new Set<string>();
  const causeWeights = CAUSES.map((c) => [c, CAUSE_WEIGHTS[c]] as const);
  for (const village of villages) {
    const rng = rngFor(`households:${village.code}`);
    const clan = clans.get(village.code) as string;
    const n = int(rng, 15, 20);
    for (let k = 1; k <= n; k++) {
      const female = rng() < 0.15; // most registered heads are men; women head widowed/left-behind homes
      const headName = personName(rng, rng() < 0.4 ? clan : pick(rng, SURNAMES), female);

      let idNumber: string;
      do {
        const birth = { y: int(rng, 1940, 1995), m: int(rng, 1, 12), d: int(rng, 1, 28) };
        // The sequence's last digit is odd for men, even for women (GB 11643).
        const seq = int(rng, 0, 499) * 2 + (female ? 0 : 1);
        idNumber = makeIdNumber(DEMO_COUNTY_CODE, birth, seq);
      } while (idNumbers.has(idNumber));
      idNumbers.add(idNumber);

      let id: string;
      do id = uuidFrom(rng);
      while (ids.has(id));
      ids.add(id);

      const phone =
        rng() < 0.45 ? `1${pick(rng, ['3', '5', '8'])}${String(int(rng, 0, 999999999)).padStart(9, '0')}` : null;
      const size = weighted(rng, SIZE_WEIGHTS);
      const roll = rng();
      const status: HouseholdStatus = roll < 0.7 ? 'REGISTERED' : roll < 0.9 ? 'EXITED' : 'NOT_REGISTERED';

      const household: SeedHousehold = {
        id,
        registryNo: `${village.code}-${String(k).padStart(4, '0')}`,
        villageCode: village.code,
        headName,
        idNumber,
        phone,
        size,
        category: null,
        status,
        cause: null,
        entryReason: null,
        exitReason: null,
        registeredOn: null,
        exitedOn: null,
      };
      if (status !== 'NOT_REGISTERED') {
        household.category = weighted<Category>(rng, [
          ['TARGETED', 65],
          ['POLICY_GUARANTEE', 20],
          ['CONSOLIDATION', 15],
        ]);
        household.cause = weighted(rng, causeWeights);
        // The first registration (建档立卡) identified every household afresh.
        household.entryReason = 'NEW_IDENTIFIED';
        // 建档立卡 ran from spring to autumn 2014.
        household.registeredOn = utcDate(2014, int(rng, 4, 10), int(rng, 1, 28));
      }
      if (status === 'EXITED') {
        household.exitReason = 'REACHED_STANDARD';
        // Exits are confirmed in the year-end assessment.
        household.exitedOn = utcDate(int(rng, 2014, 2017), 12, int(rng, 1, 28));
      }
      households.push(household);
    }
  }
  return households;
}

function buildResponsibilities(villages: SeedVillage[], households: SeedHousehold[]): SeedResponsibility[] {
  const rng = rngFor('responsibilities');
  const unitOrder = shuffled(rng, COUNTY_UNITS);
  const byVillage = new Map<string, SeedHousehold[]>();
  for (const h of households) {
    if (h.status !== 'REGISTERED') continue;
    const list = byVillage.get(h.villageCode) ?? [];
    list.push(h);
    byVillage.set(h.villageCode, list);
  }

  const registered = households.filter((h) => h.status === 'REGISTERED');
  const unassigned = new Set<string>();
  while (unassigned.size < UNASSIGNED_HOUSEHOLD_COUNT) unassigned.add(pick(rng, registered).id);

  const out: SeedResponsibility[] = [];
  villages.forEach((village, i) => {
    // The pairing unit sends one leader to the village and several dual-link cadres to its households.
    const unit = unitOrder[i % unitOrder.length] as string;
    out.push({
      subject: 'VILLAGE',
      villageCode: village.code,
      householdId: null,
      unit,
      personName: personName(rng),
      fromDate: utcDate(2014, 3, int(rng, 1, 28)),
    });
    const cadres = Array.from({ length: int(rng, 3, 5) }, () => personName(rng, undefined, rng() < 0.25));
    (byVillage.get(village.code) ?? []).forEach((h, k) => {
      if (unassigned.has(h.id)) return;
      out.push({
        subject: 'HOUSEHOLD',
        villageCode: null,
        householdId: h.id,
        unit,
        personName: cadres[k % cadres.length] as string,
        fromDate: h.registeredOn as Date,
      });
    });
  });
  return out;
}

export function buildDemoCounty(): DemoCounty {
  const townships = buildTownships();
  const { villages, clans } = buildVillages(townships);
  const households = buildHouseholds(villages, clans);
  const responsibilities = buildResponsibilities(villages, households);
  return {
    county: { code: DEMO_COUNTY_CODE, name: DEMO_COUNTY_NAME },
    townships,
    villages,
    households,
    responsibilities,
  };
}
