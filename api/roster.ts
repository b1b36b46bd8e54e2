// The household roster (花名册) of a village or a township, read in batches and streamed as CSV or XLSX: a township's
// roster is written as it is read, never held whole in memory. ID numbers are masked exactly as GET /households
// masks them for the caller (householdView); members' ID numbers follow their household's.
import { once } from 'node:events';
import type { Response } from 'express';
import {
  csvRecord,
  ROSTER_COLUMNS,
  ROSTER_STATUSES,
  rosterRows,
  UTF8_BOM,
  type Cell,
  type RosterHousehold,
} from '../domain/roster';
import { maskIdNumber } from '../domain/idNumber';
import type { PrismaClient } from '../infra/db';
import type { Official } from './auth';
import { householdView } from './routes/registry';
import { codesWithin } from './scope';

/** Households read per query; each batch brings its members and responsible persons in two more queries. */
const BATCH = 100;

export interface RosterPlace {
  /** A village (12 digits) or a township (9 digits). */
  code: string;
  /** What the title names: 某某乡 or 某某乡某某村. */
  title: string;
  /** Township and village names by village code, for the rows. */
  villages: Map<string, { villageName: string; townshipName: string }>;
}

/** The roster's households, village by village and by registry number, as the caller may see them. */
export async function* rosterHouseholds(
  prisma: PrismaClient,
  o: Official,
  place: RosterPlace,
): AsyncGenerator<RosterHousehold[]> {
  const villageCode = place.code.length === 12 ? place.code : codesWithin(place.code);
  let after: { villageCode: string; registryNo: string } | undefined;
  for (;;) {
    const rows = await prisma.household.findMany({
      where: {
        villageCode,
        status: { in: [...ROSTER_STATUSES] },
        ...(after
          ? {
              OR: [
                { villageCode: { gt: after.villageCode } },
                { villageCode: after.villageCode, registryNo: { gt: after.registryNo } },
              ],
            }
          : {}),
      },
      orderBy: [{ villageCode: 'asc' }, { registryNo: 'asc' }],
      take: BATCH,
      include: { members: { orderBy: { seq: 'asc' } } },
    });
    if (rows.length === 0) return;
    const last = rows[rows.length - 1]!;
    after = { villageCode: last.villageCode, registryNo: last.registryNo };
    const assignments = await prisma.responsibilityAssignment.findMany({
      where: { subject: 'HOUSEHOLD', householdId: { in: rows.map((h) => h.id) }, toDate: null },
      orderBy: { fromDate: 'asc' },
      select: { householdId: true, unit: true, personName: true },
    });
    // The latest open assignment wins, should two be open.
    const responsible = new Map(assignments.map((a) => [a.householdId, a]));
    yield rows.map((h) => {
      const view = householdView(o, h);
      const names = place.villages.get(h.villageCode);
      const a = responsible.get(h.id);
      return {
        townshipName: names?.townshipName ?? '',
        villageName: names?.villageName ?? '',
        registryNo: h.registryNo,
        headName: h.headName,
        idNumber: view.idNumber,
        size: h.size,
        category: h.category,
        status: h.status,
        cause: h.cause,
        entryReason: h.entryReason,
        exitReason: h.exitReason,
        registeredOn: h.registeredOn,
        exitedOn: h.exitedOn,
        responsibleUnit: a?.unit ?? null,
        responsiblePerson: a?.personName ?? null,
        members: h.members.map((m) => ({
          seq: m.seq,
          name: m.name,
          relation: m.relation,
          // The same decision as the household's: whoever sees the head's number in full sees the members'.
          idNumber: m.idNumber === null ? null : view.idNumberMasked ? maskIdNumber(m.idNumber) : m.idNumber,
          birthYear: m.birthYear,
          sex: m.sex,
          health: m.health,
          schooling: m.schooling,
          labour: m.labour,
        })),
      };
    });
    if (rows.length < BATCH) return;
  }
}

/** Each batch's rows, numbered household by household from 1. */
async function* numberedRows(batches: AsyncGenerator<RosterHousehold[]>): AsyncGenerator<Cell[][]> {
  let no = 0;
  for await (const batch of batches) yield batch.flatMap((h) => rosterRows(h, ++no));
}

/** `attachment` with the file name in UTF-8 (RFC 6266 / 8187) and an ASCII fallback for old clients. */
export function attachment(utf8Name: string, asciiName: string): string {
  const encoded = encodeURIComponent(utf8Name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encoded}`;
}

/** Writes and waits when the socket's buffer is full; false when the client has gone away. */
async function write(res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  return !res.destroyed;
}

export const CSV_TYPE = 'text/csv; charset=utf-8';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The roster as CSV: UTF-8 with a byte-order mark, the header row, then the rows (RFC 4180, CRLF). */
export async function streamRosterCsv(res: Response, batches: AsyncGenerator<RosterHousehold[]>): Promise<void> {
  if (!(await write(res, UTF8_BOM + csvRecord(ROSTER_COLUMNS.map((c) => c.header))))) return;
  for await (const rows of numberedRows(batches)) {
    if (!(await write(res, rows.map(csvRecord).join('')))) return;
  }
  res.end();
}

/**
 * The roster as an XLSX workbook, written by exceljs's streaming writer straight into the response: a title row
 * (the place and the date), the header row frozen under it, column widths, landscape pages that repeat the header.
 */
export async function streamRosterXlsx(
  res: Response,
  batches: AsyncGenerator<RosterHousehold[]>,
  title: string,
): Promise<void> {
  // Loaded on first use: the API starts without the spreadsheet library.
  const ExcelJS = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Jingzhun';
  workbook.created = new Date();
  const sheet = workbook.addWorksheet('花名册', {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 2 }],
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    headerFooter: { oddFooter: '第 &P 页，共 &N 页' },
  });
  sheet.pageSetup.printTitlesRow = '2:2';
  sheet.columns = ROSTER_COLUMNS.map((c) => ({ width: c.width }));
  const titleRow = sheet.addRow([title]);
  titleRow.font = { bold: true, size: 14 };
  titleRow.alignment = { horizontal: 'center' };
  sheet.mergeCells(1, 1, 1, ROSTER_COLUMNS.length);
  titleRow.commit();
  const header = sheet.addRow(ROSTER_COLUMNS.map((c) => c.header));
  header.font = { bold: true };
  header.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  header.commit();
  for await (const rows of numberedRows(batches)) {
    if (res.destroyed) return;
    for (const cells of rows) sheet.addRow(cells).commit();
  }
  sheet.commit();
  await workbook.commit();
}
