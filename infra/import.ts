// `npm run cli -- import households <file.csv>` (docs/IMPORT.md): streams a county's registry export through the
// pure parser and rules of domain/csv.ts, checks villages and duplicates against the registry one batch at a time,
// and writes each batch with the COPY protocol: one COPY for the households, one for their IMPORT registry changes.
// Personal data stays out of every report, log line and error: rows are named by number and registry number.

import { StringDecoder } from 'node:string_decoder';
import type { ClientBase } from 'pg';
import {
  checkRow,
  CsvParser,
  MAX_FIELD_CHARS,
  detachString,
  DuplicateTracker,
  isBlankRecord,
  mapHeader,
  reportRegistryNo,
  showValue,
  WITHHELD,
  type Column,
  type CsvRecord,
  type HeaderMap,
  type HouseholdInput,
} from '../domain/csv';
import type { Member } from '../domain/facts';
import { copyRows, copyValue, COPY_CHANGES_SQL, COPY_HOUSEHOLDS_SQL, uuidV7Source } from './import-copy';
import { insertFacts } from './import-facts';

export { copyValue, uuidV7Source } from './import-copy';

/** Rows per database round: big enough that round trips vanish, small enough to keep memory flat. */
export const BATCH_SIZE = 5000;
/**
 * Connections the CLI writes on at once: two keep PostgreSQL busy on a second core while the CLI parses
 * (docs/BENCHMARKS.md, bench:import). More only help with more cores.
 */
export const CONNECTIONS = 2;
/** Errors listed in the --json summary; the report (stderr or --report) has them all. */
export const MAX_LISTED_ERRORS = 1000;
/** Files at least this large show progress even when stderr is not a terminal. */
export const LARGE_FILE_BYTES = 16 * 1024 * 1024;

/** The import cannot start (unreadable file, wrong encoding, bad header): nothing was written. */
export class ImportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImportError';
  }
}

export interface ImportRowError {
  /** Row number as a spreadsheet shows it: the header is row 1. */
  row: number;
  /** The row's registry number, to find it by; null when missing or withheld. */
  registryNo: string | null;
  /** The column (English name), or null when the problem concerns the whole row. */
  column: Column | null;
  message: string;
}

export interface ImportProgress {
  bytes: number;
  rows: number;
  imported: number;
  rejected: number;
}

export interface ImportSummary {
  /** Data rows read (blank rows are skipped and not counted). */
  rows: number;
  imported: number;
  rejected: number;
  /** --all-or-nothing found a rejected row, so nothing was written. */
  rolledBack: boolean;
  /** Every error found; a row may have several. */
  errorCount: number;
  /** The first MAX_LISTED_ERRORS of them, in row order. */
  errors: ImportRowError[];
  seconds: number;
}

export interface ImportOptions {
  allOrNothing?: boolean;
  batchSize?: number;
  /** YYYY-MM-DD; dates after it are refused. Defaults to the local date. */
  today?: string;
  /**
   * More connections to the same database: batches are then written on all of them at once, each in its own
   * transaction, so that PostgreSQL works on several cores while this process parses. Not used with allOrNothing,
   * which is one transaction.
   */
  moreClients?: ClientBase[];
  /** Called once per batch with that batch's errors, in row order (for the report). */
  onRowErrors?: (errors: ImportRowError[]) => void;
  onProgress?: (progress: ImportProgress) => void;
  /** Members by the registry number of their household (the members file, already checked), written with it. */
  members?: ReadonlyMap<string, Member[]>;
  /** Called with the registry number of each household written with members (to find members left over). */
  onMembersWritten?: (registryNos: string[]) => void;
}

const VILLAGES_SQL = 'SELECT "code" FROM "Village" WHERE "code" = ANY($1::text[])';
const EXISTING_SQL =
  'SELECT "idNumber", "registryNo" FROM "Household" WHERE "idNumber" = ANY($1::text[]) OR "registryNo" = ANY($2::text[])';
const UNIQUE_VIOLATION = '23505';
/** The first insert of a batch, then checked ones: another writer can take a key between a check and an insert. */
const MAX_ATTEMPTS = 4;

interface PendingRow {
  row: number;
  household: HouseholdInput;
}

const reportAs = (h: HouseholdInput) => reportRegistryNo(h.registryNo, h.idNumber, h.phone);

interface Batch {
  rows: PendingRow[];
  errors: ImportRowError[];
  rejected: number;
}

function localDate(d = new Date()): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Refuses what is plainly not a UTF-8 CSV before anything is parsed. */
export function checkFirstBytes(chunk: Uint8Array): void {
  if (chunk[0] === 0x50 && chunk[1] === 0x4b && chunk[2] === 0x03 && chunk[3] === 0x04) {
    throw new ImportError('The file is an Excel workbook (.xlsx), not CSV: save it as "CSV UTF-8" and try again.');
  }
  if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
    throw new ImportError('The file is UTF-16 ("Unicode text"), not UTF-8: save it as "CSV UTF-8" and try again.');
  }
}

export function headerOrThrow(record: CsvRecord): HeaderMap {
  const result = mapHeader(record.fields);
  if (result.ok) return result.header;
  throw new ImportError(
    `The header row is not usable; nothing was imported:\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n` +
      'Run `npm run cli -- import households --help` for the columns.',
  );
}

export async function importHouseholds(
  client: ClientBase,
  input: AsyncIterable<Uint8Array | string>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const started = performance.now();
  const allOrNothing = options.allOrNothing ?? false;
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const rules = { today: options.today ?? localDate() };
  const decoder = new StringDecoder('utf8');
  const parser = new CsvParser();
  const duplicates = new DuplicateTracker();
  const villages = new Map<string, boolean>();
  const nextId = uuidV7Source();
  const progress: ImportProgress = { bytes: 0, rows: 0, imported: 0, rejected: 0 };
  const listed: ImportRowError[] = [];
  let errorCount = 0;
  let header: HeaderMap | null = null;
  let recordNo = 0;
  let batch: Batch = { rows: [], errors: [], rejected: 0 };
  // Batches go to the connections in turn, one batch at a time each; the last write handed to each connection.
  const connections: ClientBase[] = allOrNothing ? [client] : [client, ...(options.moreClients ?? [])];
  const lastWrites: Promise<number>[] = connections.map(() => Promise.resolve(0));
  let batchNo = 0;
  // Every batch handed over, reported in file order whichever connection finishes first.
  let reported: Promise<void> = Promise.resolve();
  let failed: { error: unknown } | null = null;
  // With --all-or-nothing the first rejected row ends the writing; the rest is still checked for the report.
  let anyRejected = false;

  // Each batch is written after the previous one, on the one connection, while the next one is being parsed.
  const txn = allOrNothing
    ? {
        begin: 'SAVEPOINT import_batch',
        commit: 'RELEASE SAVEPOINT import_batch',
        undo: 'ROLLBACK TO SAVEPOINT import_batch',
      }
    : { begin: 'BEGIN', commit: 'COMMIT', undo: 'ROLLBACK' };

  function reject(b: Batch, row: number, registryNo: string | null, column: Column | null, message: string) {
    b.errors.push({ row, registryNo: registryNo === null ? null : detachString(registryNo), column, message });
  }

  async function checkVillages(client: ClientBase, b: Batch): Promise<PendingRow[]> {
    const unknown = [...new Set(b.rows.map((r) => r.household.villageCode))].filter((c) => !villages.has(c));
    if (unknown.length > 0) {
      const found = await client.query<{ code: string }>({
        name: 'jz-import-villages',
        text: VILLAGES_SQL,
        values: [unknown],
      });
      for (const code of unknown) villages.set(detachString(code), false);
      for (const { code } of found.rows) villages.set(code, true);
    }
    return b.rows.filter((r) => {
      if (villages.get(r.household.villageCode)) return true;
      const code = showValue(r.household.villageCode);
      reject(
        b,
        r.row,
        reportAs(r.household),
        'villageCode',
        code === WITHHELD ? `no such village: ${code}` : `no village with code ${code}`,
      );
      b.rejected++;
      return false;
    });
  }

  async function dropExisting(client: ClientBase, b: Batch, rows: PendingRow[]): Promise<PendingRow[]> {
    const existing = await client.query<{ idNumber: string; registryNo: string }>({
      name: 'jz-import-existing',
      text: EXISTING_SQL,
      values: [rows.map((r) => r.household.idNumber), rows.map((r) => r.household.registryNo)],
    });
    if (existing.rows.length === 0) return rows;
    const byId = new Map(existing.rows.map((e) => [e.idNumber, e.registryNo]));
    const byRegistryNo = new Set(existing.rows.map((e) => e.registryNo));
    return rows.filter((r) => {
      const holder = byId.get(r.household.idNumber);
      const taken = byRegistryNo.has(r.household.registryNo);
      if (holder === undefined && !taken) return true;
      const name = reportAs(r.household);
      if (holder !== undefined) {
        // The holder's registry number helps find the clash; it is withheld too if it might be personal data.
        const other = reportRegistryNo(holder, r.household.idNumber, r.household.phone);
        const message = `this ID number is already in the registry${other ? ` (household ${other})` : ''}`;
        reject(b, r.row, name, 'idNumber', message);
      }
      if (taken) reject(b, r.row, name, 'registryNo', 'this registry number is already in the registry');
      b.rejected++;
      return false;
    });
  }

  async function insert(client: ClientBase, rows: PendingRow[]): Promise<{ inserted: number; withMembers: string[] }> {
    const at = new Date().toISOString();
    const households: string[] = [];
    const changes: string[] = [];
    const written: { id: string; h: HouseholdInput }[] = [];
    for (const { household: h } of rows) {
      const id = nextId();
      written.push({ id, h });
      households.push(
        `${id}\t${copyValue(h.registryNo)}\t${copyValue(h.villageCode)}\t${copyValue(h.headName)}\t` +
          `${copyValue(h.idNumber)}\t${copyValue(h.phone)}\t${h.size}\t${copyValue(h.category)}\t${h.status}\t` +
          `${copyValue(h.cause)}\t${copyValue(h.entryReason)}\t${copyValue(h.exitReason)}\t` +
          `${copyValue(h.registeredOn)}\t` +
          `${copyValue(h.exitedOn)}\t${at}\n`,
      );
      changes.push(
        `${nextId()}\t${id}\tIMPORT\tIMPORT\t${h.status}\t${copyValue(h.category)}\t${copyValue(h.cause)}\t` +
          `${copyValue(h.entryReason)}\t${copyValue(h.exitReason)}\t${at}\n`,
      );
    }
    const inserted = await copyRows(client, COPY_HOUSEHOLDS_SQL, households);
    await copyRows(client, COPY_CHANGES_SQL, changes);
    return { inserted, withMembers: await insertFacts(client, written, options.members, nextId, at) };
  }

  /** Writes one batch in its own transaction (a savepoint with allOrNothing); resolves to the rows inserted. */
  async function write(client: ClientBase, b: Batch): Promise<number> {
    let rows = b.rows.length > 0 ? await checkVillages(client, b) : [];
    let inserted = 0;
    const nothingToWrite = () => allOrNothing && (anyRejected || b.rejected > 0);
    // Rows already in the registry are rare, and the unique indexes find them while inserting anyway: so a batch is
    // inserted straight away, and the duplicate query runs only when the insert was refused (then the batch is
    // rolled back, its clashing rows reported and the others inserted), or when nothing is to be written but the
    // report must still name the rows already in the registry. That saves two index probes a row. Batches never
    // clash with each other: a key seen twice in the file was refused before any batch was formed.
    let check = nothingToWrite();
    let withMembers: string[] = [];
    for (let attempt = 1; rows.length > 0; attempt++) {
      await client.query(txn.begin);
      try {
        if (check) rows = await dropExisting(client, b, rows);
        if (nothingToWrite()) anyRejected = true;
        else if (rows.length > 0) ({ inserted, withMembers } = await insert(client, rows));
        await client.query(txn.commit);
        if (withMembers.length > 0) options.onMembersWritten?.(withMembers);
        break;
      } catch (err) {
        // A failing undo (a lost connection) must not hide the error that caused it.
        await client.query(txn.undo).catch(() => undefined);
        // Refused by a unique index: a row is in the registry (or another writer just took its key). Check again.
        if ((err as { code?: string }).code !== UNIQUE_VIOLATION || attempt >= MAX_ATTEMPTS) throw err;
        check = true;
      }
    }
    // Before the connection is handed on: with allOrNothing the next batch must know.
    if (b.rejected > 0) anyRejected = true;
    return inserted;
  }

  function report(b: Batch, inserted: number): void {
    b.errors.sort((x, y) => x.row - y.row);
    errorCount += b.errors.length;
    for (const e of b.errors) if (listed.length < MAX_LISTED_ERRORS) listed.push(e);
    if (b.errors.length > 0) options.onRowErrors?.(b.errors);
    progress.imported += inserted;
    progress.rejected += b.rejected;
    options.onProgress?.({ ...progress });
  }

  /**
   * Hands the batch to the next connection in turn once its previous batch is written: parsing goes on while the
   * batches are written, never more than one batch ahead of the connections.
   */
  async function flush(): Promise<void> {
    const b = batch;
    batch = { rows: [], errors: [], rejected: 0 };
    const lane = batchNo++ % connections.length;
    await (lastWrites[lane] as Promise<number>).catch(() => undefined);
    if (failed) throw failed.error;
    const written = write(connections[lane] as ClientBase, b);
    written.catch((error: unknown) => void (failed ??= { error }));
    lastWrites[lane] = written;
    reported = reported.then(async () => report(b, await written));
    // Marks the rejection as handled until it is awaited, so parsing on meanwhile does not crash the process.
    reported.catch(() => undefined);
  }

  async function onRecord(record: CsvRecord): Promise<void> {
    recordNo++;
    if (!header) {
      header = headerOrThrow(record);
      return;
    }
    if (record.problem === null && isBlankRecord(record.fields)) return;
    progress.rows++;
    const check = checkRow(record, header, rules);
    const registryNoKey = check.registryNo !== '' && check.registryNo.length <= 64 ? check.registryNo : null;
    let clashes: { column: Column; message: string }[] = duplicates.claim(recordNo, registryNoKey, check.idNumber);
    // The members file lists this household's members: as many as its size.
    const listed = check.household ? options.members?.get(check.household.registryNo) : undefined;
    if (listed && listed.length !== check.household!.size)
      clashes = [...clashes, { column: 'size', message: `the members file lists ${listed.length} members` }];
    if (check.household && clashes.length === 0) {
      batch.rows.push({ row: recordNo, household: check.household });
    } else {
      const name = check.household ? reportAs(check.household) : check.reportAs;
      for (const p of [...check.problems, ...clashes]) reject(batch, recordNo, name, p.column, p.message);
      batch.rejected++;
    }
    if (batch.rows.length + batch.rejected >= batchSize) await flush();
  }

  if (allOrNothing) await client.query('BEGIN');
  try {
    let first = true;
    for await (const chunk of input) {
      let text: string;
      if (typeof chunk === 'string') {
        text = chunk;
        progress.bytes += Buffer.byteLength(chunk);
      } else {
        if (first) checkFirstBytes(chunk);
        text = decoder.write(chunk as Buffer);
        progress.bytes += chunk.length;
      }
      first = false;
      for (const record of parser.push(text)) await onRecord(record);
      if (parser.overflowed) break;
      options.onProgress?.({ ...progress });
    }
    for (const record of [...parser.push(decoder.end()), ...parser.end()]) await onRecord(record);
    if (!header) throw new ImportError('The file is empty or its header row is unreadable.');
    if (parser.overflowed) {
      // No telling where the next row starts: report the row and keep what came before it.
      progress.rows++;
      const message = `a cell is longer than ${MAX_FIELD_CHARS} characters (a quote that is never closed?); the rest of the file was not read`;
      reject(batch, recordNo + 1, null, null, message);
      batch.rejected++;
    }
    await flush();
    await reported;

    let rolledBack = false;
    if (allOrNothing) {
      rolledBack = anyRejected;
      await client.query(rolledBack ? 'ROLLBACK' : 'COMMIT');
      if (rolledBack) progress.imported = 0;
    }
    return {
      rows: progress.rows,
      imported: progress.imported,
      rejected: progress.rejected,
      rolledBack,
      errorCount,
      errors: listed,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (err) {
    // No batch may still be using a connection when the caller closes it.
    await Promise.allSettled(lastWrites);
    if (allOrNothing) await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The CLI command
