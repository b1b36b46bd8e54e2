// `npm run cli -- import households <file.csv>` (docs/IMPORT.md): streams a county's registry export through the
// pure parser and rules of domain/csv.ts, checks villages and duplicates against the registry one batch at a time,
// and writes each batch with the COPY protocol: one COPY for the households, one for their IMPORT registry changes.
// Personal data stays out of every report, log line and error: rows are named by number and registry number.

import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, type ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  checkRow,
  COLUMNS,
  CsvParser,
  MAX_FIELD_CHARS,
  detachString,
  DuplicateTracker,
  isBlankRecord,
  mapHeader,
  primaryLabel,
  reportRegistryNo,
  REQUIRED_COLUMNS,
  showValue,
  STATUS_LABELS,
  WITHHELD,
  type Column,
  type CsvRecord,
  type HeaderMap,
  type HouseholdInput,
} from '../domain/csv';
import { CATEGORY_LABELS, CAUSE_LABELS, EXIT_REASON_LABELS } from '../domain/enums';

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
const LARGE_FILE_BYTES = 16 * 1024 * 1024;

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
}

const VILLAGES_SQL = 'SELECT "code" FROM "Village" WHERE "code" = ANY($1::text[])';
const EXISTING_SQL =
  'SELECT "idNumber", "registryNo" FROM "Household" WHERE "idNumber" = ANY($1::text[]) OR "registryNo" = ANY($2::text[])';
// Each batch goes in with the COPY protocol, one COPY per table, in PostgreSQL's text format: the server's fastest
// path for many rows (multi-row heap inserts, no statement per row, no array parameters to parse). Ids are
// time-ordered (UUIDv7), so the primary keys and RegistryChange's household index grow at their right edge instead
// of taking a random page per row.
const COPY_HOUSEHOLDS_SQL = `COPY "Household" ("id", "registryNo", "villageCode", "headName", "idNumber", "phone",
  "size", "category", "status", "cause", "exitReason", "registeredOn", "exitedOn", "updatedAt") FROM STDIN`;
const COPY_CHANGES_SQL = `COPY "RegistryChange" ("id", "householdId", "source", "action", "toStatus", "toCategory",
  "cause", "exitReason", "at") FROM STDIN`;

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY's text format: \N for NULL; backslash, tab and line breaks escaped. */
export function copyValue(value: string | number | null): string {
  if (value === null) return '\\N';
  const text = String(value);
  return COPY_SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] as string) : text;
}

/** Sends rows (already in COPY text format, one line each) through COPY … FROM STDIN; resolves to the rows copied. */
async function copyRows(client: ClientBase, sql: string, lines: string[]): Promise<number> {
  const stream = client.query(copyFrom(sql));
  await pipeline(Readable.from([lines.join('')]), stream);
  return stream.rowCount;
}

/**
 * Time-ordered UUIDs (RFC 9562 version 7): 48 bits of Unix milliseconds, a 12-bit counter that keeps ids of the
 * same millisecond in order, 62 random bits. Each source hands out strictly increasing ids.
 */
export function uuidV7Source(now: () => number = Date.now): () => string {
  let lastMs = 0;
  let counter = 0;
  let pool = '';
  let at = 0;
  return () => {
    const ms = now();
    if (ms > lastMs) {
      lastMs = ms;
      counter = 0;
    } else if (++counter > 0xfff) {
      lastMs++; // borrow the next millisecond rather than go out of order
      counter = 0;
    }
    if (at + 16 > pool.length) {
      pool = randomBytes(4096).toString('hex');
      at = 0;
    }
    const r = pool.slice(at, (at += 16));
    const t = lastMs.toString(16).padStart(12, '0');
    const variant = '89ab'[parseInt(r[0] as string, 16) & 3] as string;
    return `${t.slice(0, 8)}-${t.slice(8)}-7${counter.toString(16).padStart(3, '0')}-${variant}${r.slice(1, 4)}-${r.slice(4)}`;
  };
}

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
function checkFirstBytes(chunk: Uint8Array): void {
  if (chunk[0] === 0x50 && chunk[1] === 0x4b && chunk[2] === 0x03 && chunk[3] === 0x04) {
    throw new ImportError('The file is an Excel workbook (.xlsx), not CSV: save it as "CSV UTF-8" and try again.');
  }
  if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
    throw new ImportError('The file is UTF-16 ("Unicode text"), not UTF-8: save it as "CSV UTF-8" and try again.');
  }
}

function headerOrThrow(record: CsvRecord): HeaderMap {
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

  async function insert(client: ClientBase, rows: PendingRow[]): Promise<number> {
    const at = new Date().toISOString();
    const households: string[] = [];
    const changes: string[] = [];
    for (const { household: h } of rows) {
      const id = nextId();
      households.push(
        `${id}\t${copyValue(h.registryNo)}\t${copyValue(h.villageCode)}\t${copyValue(h.headName)}\t` +
          `${copyValue(h.idNumber)}\t${copyValue(h.phone)}\t${h.size}\t${copyValue(h.category)}\t${h.status}\t` +
          `${copyValue(h.cause)}\t${copyValue(h.exitReason)}\t${copyValue(h.registeredOn)}\t` +
          `${copyValue(h.exitedOn)}\t${at}\n`,
      );
      changes.push(
        `${nextId()}\t${id}\tIMPORT\tIMPORT\t${h.status}\t${copyValue(h.category)}\t${copyValue(h.cause)}\t` +
          `${copyValue(h.exitReason)}\t${at}\n`,
      );
    }
    const inserted = await copyRows(client, COPY_HOUSEHOLDS_SQL, households);
    await copyRows(client, COPY_CHANGES_SQL, changes);
    return inserted;
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
    for (let attempt = 1; rows.length > 0; attempt++) {
      await client.query(txn.begin);
      try {
        if (check) rows = await dropExisting(client, b, rows);
        if (nothingToWrite()) anyRejected = true;
        else if (rows.length > 0) inserted = await insert(client, rows);
        await client.query(txn.commit);
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
    const clashes = duplicates.claim(recordNo, registryNoKey, check.idNumber);
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

const COLUMN_HELP: Record<Column, string> = {
  registryNo: 'registry number (建档立卡), unique in the registry',
  villageCode: 'code of an existing village',
  headName: "household head's name",
  idNumber: "head's resident ID number: 18 characters, valid check character",
  size: 'household size, a whole number 1-30',
  category: 'needed when REGISTERED or EXITED',
  status: 'REGISTERED, EXITED or NOT_REGISTERED',
  cause: 'main cause of poverty; needed when REGISTERED or EXITED',
  exitReason: 'needed when EXITED, empty otherwise',
  registeredOn: 'date included, YYYY-MM-DD (YYYY/M/D accepted)',
  exitedOn: 'date exited; needed when EXITED, empty otherwise',
  phone: 'contact phone',
};

/** "NAME 标签, NAME 标签, ..." wrapped to lines of about 100 characters, indented for the help text. */
function valueList(labels: Record<string, string>, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const [name, label] of Object.entries(labels)) {
    const item = `${name} ${label}`;
    if (line && line.length + item.length > 90) {
      lines.push(line + ',');
      line = '';
    }
    line = line ? `${line}, ${item}` : item;
  }
  return [...lines, line].join('\n' + indent);
}

export const IMPORT_USAGE = `Usage:
  npm run cli -- import households <file.csv> [--all-or-nothing] [--report <file>] [--json] [--connections N]

Imports a registry export (UTF-8 CSV with a header row) into the household registry. Every row is checked;
valid rows are imported and each rejected row is reported by row number and registry number (ID and phone
numbers are never printed). See docs/IMPORT.md.

Options:
  --all-or-nothing   import nothing unless every row is valid
  --report <file>    write the per-row error report to <file> instead of stderr
  --json             print a machine-readable summary on stdout
  --connections N    database connections writing at once (default ${CONNECTIONS}; 1 with --all-or-nothing)

Columns (header in English or Chinese, any order; * = the header must have it):
${COLUMNS.map((c) => {
  const label = primaryLabel(c);
  // Chinese characters take two columns on a terminal.
  const pad = ' '.repeat(Math.max(1, 10 - 2 * label.length));
  return `  ${REQUIRED_COLUMNS.includes(c) ? '*' : ' '} ${c.padEnd(13)}${label}${pad}${COLUMN_HELP[c]}`;
}).join('\n')}

Values (English name or Chinese label):
  category     ${valueList(CATEGORY_LABELS, '               ')}
  status       ${valueList(STATUS_LABELS, '               ')}
  cause        ${valueList(CAUSE_LABELS, '               ')}
  exitReason   ${valueList(EXIT_REASON_LABELS, '               ')}

Rows are rejected when a rule fails, when a village does not exist, and when an ID number or registry number
appears twice in the file or is already in the registry.

Exit status: 0 all rows imported, 1 some rows rejected (the others imported), 2 usage or header error, or
--all-or-nothing rolled back.`;

export interface ImportCommandOptions {
  allOrNothing: boolean;
  /** Path of the report file; stderr when absent. */
  report?: string;
  json: boolean;
  batchSize?: number;
  /** Database connections writing batches at once (1 with allOrNothing). */
  connections?: number;
}

/** Reads just enough of the file to check its header, so that a bad file fails before the database starts. */
async function checkHeaderOf(file: string): Promise<void> {
  const stream = fs.createReadStream(file, { highWaterMark: 64 * 1024 });
  const decoder = new StringDecoder('utf8');
  const parser = new CsvParser();
  let first = true;
  try {
    for await (const chunk of stream) {
      if (first) checkFirstBytes(chunk as Buffer);
      first = false;
      const [record] = parser.push(decoder.write(chunk as Buffer));
      if (record) {
        headerOrThrow(record);
        return;
      }
      if (parser.overflowed) break;
    }
    const [record] = [...parser.push(decoder.end()), ...parser.end()];
    if (!record) throw new ImportError('The file is empty or its header row is unreadable.');
    headerOrThrow(record);
  } finally {
    stream.destroy();
  }
}

function formatRowError(e: ImportRowError): string {
  const where = e.registryNo ? `row ${e.row} (registryNo ${e.registryNo})` : `row ${e.row}`;
  return e.column ? `${where} ${e.column} (${primaryLabel(e.column)}): ${e.message}` : `${where}: ${e.message}`;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** A bar redrawn in place on a terminal; on a pipe or file, a line every few seconds. */
class ProgressDisplay {
  private readonly started = performance.now();
  private last = 0;
  private drawn = false;

  constructor(
    private readonly totalBytes: number,
    private readonly out: NodeJS.WriteStream,
  ) {}

  update(p: ImportProgress, force = false): void {
    const now = performance.now();
    if (!force && now - this.last < (this.out.isTTY ? 200 : 5000)) return;
    this.last = now;
    const share = this.totalBytes > 0 ? Math.min(1, p.bytes / this.totalBytes) : 1;
    const rate = p.rows / Math.max((now - this.started) / 1000, 0.001);
    const text = `${String(Math.floor(share * 100)).padStart(3)}%  ${fmt(p.rows)} rows  ${fmt(rate)} rows/s  ${fmt(p.rejected)} rejected`;
    if (this.out.isTTY) {
      const width = 30;
      const done = Math.round(share * width);
      this.out.write(`\r\x1b[Kimporting [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${text}`);
      this.drawn = true;
    } else {
      this.out.write(`importing: ${text}\n`);
    }
  }

  /** Clears the bar so that other lines can be written to the terminal. */
  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }

  finish(p: ImportProgress): void {
    if (!this.out.isTTY) return;
    this.update(p, true);
    this.out.write('\n');
    this.drawn = false;
  }
}

/** Runs the import command and returns the process exit code. */
export async function runImportCommand(
  file: string,
  options: ImportCommandOptions,
  openDatabase: () => Promise<{ url: string; stop(): Promise<void> }>,
): Promise<number> {
  let size: number;
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch (err) {
    throw new ImportError(`Cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  await checkHeaderOf(file);

  let reportFd: number | undefined;
  if (options.report) {
    try {
      reportFd = fs.openSync(options.report, 'w');
    } catch (err) {
      throw new ImportError(`Cannot write the report to ${options.report}: ${(err as Error).message}`, { cause: err });
    }
  }
  const progress = process.stderr.isTTY || size >= LARGE_FILE_BYTES ? new ProgressDisplay(size, process.stderr) : null;
  const writeReport = (errors: ImportRowError[]) => {
    const text = errors.map(formatRowError).join('\n') + '\n';
    if (reportFd !== undefined) {
      fs.writeSync(reportFd, text);
    } else {
      progress?.clear();
      process.stderr.write(text);
    }
  };

  let summary: ImportSummary;
  try {
    const db = await openDatabase();
    try {
      const count = options.allOrNothing ? 1 : (options.connections ?? CONNECTIONS);
      const clients = Array.from({ length: count }, () => new Client({ connectionString: db.url }));
      try {
        await Promise.all(clients.map((c) => c.connect()));
        const [client, ...moreClients] = clients as [Client, ...Client[]];
        // Chunks of 64 KiB: parsing one takes a few milliseconds, so the connections' answers are never kept waiting.
        summary = await importHouseholds(client, fs.createReadStream(file, { highWaterMark: 64 * 1024 }), {
          allOrNothing: options.allOrNothing,
          batchSize: options.batchSize,
          moreClients,
          onRowErrors: writeReport,
          onProgress: (p) => progress?.update(p),
        });
      } finally {
        await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      }
    } finally {
      await db.stop();
    }
  } finally {
    if (reportFd !== undefined) fs.closeSync(reportFd);
  }
  progress?.finish({ bytes: size, rows: summary.rows, imported: summary.imported, rejected: summary.rejected });

  const code = summary.rolledBack ? 2 : summary.rejected > 0 ? 1 : 0;
  if (options.json) {
    const { errors, ...counts } = summary;
    process.stdout.write(
      JSON.stringify({
        ...counts,
        allOrNothing: options.allOrNothing,
        errorsListed: errors.length,
        errors: errors.map(({ row, registryNo, column, message }) => ({ row, registryNo, column, message })),
      }) + '\n',
    );
  } else {
    const rate = summary.rows / Math.max(summary.seconds, 0.001);
    const where = summary.errorCount === 0 ? '' : options.report ? ` Errors: ${options.report}.` : ' Errors: above.';
    const line = summary.rolledBack
      ? `Nothing imported: ${fmt(summary.rejected)} of ${fmt(summary.rows)} rows were rejected and --all-or-nothing rolled the import back.${where}`
      : `Imported ${fmt(summary.imported)} of ${fmt(summary.rows)} rows, rejected ${fmt(summary.rejected)}, in ${summary.seconds.toFixed(1)} s (${fmt(rate)} rows/s).${where}`;
    process.stdout.write(line + '\n');
  }
  return code;
}
