// npx tsx bench/import.ts [rows] [rounds]   (defaults: 1,000,000 rows, 1 round)
//
// Times the registry import (`npm run cli -- import households`, run as the CLI child process it is in real use)
// against PostgreSQL's COPY of the same households (psql \copy), each into its own fresh database seeded with the
// demo county. Prints rows/s of both and their ratio; with several rounds (the order alternating), each ratio and
// their median, since a shared machine's load can swing one measurement several-fold. Needs the PostgreSQL the
// tests use (TEST_DATABASE_URL, else the local server on 5432) and psql on PATH. BENCH_KEEP=1 keeps the databases
// and files.

import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CATEGORIES, CAUSES, type Category, type Cause } from '../domain/enums';
import { makeIdNumber } from '../domain/idNumber';
import { uuidV7Source } from '../infra/import';
import { seedDemoCounty } from '../infra/seed';
import { buildDemoCounty } from '../infra/seed-data';
import { createTestDatabase, type TestDatabase } from '../kit/database';
import { HOUSEHOLD_COLUMNS } from '../domain/csv';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..');

interface Row {
  registryNo: string;
  villageCode: string;
  headName: string;
  idNumber: string;
  size: number;
  category: Category | '';
  status: string;
  cause: Cause | '';
  entryReason: string;
  exitReason: string;
  registeredOn: string;
  exitedOn: string;
  phone: string;
}

const SURNAMES = Array.from('王李张刘陈杨赵黄周吴马何胡郭高罗');
const GIVEN = Array.from('建国志强明军平文华学成福德海忠仁义宝生林祥贵秀英兰芳梅');
// Birthplaces outside the demo county (620522), so no synthetic ID number meets a seeded one.
const DIVISIONS = ['620521', '620523', '620524', '620525'];

/** Row i of the synthetic registry: valid, unique ID numbers and registry numbers, a realistic mix of statuses. */
function syntheticRow(i: number, villages: string[]): Row {
  const villageCode = villages[i % villages.length] as string;
  // (division, birth day, sequence) is unique for i < 4 * 20,000 * 1000.
  const division = DIVISIONS[i % 4] as string;
  const j = Math.floor(i / 4);
  const birth = new Date(Date.UTC(1940, 0, 1) + Math.floor(j / 1000) * 86_400_000);
  const idNumber = makeIdNumber(
    division,
    { y: birth.getUTCFullYear(), m: birth.getUTCMonth() + 1, d: birth.getUTCDate() },
    j % 1000,
  );
  const roll = (i * 7919) % 100;
  const status = roll < 70 ? 'REGISTERED' : roll < 90 ? 'EXITED' : 'NOT_REGISTERED';
  const registered = status !== 'NOT_REGISTERED';
  return {
    registryNo: `${villageCode}-B${String(i).padStart(7, '0')}`,
    villageCode,
    headName: `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i >> 4) % GIVEN.length]}${GIVEN[(i >> 9) % GIVEN.length]}`,
    idNumber,
    size: 1 + (i % 7),
    category: registered ? (CATEGORIES[i % 3] as Category) : '',
    status,
    cause: registered ? (CAUSES[i % CAUSES.length] as Cause) : '',
    entryReason: registered ? 'NEW_IDENTIFIED' : '',
    exitReason: status === 'EXITED' ? 'REACHED_STANDARD' : '',
    registeredOn: registered
      ? `2014-${String(4 + (i % 7)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`
      : '',
    exitedOn: status === 'EXITED' ? `${2015 + (i % 3)}-12-${String(1 + (i % 28)).padStart(2, '0')}` : '',
    phone: i % 2 === 0 ? `13${String(100_000_000 + i).padStart(9, '0')}` : '',
  };
}

async function writeLines(file: string, count: number, header: string, line: (i: number) => string): Promise<void> {
  const out = fs.createWriteStream(file);
  out.write(header + '\n');
  const CHUNK = 10_000;
  for (let start = 0; start < count; start += CHUNK) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(count, start + CHUNK); i++) lines.push(line(i));
    if (!out.write(lines.join('\n') + '\n')) await new Promise<void>((resolve) => out.once('drain', resolve));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

async function count(db: TestDatabase, table: string): Promise<number> {
  const rows = await db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${table}"`);
  return rows[0]?.n ?? 0;
}

function runCli(url: string, file: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [require.resolve('tsx/cli'), 'scripts/cli.ts', 'import', 'households', file, '--json'],
      { cwd: root, env: { ...process.env, DATABASE_URL: url }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout }));
  });
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

interface Measurement {
  seconds: number;
  /** The CLI's own timing (without process start-up and migration check), for the import. */
  innerSeconds?: number;
  /** 1-minute load average when the measurement started: this machine may be shared. */
  load: number;
}

/** A fresh database seeded with the demo county; returns it and how many households the seed wrote. */
async function freshDatabase(prefix: string): Promise<{ db: TestDatabase; seeded: number }> {
  const db = await createTestDatabase(prefix);
  await seedDemoCounty(db.prisma, { demoOfficials: false });
  return { db, seeded: await count(db, 'Household') };
}

async function done(db: TestDatabase): Promise<void> {
  if (process.env.BENCH_KEEP === '1') {
    console.log(`  kept ${db.url}`);
    await db.prisma.$disconnect();
  } else {
    await db.drop();
  }
}

async function measureImport(file: string, rows: number): Promise<Measurement> {
  const { db, seeded } = await freshDatabase('jz_bench_import');
  try {
    const load = os.loadavg()[0] as number;
    const t = performance.now();
    const cli = await runCli(db.url, file);
    const seconds = (performance.now() - t) / 1000;
    if (cli.code !== 0) throw new Error(`the import exited with ${cli.code}: ${cli.stdout.slice(0, 2000)}`);
    const summary = JSON.parse(cli.stdout) as { imported: number; seconds: number };
    const imported = (await count(db, 'Household')) - seeded;
    const changes = await count(db, 'RegistryChange');
    if (summary.imported !== rows || imported !== rows || changes !== rows) {
      throw new Error(
        `expected ${rows} imported, got ${summary.imported} (${imported} households, ${changes} changes)`,
      );
    }
    return { seconds, innerSeconds: summary.seconds, load };
  } finally {
    await done(db);
  }
}

async function measureCopy(file: string, rows: number): Promise<Measurement> {
  const { db, seeded } = await freshDatabase('jz_bench_copy');
  try {
    const sql =
      `\\copy "Household" (${['id', ...HOUSEHOLD_COLUMNS, 'updatedAt'].map((c) => `"${c}"`).join(', ')}) ` +
      `FROM '${file}' WITH (FORMAT csv, HEADER true, NULL '')`;
    const load = os.loadavg()[0] as number;
    const t = performance.now();
    await run('psql', [db.url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql]);
    const seconds = (performance.now() - t) / 1000;
    const copied = (await count(db, 'Household')) - seeded;
    if (copied !== rows) throw new Error(`COPY loaded ${copied} rows, expected ${rows}`);
    return { seconds, load };
  } finally {
    await done(db);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const rounds = Number(process.argv[3] ?? 1);
  if (!Number.isInteger(rows) || rows < 1 || rows > 80_000_000) throw new Error('rows must be 1..80,000,000');
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('rounds must be a positive whole number');
  const villages = buildDemoCounty().villages.map((v) => v.code);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jz-bench-import-'));
  const csvFile = path.join(dir, 'households.csv');
  const copyFile = path.join(dir, 'households-copy.csv');

  console.log(`Generating ${fmt(rows)} households in ${dir} ...`);
  const csv = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  await writeLines(csvFile, rows, HOUSEHOLD_COLUMNS.join(','), (i) => {
    const r = syntheticRow(i, villages);
    return HOUSEHOLD_COLUMNS.map((c) => csv(String(r[c]))).join(',');
  });
  // COPY gets the same rows plus what the import fills in itself: the id (the same time-ordered kind, so that
  // neither side gets cheaper primary-key inserts than the other) and updatedAt.
  const now = new Date().toISOString();
  const nextId = uuidV7Source();
  await writeLines(copyFile, rows, ['id', ...HOUSEHOLD_COLUMNS, 'updatedAt'].join(','), (i) => {
    const r = syntheticRow(i, villages);
    return [nextId(), ...HOUSEHOLD_COLUMNS.map((c) => csv(String(r[c]))), now].join(',');
  });
  const mb = fs.statSync(csvFile).size / 1024 / 1024;
  console.log(`CSV: ${fmt(mb, 1)} MiB; ${os.cpus().length} CPUs`);

  const line = (name: string, m: Measurement, seconds = m.seconds) =>
    `  ${name.padEnd(38)} ${fmt(seconds, 2).padStart(8)} s ${fmt(rows / seconds).padStart(9)} rows/s   load ${fmt(m.load, 1)}`;
  const ratios: number[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      // Alternate the order, so that a machine getting busier or quieter favours neither side.
      const copyFirst = round % 2 === 0;
      console.log(`Round ${round}/${rounds}: ${copyFirst ? 'COPY, then the import' : 'the import, then COPY'} ...`);
      const copy1 = copyFirst ? await measureCopy(copyFile, rows) : undefined;
      const imported = await measureImport(csvFile, rows);
      const copy = copy1 ?? (await measureCopy(copyFile, rows));
      const ratio = copy.seconds / imported.seconds;
      ratios.push(ratio);
      console.log(line('import, CLI end to end', imported));
      console.log(line('import, inside the CLI', imported, imported.innerSeconds));
      console.log(line('COPY via psql \\copy (Household only)', copy));
      console.log(`  ratio import/COPY (rows/s): ${fmt(ratio, 2)}`);
    }
  } finally {
    if (process.env.BENCH_KEEP === '1') console.log(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log('');
  console.log(
    `${fmt(rows)} households (${fmt(mb, 1)} MiB CSV): ratio import/COPY ${ratios.map((r) => fmt(r, 2)).join(', ')}; ` +
      `median ${fmt(median(ratios), 2)} (goal: at least 0.50)`,
  );
  console.log('The import also checks every row and writes one RegistryChange row per household.');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
