// `npm run cli -- import households <file.csv>`: the command around importHouseholds (infra/import.ts) — its usage
// text, the header check before the database starts, the progress display, the error report and the summary.
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { Presets, SingleBar } from 'cli-progress';
import { Client } from 'pg';
import { COLUMNS, CsvParser, primaryLabel, REQUIRED_COLUMNS, STATUS_LABELS, type Column } from '../domain/csv';
import { CATEGORY_LABELS, CAUSE_LABELS, EXIT_REASON_LABELS } from '../domain/enums';
import {
  checkFirstBytes,
  CONNECTIONS,
  headerOrThrow,
  ImportError,
  importHouseholds,
  LARGE_FILE_BYTES,
  type ImportProgress,
  type ImportRowError,
  type ImportSummary,
} from './import';
import { readMembersFile } from './import-members';

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
  entryReason: 'why the household entered (NEW_IDENTIFIED, MISSED, RETURNED_TO_POVERTY); optional',
  registeredOn: 'date included, YYYY-MM-DD (YYYY/M/D accepted)',
  exitedOn: 'date exited; needed when EXITED, empty otherwise',
  phone: 'contact phone',
  incomeYear: 'year of `income` (per-capita net income); optional',
  income: 'per-capita net income (人均纯收入) of incomeYear, whole yuan',
  previousIncome: 'per-capita net income of the year before incomeYear; optional',
  foodClothing: '不愁吃穿 met: 是/否 (yes/no); the five indicators come together',
  education: '义务教育有保障: 是/否',
  medical: '基本医疗有保障: 是/否',
  housing: '住房安全有保障: 是/否',
  drinkingWater: '饮水安全有保障: 是/否',
  assessedOn: 'date the indicators were assessed, YYYY-MM-DD; needed with them',
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
  npm run cli -- import households <file.csv> [--members <members.csv>] [--all-or-nothing] [--report <file>] [--json] [--connections N]

Imports a registry export (UTF-8 CSV with a header row) into the household registry. Every row is checked;
valid rows are imported and each rejected row is reported by row number and registry number (ID and phone
numbers are never printed). See docs/IMPORT.md.

Options:
  --all-or-nothing   import nothing unless every row is valid
  --report <file>    write the per-row error report to <file> instead of stderr
  --json             print a machine-readable summary on stdout
  --members <file>   the households' members, one row per member (registryNo, name, relation, idNumber,
                     birthYear, sex, health, schooling, labour); checked whole before anything is written
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
  /** The members file (one row per member, keyed by the household's registry number). */
  members?: string;
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

/** A bar redrawn in place on a terminal (cli-progress); on a pipe or file, a line every few seconds. */
export function progressDisplay(totalBytes: number, out: NodeJS.WriteStream) {
  const started = performance.now();
  const bar = new SingleBar(
    {
      stream: out,
      format: out.isTTY
        ? 'importing [{bar}] {percentage}%  {rows} rows  {rate} rows/s  {rejected} rejected'
        : 'importing: {percentage}%  {rows} rows  {rate} rows/s  {rejected} rejected',
      barCompleteChar: '#',
      barIncompleteChar: '.',
      barsize: 30,
      hideCursor: false,
      clearOnComplete: false,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      fps: 5,
    },
    Presets.legacy,
  );
  const values = (p: ImportProgress) => ({
    rows: fmt(p.rows),
    rejected: fmt(p.rejected),
    rate: fmt(p.rows / Math.max((performance.now() - started) / 1000, 0.001)),
  });
  bar.start(Math.max(totalBytes, 1), 0, values({ bytes: 0, rows: 0, imported: 0, rejected: 0 }));
  return {
    update: (p: ImportProgress) => bar.update(Math.min(p.bytes, totalBytes), values(p)),
    /** Clears the bar's line so that other lines can be written to the terminal. */
    clear: () => {
      if (out.isTTY) out.write('\r\x1b[K');
    },
    finish: (p: ImportProgress) => {
      bar.update(totalBytes, values(p));
      bar.stop();
    },
  };
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
  const members = options.members ? await readMembersFile(options.members) : undefined;
  const membersWritten = new Set<string>();

  let reportFd: number | undefined;
  if (options.report) {
    try {
      reportFd = fs.openSync(options.report, 'w');
    } catch (err) {
      throw new ImportError(`Cannot write the report to ${options.report}: ${(err as Error).message}`, { cause: err });
    }
  }
  const progress = process.stderr.isTTY || size >= LARGE_FILE_BYTES ? progressDisplay(size, process.stderr) : null;
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
          members,
          onMembersWritten: (nos) => nos.forEach((no) => membersWritten.add(no)),
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

  // Members whose household was not imported (rejected, or not in the household file) are not imported either.
  const membersNotImported =
    members && !summary.rolledBack ? [...members.keys()].filter((no) => !membersWritten.has(no)) : [];
  if (membersNotImported.length > 0)
    process.stderr.write(
      `Members of ${membersNotImported.length} household(s) were not imported: their household was rejected or is not in the household file.\n`,
    );
  const code = summary.rolledBack ? 2 : summary.rejected > 0 || membersNotImported.length > 0 ? 1 : 0;
  if (options.json) {
    const { errors, ...counts } = summary;
    process.stdout.write(
      JSON.stringify({
        ...counts,
        ...(members
          ? { householdsWithMembers: membersWritten.size, membersNotImported: membersNotImported.length }
          : {}),
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
