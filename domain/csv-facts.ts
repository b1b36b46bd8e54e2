// Household facts in a registry export (docs/IMPORT.md): the income and indicator cells of a household row, and the
// members file (one row per member, keyed by the household's registry number). Pure: unit-tested on strings.
import {
  HEALTH_STATUSES,
  INDICATORS,
  LABOUR_ABILITIES,
  MEMBER_RELATIONS,
  SCHOOLINGS,
  SEXES,
  type Income,
  type Indicator,
  type Indicators,
  type Member,
} from './facts';
import { idNumberProblem, normalizeIdNumber } from './idNumber';

/** The facts columns of the household file: two years of income and the five indicators with their date. */
export const FACTS_COLUMNS = ['incomeYear', 'income', 'previousIncome', ...INDICATORS, 'assessedOn'] as const;
export type FactsColumn = (typeof FACTS_COLUMNS)[number];

export const FACTS_COLUMN_LABELS: Readonly<Record<FactsColumn, readonly string[]>> = {
  incomeYear: ['收入年度'],
  income: ['人均纯收入'],
  previousIncome: ['上年人均纯收入'],
  foodClothing: ['不愁吃穿'],
  education: ['义务教育保障'],
  medical: ['基本医疗保障'],
  housing: ['住房安全保障'],
  drinkingWater: ['饮水安全保障'],
  assessedOn: ['评估日期'],
};

const YES = new Set(['是', 'Y', 'YES', 'TRUE', '1', '达标']);
const NO = new Set(['否', 'N', 'NO', 'FALSE', '0', '未达标']);

export interface FactsCellsProblem {
  column: FactsColumn;
  message: string;
}

/** A whole number of yuan, null when empty, false when not one. */
function yuan(raw: string): number | null | false {
  if (raw === '') return null;
  return /^\d{1,8}$/.test(raw) ? Number(raw) : false;
}

/**
 * The facts of one household row from its cells (cell(column) → trimmed text, '' when absent): incomes for
 * `incomeYear` and the year before, and the indicators when any is given (then all five and `assessedOn`).
 * `parseDate` is domain/csv.ts's (YYYY-MM-DD, YYYY/M/D); dates after `today` and years after its year are refused.
 */
export function readFactsCells(
  cell: (column: FactsColumn) => string,
  parseDate: (value: string) => string | null,
  today: string | undefined,
): { incomes: Income[]; indicators: Indicators | null; problems: FactsCellsProblem[] } {
  const problems: FactsCellsProblem[] = [];
  const incomes: Income[] = [];
  const thisYear = today ? Number(today.slice(0, 4)) : 2100;
  const rawYear = cell('incomeYear');
  const year = /^\d{4}$/.test(rawYear) ? Number(rawYear) : null;
  const [income, previous] = [yuan(cell('income')), yuan(cell('previousIncome'))];
  if (income === false) problems.push({ column: 'income', message: 'must be whole yuan per person, 0 or more' });
  if (previous === false)
    problems.push({ column: 'previousIncome', message: 'must be whole yuan per person, 0 or more' });
  if (rawYear !== '' && (year === null || year < 2000 || year > thisYear))
    problems.push({ column: 'incomeYear', message: `must be a year from 2000 to ${thisYear}` });
  else if (rawYear === '' && (income !== null || previous !== null))
    problems.push({ column: 'incomeYear', message: 'missing: the year the income was earned' });
  else if (year !== null && income === null)
    problems.push({ column: 'income', message: `missing: the per-capita income of ${year}` });
  if (year !== null && problems.length === 0) {
    if (typeof previous === 'number') incomes.push({ year: year - 1, perCapita: previous });
    if (typeof income === 'number') incomes.push({ year, perCapita: income });
  }

  const given = INDICATORS.filter((k) => cell(k) !== '');
  let indicators: Indicators | null = null;
  if (given.length > 0 || cell('assessedOn') !== '') {
    const values = {} as Record<Indicator, boolean>;
    for (const k of INDICATORS) {
      const raw = cell(k).toUpperCase();
      if (YES.has(raw)) values[k] = true;
      else if (NO.has(raw)) values[k] = false;
      else
        problems.push({
          column: k,
          message: raw === '' ? 'missing: give all five indicators' : 'must be 是 or 否 (yes or no)',
        });
    }
    const assessedOn = parseDate(cell('assessedOn'));
    if (!assessedOn) problems.push({ column: 'assessedOn', message: 'must be the date assessed, YYYY-MM-DD' });
    else if (today !== undefined && assessedOn > today)
      problems.push({ column: 'assessedOn', message: `${assessedOn} is in the future` });
    if (problems.every((p) => !INDICATORS.includes(p.column as Indicator) && p.column !== 'assessedOn'))
      indicators = { ...values, assessedOn: assessedOn! };
  }
  return { incomes, indicators, problems };
}

// ---- The members file ------------------------------------------------------------------------------

export const MEMBER_COLUMNS = [
  'registryNo',
  'name',
  'relation',
  'idNumber',
  'birthYear',
  'sex',
  'health',
  'schooling',
  'labour',
] as const;
export type MemberColumn = (typeof MEMBER_COLUMNS)[number];

export const MEMBER_COLUMN_LABELS: Readonly<Record<MemberColumn, readonly string[]>> = {
  registryNo: ['户编号'],
  name: ['姓名'],
  relation: ['与户主关系'],
  idNumber: ['身份证号', '身份证号码'],
  birthYear: ['出生年份'],
  sex: ['性别'],
  health: ['健康状况'],
  schooling: ['文化程度'],
  labour: ['劳动能力'],
};

const LABELS = {
  relation: {
    HEAD: '户主',
    SPOUSE: '配偶',
    CHILD: '子女',
    CHILD_IN_LAW: '儿媳女婿',
    GRANDCHILD: '孙子女',
    PARENT: '父母',
    GRANDPARENT: '祖父母',
    SIBLING: '兄弟姐妹',
    OTHER: '其他',
  },
  sex: { MALE: '男', FEMALE: '女' },
  health: { HEALTHY: '健康', CHRONIC_ILLNESS: '长期慢性病', SERIOUS_ILLNESS: '患有大病', DISABLED: '残疾' },
  schooling: {
    NONE: '文盲或半文盲',
    PRESCHOOL: '学前教育',
    PRIMARY: '小学',
    JUNIOR_SECONDARY: '初中',
    SENIOR_SECONDARY: '高中',
    TERTIARY: '大专及以上',
  },
  labour: { FULL: '普通劳动力', PARTIAL: '弱劳动力或半劳动力', NONE: '无劳动力' },
} as const;

const ENUMS = {
  relation: MEMBER_RELATIONS,
  sex: SEXES,
  health: HEALTH_STATUSES,
  schooling: SCHOOLINGS,
  labour: LABOUR_ABILITIES,
} as const;

/** Column positions of a members file's header, or what is wrong with it. */
export function mapMemberHeader(
  fields: readonly string[],
): { ok: true; index: Record<MemberColumn, number> } | { ok: false; problems: string[] } {
  const index = Object.fromEntries(MEMBER_COLUMNS.map((c) => [c, -1])) as Record<MemberColumn, number>;
  const problems: string[] = [];
  fields.forEach((raw, i) => {
    const name = raw.trim();
    if (name === '') return;
    const column = MEMBER_COLUMNS.find(
      (c) => c.toLowerCase() === name.toLowerCase() || MEMBER_COLUMN_LABELS[c].includes(name),
    );
    // A data row where the header belongs would name an ID or phone number here: never shown.
    if (!column)
      problems.push(
        `unknown column ${/\d{7}/.test(name) ? '(a value that looks like an ID or phone number, not shown: is the header row missing?)' : JSON.stringify(name.slice(0, 40))}`,
      );
    else index[column] = i;
  });
  const missing = MEMBER_COLUMNS.filter((c) => c !== 'idNumber' && index[c] === -1);
  if (missing.length > 0) problems.push(`missing columns ${missing.join(', ')}`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, index };
}

/** One member row: the household's registry number and the member, or its problems (by column, no values shown). */
export function checkMemberRow(
  fields: readonly string[],
  index: Record<MemberColumn, number>,
  thisYear: number,
): { registryNo: string; member: Member | null; problems: { column: MemberColumn; message: string }[] } {
  const cell = (c: MemberColumn) => (index[c] === -1 ? '' : (fields[index[c]] ?? '').trim());
  const problems: { column: MemberColumn; message: string }[] = [];
  const registryNo = cell('registryNo');
  if (registryNo === '') problems.push({ column: 'registryNo', message: 'missing' });
  const name = cell('name');
  if (name === '' || name.length > 50)
    problems.push({ column: 'name', message: 'missing or longer than 50 characters' });
  const read = <K extends keyof typeof ENUMS>(k: K): (typeof ENUMS)[K][number] | null => {
    const raw = cell(k);
    const labels = LABELS[k] as Record<string, string>;
    const value = (ENUMS[k] as readonly string[]).find((v) => v === raw.toUpperCase() || labels[v] === raw);
    if (!value)
      problems.push({
        column: k,
        message: `must be one of ${ENUMS[k].join(', ')} or ${Object.values(labels).join(', ')}`,
      });
    return (value ?? null) as (typeof ENUMS)[K][number] | null;
  };
  const [relation, sex, health, schooling, labour] = [
    read('relation'),
    read('sex'),
    read('health'),
    read('schooling'),
    read('labour'),
  ];
  const rawYear = cell('birthYear');
  const birthYear = /^\d{4}$/.test(rawYear) ? Number(rawYear) : NaN;
  if (!(birthYear >= 1900 && birthYear <= thisYear))
    problems.push({ column: 'birthYear', message: `must be a year from 1900 to ${thisYear}` });
  let idNumber: string | undefined;
  if (cell('idNumber') !== '') {
    idNumber = normalizeIdNumber(cell('idNumber'));
    if (idNumberProblem(idNumber))
      problems.push({ column: 'idNumber', message: 'not a valid ID number (checksum, birth date or length)' });
    else if (Number(idNumber.slice(6, 10)) !== birthYear)
      problems.push({ column: 'birthYear', message: 'does not match the birth date of the ID number' });
  }
  if (problems.length > 0 || !relation || !sex || !health || !schooling || !labour)
    return { registryNo, member: null, problems };
  return {
    registryNo,
    member: { name, relation, ...(idNumber ? { idNumber } : {}), birthYear, sex, health, schooling, labour },
    problems,
  };
}

/** The problems of one household's members as listed: one head, listed first, and each ID number once. */
export function membersProblem(members: readonly Member[]): string | null {
  if (members[0]?.relation !== 'HEAD') return 'the head of household (户主) must be listed first';
  if (members.filter((m) => m.relation === 'HEAD').length > 1) return 'a household has one head';
  const ids = members.flatMap((m) => (m.idNumber ? [m.idNumber] : []));
  if (new Set(ids).size !== ids.length) return 'an ID number appears twice among the members';
  return null;
}
