// The household roster (花名册) as a county office prints it: one row per member, the household's columns repeated
// on each of its members' rows (so that the sheet can be sorted and filtered in a spreadsheet without losing which
// household a member belongs to); a household with no member recorded gets one row with the member columns empty.
// Pure: the API fetches the rows (ID numbers already masked for the caller) and writes them as CSV or XLSX.
import { CATEGORY_LABELS, CAUSE_LABELS, ENTRY_REASON_LABELS, EXIT_REASON_LABELS } from './enums';
import type { Category, Cause, EntryReason, ExitReason, HouseholdStatus } from './enums';
import { primaryLabel, STATUS_LABELS } from './csv';

/** A member's relation to the head (与户主关系), as the registry's member table holds it. */
export const RELATION_LABELS: Readonly<Record<string, string>> = {
  HEAD: '户主',
  SPOUSE: '配偶',
  CHILD: '子女',
  CHILD_IN_LAW: '儿媳/女婿',
  GRANDCHILD: '孙子女',
  PARENT: '父母',
  GRANDPARENT: '祖父母',
  SIBLING: '兄弟姐妹',
  OTHER: '其他',
};
export const SEX_LABELS: Readonly<Record<string, string>> = { MALE: '男', FEMALE: '女' };
export const HEALTH_LABELS: Readonly<Record<string, string>> = {
  HEALTHY: '健康',
  CHRONIC_ILLNESS: '长期慢性病',
  SERIOUS_ILLNESS: '患有大病',
  DISABLED: '残疾',
};
export const SCHOOLING_LABELS: Readonly<Record<string, string>> = {
  NONE: '文盲或半文盲',
  PRESCHOOL: '学龄前',
  PRIMARY: '小学',
  JUNIOR_SECONDARY: '初中',
  SENIOR_SECONDARY: '高中',
  TERTIARY: '大专及以上',
};
export const LABOUR_LABELS: Readonly<Record<string, string>> = {
  FULL: '普通劳动力',
  PARTIAL: '弱劳动力或半劳动力',
  NONE: '丧失劳动力或无劳动能力',
};

/** The household statuses a roster lists: the registered (建档立卡) households, current and exited. */
export const ROSTER_STATUSES = ['REGISTERED', 'EXITED'] as const satisfies readonly HouseholdStatus[];

export interface RosterMember {
  seq: number;
  name: string;
  relation: string;
  /** As the caller may see it (masked or in full). */
  idNumber: string | null;
  birthYear: number;
  sex: string;
  health: string;
  schooling: string;
  labour: string;
}

export interface RosterHousehold {
  townshipName: string;
  villageName: string;
  registryNo: string;
  headName: string;
  /** As the caller may see it (masked or in full). */
  idNumber: string;
  size: number;
  category: Category | null;
  status: HouseholdStatus;
  cause: Cause | null;
  entryReason: EntryReason | null;
  exitReason: ExitReason | null;
  registeredOn: Date | null;
  exitedOn: Date | null;
  responsibleUnit: string | null;
  responsiblePerson: string | null;
  members: RosterMember[];
}

export type Cell = string | number | null;

/**
 * The columns: Chinese header and width in characters (XLSX; never 9, exceljs's default width, which it does not
 * write). Household columns use the import's headers.
 */
export const ROSTER_COLUMNS: readonly { header: string; width: number }[] = [
  { header: '序号', width: 6 },
  { header: '乡镇', width: 10 },
  { header: '村', width: 10 },
  { header: primaryLabel('registryNo'), width: 19 },
  { header: primaryLabel('headName'), width: 10 },
  { header: primaryLabel('idNumber'), width: 21 },
  { header: primaryLabel('size'), width: 8 },
  { header: primaryLabel('category'), width: 11 },
  { header: primaryLabel('status'), width: 8 },
  { header: primaryLabel('cause'), width: 14 },
  { header: primaryLabel('entryReason'), width: 10 },
  { header: primaryLabel('exitReason'), width: 12 },
  { header: primaryLabel('registeredOn'), width: 11 },
  { header: primaryLabel('exitedOn'), width: 11 },
  { header: '责任单位', width: 16 },
  { header: '责任人', width: 10 },
  { header: '成员序号', width: 8 },
  { header: '成员姓名', width: 10 },
  { header: '与户主关系', width: 10 },
  { header: '成员身份证号', width: 21 },
  { header: '性别', width: 5 },
  { header: '出生年份', width: 8 },
  { header: '健康状况', width: 10 },
  { header: '文化程度', width: 11 },
  { header: '劳动能力', width: 18 },
];

/** A date as its calendar day in China time (UTC+8), YYYY-MM-DD. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

const label = (labels: Readonly<Record<string, string>>, value: string | null) =>
  value === null ? null : (labels[value] ?? value);

/** The rows of one household: one per member (at least one), `no` its number in the roster. */
export function rosterRows(h: RosterHousehold, no: number): Cell[][] {
  const household: Cell[] = [
    no,
    h.townshipName,
    h.villageName,
    h.registryNo,
    h.headName,
    h.idNumber,
    h.size,
    label(CATEGORY_LABELS, h.category),
    STATUS_LABELS[h.status],
    label(CAUSE_LABELS, h.cause),
    label(ENTRY_REASON_LABELS, h.entryReason),
    label(EXIT_REASON_LABELS, h.exitReason),
    h.registeredOn ? chinaDate(h.registeredOn) : null,
    h.exitedOn ? chinaDate(h.exitedOn) : null,
    h.responsibleUnit,
    h.responsiblePerson,
  ];
  if (h.members.length === 0) return [[...household, null, null, null, null, null, null, null, null, null]];
  return h.members.map((m) => [
    ...household,
    m.seq,
    m.name,
    label(RELATION_LABELS, m.relation),
    m.idNumber,
    label(SEX_LABELS, m.sex),
    m.birthYear,
    label(HEALTH_LABELS, m.health),
    label(SCHOOLING_LABELS, m.schooling),
    label(LABOUR_LABELS, m.labour),
  ]);
}

/**
 * A text cell that a spreadsheet would run as a formula (it starts with = + - @, or a tab or carriage return that
 * some spreadsheets skip before one) gets a leading apostrophe, so that it is shown as text (OWASP, CSV injection).
 */
export function guardFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One CSV field (RFC 4180): text guarded against formulas, quoted when it holds a quote, comma or line break. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = guardFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record, CRLF-terminated (RFC 4180). */
export function csvRecord(cells: readonly Cell[]): string {
  return cells.map(csvField).join(',') + '\r\n';
}

/** UTF-8 byte-order mark: Excel reads a CSV as UTF-8 only when the file starts with it. */
export const UTF8_BOM = '\uFEFF';
