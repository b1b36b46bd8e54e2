// The registry export's columns and their headers, in English or Chinese (docs/IMPORT.md): which are required, and
// how a file's header row maps onto them; and how a value is quoted in a message without showing an ID number or a
// phone. Pure.
import { FACTS_COLUMN_LABELS, FACTS_COLUMNS } from './csv-facts';

// 18-character ID numbers, and the 15-digit ones issued before 1999.
const ID_SHAPED = /[0-9]{14}[0-9Xx]/;
const MOBILE_SHAPED = /(^|[^0-9])1[3-9][0-9]{9}($|[^0-9])/;
const LONG_DIGITS = /[0-9]{7}/;

/** Could this be an ID number or a phone number? Reports never show such a value. */
export function looksPersonal(value: string): boolean {
  return ID_SHAPED.test(value) || MOBILE_SHAPED.test(value);
}

export const WITHHELD = 'a value that looks like an ID or phone number (not shown)';

/**
 * A value quoted for a message, or WITHHELD. For codes and short values only, never for names, ID numbers or
 * phones; strict also withholds any run of 7 digits, which no date, size or enum value has.
 */
export function showValue(value: string, strict = false): string {
  if (looksPersonal(value) || (strict && LONG_DIGITS.test(value))) return WITHHELD;
  return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
}

/** The household's own columns (the registry's fields). */
export const HOUSEHOLD_COLUMNS = [
  'registryNo',
  'villageCode',
  'headName',
  'idNumber',
  'size',
  'category',
  'status',
  'cause',
  'exitReason',
  'registeredOn',
  'exitedOn',
  'phone',
  'entryReason',
] as const;
/** Every column: the household's own, then its facts (domain/csv-facts.ts: income of a year and the year before, the indicators). */
export const COLUMNS = [...HOUSEHOLD_COLUMNS, ...FACTS_COLUMNS] as const;
export type Column = (typeof COLUMNS)[number];

/** Chinese headers accepted for each column; the first is the one documented and shown in reports. */
export const COLUMN_LABELS: Readonly<Record<Column, readonly string[]>> = {
  registryNo: ['户编号'],
  villageCode: ['村代码', '村编码'],
  headName: ['户主姓名'],
  idNumber: ['身份证号', '身份证号码', '户主身份证号'],
  size: ['家庭人口', '家庭人口数'],
  category: ['户类别'],
  status: ['状态', '户状态'],
  cause: ['致贫原因'],
  exitReason: ['退出原因'],
  entryReason: ['纳入原因'],
  registeredOn: ['纳入日期'],
  exitedOn: ['退出日期'],
  phone: ['联系电话'],
  ...FACTS_COLUMN_LABELS,
};

/** Columns the header must name; the others may be left out when no row needs them. */
export const REQUIRED_COLUMNS: readonly Column[] = [
  'registryNo',
  'villageCode',
  'headName',
  'idNumber',
  'size',
  'status',
];

const HEADER_NAMES = new Map<string, Column>();
for (const column of COLUMNS) {
  HEADER_NAMES.set(column.toLowerCase(), column);
  for (const label of COLUMN_LABELS[column]) HEADER_NAMES.set(label, column);
}

export interface HeaderMap {
  /** Position of each column in a record, -1 when the file does not have it. */
  readonly index: Readonly<Record<Column, number>>;
  /** Number of named columns; cells past it must be empty. */
  readonly width: number;
}

export type HeaderResult = { ok: true; header: HeaderMap } | { ok: false; problems: string[] };

export function mapHeader(fields: readonly string[]): HeaderResult {
  if (fields.some((f) => f.includes('\uFFFD'))) {
    return {
      ok: false,
      problems: [
        'the file is not UTF-8 (Excel\'s plain "CSV" format saves GBK on Chinese Windows): save it as "CSV UTF-8" and try again',
      ],
    };
  }
  // A data row where the header belongs: say so without quoting its cells (names, ID numbers, phones).
  if (fields.some((f) => showValue(f.trim(), true) === WITHHELD)) {
    return {
      ok: false,
      problems: [
        'the first row looks like data, not a header (it holds what looks like an ID or phone number): is the header row missing?',
      ],
    };
  }
  let width = fields.length;
  while (width > 0 && (fields[width - 1] as string).trim() === '') width--;
  const index = Object.fromEntries(COLUMNS.map((c) => [c, -1])) as Record<Column, number>;
  const problems: string[] = [];
  for (let i = 0; i < width; i++) {
    const name = (fields[i] as string).trim();
    if (name === '') {
      problems.push(`column ${i + 1} has no header`);
      continue;
    }
    const column = HEADER_NAMES.get(name) ?? HEADER_NAMES.get(name.toLowerCase());
    if (!column) {
      problems.push(`unknown column ${showValue(name)}`);
    } else if (index[column] !== -1) {
      problems.push(
        `column ${column} (${primaryLabel(column)}) appears twice (columns ${index[column] + 1} and ${i + 1})`,
      );
    } else {
      index[column] = i;
    }
  }
  const missing = REQUIRED_COLUMNS.filter((c) => index[c] === -1);
  if (missing.length > 0) {
    problems.push(`missing column${missing.length > 1 ? 's' : ''} ${missing.map(describeColumn).join(', ')}`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, header: { index, width } };
}

export function primaryLabel(column: Column): string {
  return COLUMN_LABELS[column][0] as string;
}

function describeColumn(column: Column): string {
  return `${column} (${primaryLabel(column)})`;
}
