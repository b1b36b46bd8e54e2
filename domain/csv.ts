// Reading a county's registry export (docs/IMPORT.md): a streaming CSV parser, the column headers (English or
// Chinese), the rules every household row must meet, and duplicate detection within the file. Pure: no I/O, so
// all of it is unit-tested on strings; infra/import.ts streams the file through it and checks the database.

import {
  CATEGORIES,
  CATEGORY_LABELS,
  CAUSE_LABELS,
  CAUSES,
  ENTRY_REASON_LABELS,
  ENTRY_REASONS,
  EXIT_REASON_LABELS,
  EXIT_REASONS,
  HOUSEHOLD_STATUSES,
  type Category,
  type Cause,
  type EntryReason,
  type ExitReason,
  type HouseholdStatus,
} from './enums';
import { readFactsCells } from './csv-facts';
import type { Income, Indicators } from './facts';
import { idNumberProblem, normalizeIdNumber } from './idNumber';

export { CsvParser, detachString, isBlankRecord, MAX_FIELD_CHARS, type CsvProblem, type CsvRecord } from './csv-parser';
export { DuplicateTracker, KeyIndex } from './key-index';
import type { CsvProblem, CsvRecord } from './csv-parser';
import { looksPersonal, showValue, WITHHELD, type Column, type HeaderMap } from './csv-columns';

export * from './csv-columns';

// ---------------------------------------------------------------------------------------------------------------
// Values

/** Chinese labels of the household statuses as registry exports write them. */
export const STATUS_LABELS: Readonly<Record<HouseholdStatus, string>> = {
  REGISTERED: '已纳入',
  EXITED: '已退出',
  NOT_REGISTERED: '未纳入',
};

interface EnumSpec<T extends string> {
  lookup: Map<string, T>;
  accepted: string;
}

function enumSpec<T extends string>(names: readonly T[], labels: Readonly<Record<T, string>>): EnumSpec<T> {
  const lookup = new Map<string, T>();
  for (const n of names) {
    lookup.set(n, n);
    lookup.set(labels[n], n);
  }
  return { lookup, accepted: `${names.join(', ')} or ${names.map((n) => labels[n]).join(', ')}` };
}

const CATEGORY_SPEC = enumSpec(CATEGORIES, CATEGORY_LABELS);
const STATUS_SPEC = enumSpec(HOUSEHOLD_STATUSES, STATUS_LABELS);
const CAUSE_SPEC = enumSpec(CAUSES, CAUSE_LABELS);
const EXIT_REASON_SPEC = enumSpec(EXIT_REASONS, EXIT_REASON_LABELS);
const ENTRY_REASON_SPEC = enumSpec(ENTRY_REASONS, ENTRY_REASON_LABELS);
/** The former cause "missed before" (漏评), now the entry reason MISSED with cause OTHER (as the migration maps it). */
const LEGACY_MISSED_CAUSE = new Set(['MISSED_BEFORE', '漏评']);

const ID_PROBLEMS = {
  FORMAT: 'must be 18 characters: 17 digits and a digit or X',
  BIRTH_DATE: 'the birth date inside it is not a real date',
  CHECKSUM: 'the check character does not match (a typing error?)',
} as const;

const DATE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digitsAt(value: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function isRealDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : (DAYS_IN_MONTH[m - 1] as number));
}

/** YYYY-MM-DD (also YYYY/M/D, as Excel writes dates), or null when it is not a real calendar date. */
export function parseDate(value: string): string | null {
  // The documented form, checked without a regular expression: it is on most rows of a large file.
  if (value.length === 10 && value.charCodeAt(4) === 0x2d && value.charCodeAt(7) === 0x2d) {
    const y = digitsAt(value, 0, 4);
    const m = digitsAt(value, 5, 2);
    const d = digitsAt(value, 8, 2);
    if (y >= 0 && m >= 0 && d >= 0) return isRealDate(y, m, d) ? value : null;
  }
  const match = DATE.exec(value);
  if (!match) return null;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  return isRealDate(y, m, d) ? `${match[1]}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Rows

export const MIN_SIZE = 1;
export const MAX_SIZE = 30;
const MAX_TEXT = 100;

/** A household row that passed every rule that needs no database; dates as YYYY-MM-DD. */
export interface HouseholdInput {
  registryNo: string;
  villageCode: string;
  headName: string;
  /** Personal data: never logged or reported. */
  idNumber: string;
  /** Personal data: never logged or reported. */
  phone: string | null;
  size: number;
  category: Category | null;
  status: HouseholdStatus;
  cause: Cause | null;
  entryReason: EntryReason | null;
  exitReason: ExitReason | null;
  registeredOn: string | null;
  exitedOn: string | null;
  /** Per-capita income by year (none when the row gives none). */
  incomes: Income[];
  /** The two assurances and three guarantees, null when the row gives none. */
  indicators: Indicators | null;
}

export interface RowProblem {
  /** null when the problem concerns the whole row. */
  column: Column | null;
  message: string;
}

export interface RowCheck {
  /** The household when the row broke no rule, else null. */
  household: HouseholdInput | null;
  problems: RowProblem[];
  /** The registry number as written (trimmed); show it only through reportRegistryNo. */
  registryNo: string;
  /** The normalised ID number when well-formed, else null: what the row claims for duplicate detection. */
  idNumber: string | null;
  /** For a row with problems, the registry number to name it by in the report (see reportRegistryNo). */
  reportAs: string | null;
}

export interface RowRules {
  /** YYYY-MM-DD: dates after it are refused. */
  today?: string;
}

const CSV_PROBLEMS: Record<CsvProblem, string> = {
  TEXT_AFTER_QUOTE: 'malformed CSV: text follows a closing quote (a quote inside a field must be doubled: "")',
  UNTERMINATED_QUOTE: 'malformed CSV: a quoted field is never closed, so the rest of the file was read into it',
};

const NO_PROBLEMS: RowProblem[] = [];
// Helpers below are plain functions, not closures inside checkRow: it runs once per row of files of a million.

function cellAt(fields: readonly string[], i: number): string {
  return i === -1 ? '' : (fields[i] ?? '').trim();
}

/** A value for a message about a row: withheld when it is the row's own ID number or phone in the wrong column. */
function shownIn(value: string, rawId: string, rawPhone: string): string {
  return value === rawId || value === rawPhone ? WITHHELD : showValue(value, true);
}

/** The registry number to name a row by in a report, or null when it is missing or might be personal data. */
export function reportRegistryNo(registryNo: string, idNumber: string, phone: string | null): string | null {
  if (registryNo === '' || registryNo === idNumber || registryNo === phone || looksPersonal(registryNo)) return null;
  return registryNo.length > 64 ? registryNo.slice(0, 64) + '…' : registryNo;
}

/** The enum value, null when the cell is empty, false (with a problem added) when it is not a known value. */
function readEnum<T extends string>(
  problems: RowProblem[],
  column: Column,
  raw: string,
  spec: EnumSpec<T>,
  rawId: string,
  rawPhone: string,
): T | null | false {
  if (raw === '') return null;
  const value = spec.lookup.get(raw) ?? spec.lookup.get(raw.toUpperCase());
  if (value) return value;
  problems.push({ column, message: `must be one of ${spec.accepted}; got ${shownIn(raw, rawId, rawPhone)}` });
  return false;
}

/** The date as YYYY-MM-DD, null when the cell is empty, false (with a problem added) when it is not acceptable. */
function readDate(
  problems: RowProblem[],
  column: Column,
  raw: string,
  today: string | undefined,
  rawId: string,
  rawPhone: string,
): string | null | false {
  if (raw === '') return null;
  const date = parseDate(raw);
  if (!date) {
    problems.push({ column, message: `must be a real date, YYYY-MM-DD; got ${shownIn(raw, rawId, rawPhone)}` });
  } else if (today !== undefined && date > today) {
    problems.push({ column, message: `${date} is in the future` });
  } else {
    return date;
  }
  return false;
}

const PHONE = /^\+?[0-9][0-9 ()-]*$/;
const SIZE = /^\d{1,3}$/;

export function checkRow(record: CsvRecord, header: HeaderMap, rules: RowRules = {}): RowCheck {
  const { fields } = record;
  const { index } = header;
  const problems: RowProblem[] = [];

  if (record.problem) problems.push({ column: null, message: CSV_PROBLEMS[record.problem] });
  for (let i = header.width; i < fields.length; i++) {
    if ((fields[i] as string).trim() !== '') {
      problems.push({
        column: null,
        message: `has ${fields.length} cells but the header names ${header.width} columns`,
      });
      break;
    }
  }

  const registryNo = cellAt(fields, index.registryNo);
  const villageCode = cellAt(fields, index.villageCode);
  const headName = cellAt(fields, index.headName);
  const rawId = cellAt(fields, index.idNumber);
  const rawPhone = cellAt(fields, index.phone);

  if (registryNo === '') problems.push({ column: 'registryNo', message: 'missing' });
  else if (registryNo.length > 64) problems.push({ column: 'registryNo', message: 'longer than 64 characters' });
  if (villageCode === '') problems.push({ column: 'villageCode', message: 'missing' });
  else if (villageCode.length > 32) problems.push({ column: 'villageCode', message: 'longer than 32 characters' });
  if (headName === '') problems.push({ column: 'headName', message: 'missing' });
  else if (headName.length > MAX_TEXT)
    problems.push({ column: 'headName', message: `longer than ${MAX_TEXT} characters` });
  for (const [column, value] of [
    ['registryNo', registryNo],
    ['villageCode', villageCode],
    ['headName', headName],
  ] as const) {
    // PostgreSQL cannot store a NUL character in text; refused here, it cannot fail the whole batch.
    if (value.includes('\u0000')) problems.push({ column, message: 'contains a NUL character' });
  }
  if (headName.includes('\uFFFD') || registryNo.includes('\uFFFD') || villageCode.includes('\uFFFD')) {
    problems.push({ column: null, message: 'contains bytes that are not UTF-8: save the file as "CSV UTF-8"' });
  }

  let idNumber: string | null = null;
  if (rawId === '') {
    problems.push({ column: 'idNumber', message: 'missing' });
  } else {
    const normalized = normalizeIdNumber(rawId);
    const idProblem = idNumberProblem(normalized);
    if (idProblem) problems.push({ column: 'idNumber', message: ID_PROBLEMS[idProblem] });
    else idNumber = normalized;
  }

  let phone: string | null = null;
  if (rawPhone !== '') {
    const digits = rawPhone.replace(/[^0-9]/g, '').length;
    if (!PHONE.test(rawPhone) || digits < 7 || digits > 20) {
      problems.push({
        column: 'phone',
        message: 'must be a phone number: 7 to 20 digits, optionally with +, spaces, dashes or brackets',
      });
    } else {
      phone = rawPhone;
    }
  }

  const rawSize = cellAt(fields, index.size);
  const size = SIZE.test(rawSize) ? Number(rawSize) : 0;
  if (rawSize === '') problems.push({ column: 'size', message: 'missing' });
  else if (size < MIN_SIZE || size > MAX_SIZE) {
    const got = shownIn(rawSize, rawId, rawPhone);
    problems.push({ column: 'size', message: `must be a whole number from ${MIN_SIZE} to ${MAX_SIZE}; got ${got}` });
  }

  const status = readEnum(problems, 'status', cellAt(fields, index.status), STATUS_SPEC, rawId, rawPhone);
  const category = readEnum(problems, 'category', cellAt(fields, index.category), CATEGORY_SPEC, rawId, rawPhone);
  const rawCause = cellAt(fields, index.cause);
  const legacyMissed = LEGACY_MISSED_CAUSE.has(rawCause.toUpperCase()) || LEGACY_MISSED_CAUSE.has(rawCause);
  const cause = legacyMissed ? 'OTHER' : readEnum(problems, 'cause', rawCause, CAUSE_SPEC, rawId, rawPhone);
  const givenEntryReason = readEnum(
    problems,
    'entryReason',
    cellAt(fields, index.entryReason),
    ENTRY_REASON_SPEC,
    rawId,
    rawPhone,
  );
  const entryReason = givenEntryReason === null && legacyMissed ? 'MISSED' : givenEntryReason;
  const exitReason = readEnum(
    problems,
    'exitReason',
    cellAt(fields, index.exitReason),
    EXIT_REASON_SPEC,
    rawId,
    rawPhone,
  );
  const today = rules.today;
  const registeredOn = readDate(problems, 'registeredOn', cellAt(fields, index.registeredOn), today, rawId, rawPhone);
  const exitedOn = readDate(problems, 'exitedOn', cellAt(fields, index.exitedOn), today, rawId, rawPhone);
  const facts = readFactsCells((column) => cellAt(fields, index[column]), parseDate, today);
  for (const p of facts.problems) problems.push(p);

  // Rules between columns; a value that was present but invalid already has its problem (false, not null).
  if (status === null) problems.push({ column: 'status', message: `missing: use ${STATUS_SPEC.accepted}` });
  if (status === 'REGISTERED' || status === 'EXITED') {
    if (category === null) problems.push({ column: 'category', message: `missing: ${status} households need one` });
    if (cause === null) problems.push({ column: 'cause', message: `missing: ${status} households need one` });
  }
  if (status === 'EXITED') {
    if (exitReason === null) problems.push({ column: 'exitReason', message: 'missing: EXITED households need one' });
    if (exitedOn === null) problems.push({ column: 'exitedOn', message: 'missing: EXITED households need one' });
    if (registeredOn && exitedOn && exitedOn < registeredOn) {
      problems.push({ column: 'exitedOn', message: 'is before registeredOn' });
    }
  } else if (status) {
    const only = `only EXITED households have one, this one is ${status}`;
    if (exitReason) problems.push({ column: 'exitReason', message: only });
    if (exitedOn) problems.push({ column: 'exitedOn', message: only });
  }
  if (status === 'NOT_REGISTERED' && entryReason) {
    problems.push({ column: 'entryReason', message: 'only REGISTERED or EXITED households entered the registry' });
  }

  if (problems.length > 0 || !status || !idNumber || category === false || cause === false) {
    return { household: null, problems, registryNo, idNumber, reportAs: reportRegistryNo(registryNo, rawId, rawPhone) };
  }
  return {
    household: {
      registryNo,
      villageCode,
      headName,
      idNumber,
      phone,
      size,
      category,
      status,
      cause,
      entryReason: entryReason || null,
      exitReason: exitReason || null,
      registeredOn: registeredOn || null,
      exitedOn: exitedOn || null,
      incomes: facts.incomes,
      indicators: facts.indicators,
    },
    problems: NO_PROBLEMS,
    registryNo,
    idNumber,
    reportAs: null,
  };
}
