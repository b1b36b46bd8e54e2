import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { makeIdNumber } from '../../domain/idNumber';
import { importHouseholds, uuidV7Source } from '../../infra/import';
import { seedDemoCounty } from '../../infra/seed';
import { buildDemoCounty } from '../../infra/seed-data';
import { createTestDatabase, type TestDatabase } from '../../kit/database';

const root = path.resolve(__dirname, '../..');
const demo = buildDemoCounty();
const VILLAGE = demo.villages[0]!.code;
const OTHER_VILLAGE = demo.villages[1]!.code;
const SEEDED = demo.households[0]!;

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase('jz_import');
  await seedDemoCounty(db.prisma, { demoOfficials: false });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jz-import-test-'));
});
afterAll(async () => {
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Fresh valid ID numbers (born outside the demo county, so none meets a seeded one). */
let idSeq = 0;
function newId(): string {
  const n = idSeq++;
  return makeIdNumber('620523', { y: 1950 + Math.floor(n / 1000), m: 3, d: 15 }, n % 1000);
}

function writeCsv(name: string, lines: string[], eol = '\n'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join(eol) + eol);
  return file;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [require.resolve('tsx/cli'), 'scripts/cli.ts', ...args],
      { cwd: root, env: { ...process.env, DATABASE_URL: db.url } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

const HEADER =
  'registryNo,villageCode,headName,idNumber,size,category,status,cause,exitReason,registeredOn,exitedOn,phone';

/** A query's name as the import issues it: a prepared statement's name, "COPY <table>" for a COPY, else its SQL. */
function queryName(query: unknown): string {
  const q = query as { name?: string; text?: string };
  if (q.name) return q.name;
  const copy = typeof q.text === 'string' ? /^COPY ("\w+")/.exec(q.text) : null;
  return copy ? `COPY ${copy[1]}` : String(query);
}

async function household(registryNo: string) {
  return db.prisma.household.findUnique({ where: { registryNo }, include: { changes: true } });
}

test('imports the valid rows with an IMPORT registry change each, and reports every rejected row by number', async () => {
  const ids = Array.from({ length: 9 }, newId);
  const badCheck = ids[3]!.slice(0, 17) + (ids[3]![17] === '1' ? '2' : '1');
  const phones = ['13812340001', '0938-6512345'];
  const file = writeCsv('mixed.csv', [
    HEADER,
    `T1-1,${VILLAGE},"王, 建国",${ids[0]},4,TARGETED,REGISTERED,ILLNESS,,2014-05-03,,${phones[0]}`,
    `T1-2,${VILLAGE},"李 ""老三""",${ids[1]},2,POLICY_GUARANTEE,EXITED,DISABILITY,REACHED_STANDARD,2014/5/3,2016-12-20,`,
    `T1-3,${OTHER_VILLAGE},"张\n二",${ids[2]},1,,NOT_REGISTERED,,,,,${phones[1]}`,
    `T1-4,${VILLAGE},赵,${badCheck},3,TARGETED,REGISTERED,ILLNESS,,,,`,
    `T1-5,999999999999,钱,${ids[4]},3,TARGETED,REGISTERED,ILLNESS,,,,`,
    `T1-6,${VILLAGE},孙,${ids[5]},3,TARGETED,REGISTERED,,,2014-02-30,,`,
    `T1-7,${VILLAGE},周,${ids[0]},31,TARGETED,REGISTERED,ILLNESS,,,,`,
    `T1-1,${VILLAGE},吴,${ids[6]},3,TARGETED,REGISTERED,ILLNESS,,,,`,
    `${SEEDED.registryNo},${VILLAGE},郑,${SEEDED.idNumber},3,TARGETED,REGISTERED,ILLNESS,,,,`,
    `T1-10,${VILLAGE},冯,${ids[7]},${ids[7]},TARGETED,REGISTERED,ILLNESS,,,,${phones[0]}`,
    ',,,,,,,,,,,',
  ]);

  const run = await cli('import', 'households', file, '--json');
  expect(run.code).toBe(1);
  const summary = JSON.parse(run.stdout);
  expect(summary).toMatchObject({ rows: 10, imported: 3, rejected: 7, rolledBack: false, allOrNothing: false });
  expect(summary.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
    [5, 'idNumber'],
    [6, 'villageCode'],
    [7, 'registeredOn'],
    [7, 'cause'],
    [8, 'size'],
    [8, 'idNumber'],
    [9, 'registryNo'],
    [10, 'idNumber'],
    [10, 'registryNo'],
    [11, 'size'],
  ]);
  expect(summary.errorCount).toBe(10);
  const byRow = (row: number) => summary.errors.filter((e: { row: number }) => e.row === row);
  expect(byRow(5)[0]).toEqual({
    row: 5,
    registryNo: 'T1-4',
    column: 'idNumber',
    message: 'the check character does not match (a typing error?)',
  });
  expect(byRow(6)[0].message).toBe(`no village with code "999999999999"`);
  expect(byRow(8)[1].message).toBe('same ID number as row 2');
  expect(byRow(9)[0].message).toBe('same registry number as row 2');
  expect(byRow(10)[0].message).toBe(`this ID number is already in the registry (household ${SEEDED.registryNo})`);
  expect(byRow(10)[1].message).toBe('this registry number is already in the registry');

  // The report on stderr: one line per problem, rows named by number and registry number.
  expect(run.stderr).toContain('row 5 (registryNo T1-4) idNumber (身份证号): the check character does not match');
  expect(run.stderr).toContain('row 7 (registryNo T1-6) cause (致贫原因): missing: REGISTERED households need one');

  const first = await household('T1-1');
  expect(first).toMatchObject({
    villageCode: VILLAGE,
    headName: '王, 建国',
    idNumber: ids[0],
    phone: phones[0],
    size: 4,
    category: 'TARGETED',
    status: 'REGISTERED',
    cause: 'ILLNESS',
    exitReason: null,
    registeredOn: new Date('2014-05-03T00:00:00Z'),
    exitedOn: null,
  });
  expect(first!.changes).toEqual([
    expect.objectContaining({
      source: 'IMPORT',
      action: 'IMPORT',
      fromStatus: null,
      toStatus: 'REGISTERED',
      toCategory: 'TARGETED',
      cause: 'ILLNESS',
      roundId: null,
      proposalId: null,
    }),
  ]);
  expect(await household('T1-2')).toMatchObject({
    headName: '李 "老三"',
    status: 'EXITED',
    exitReason: 'REACHED_STANDARD',
    registeredOn: new Date('2014-05-03T00:00:00Z'),
    exitedOn: new Date('2016-12-20T00:00:00Z'),
    changes: [expect.objectContaining({ toStatus: 'EXITED', exitReason: 'REACHED_STANDARD' })],
  });
  expect(await household('T1-3')).toMatchObject({
    headName: '张\n二',
    villageCode: OTHER_VILLAGE,
    status: 'NOT_REGISTERED',
    category: null,
    changes: [expect.objectContaining({ toStatus: 'NOT_REGISTERED' })],
  });
  for (const r of ['T1-4', 'T1-5', 'T1-6', 'T1-7', 'T1-10']) expect(await household(r)).toBeNull();
  // The seeded household is untouched.
  expect(await household(SEEDED.registryNo)).toMatchObject({ headName: SEEDED.headName, changes: [] });

  // No ID number or phone of the file appears in anything the command printed.
  const printed = run.stdout + run.stderr;
  for (const secret of [...ids, badCheck, SEEDED.idNumber, ...phones]) expect(printed).not.toContain(secret);

  // Importing the same file again: the rows already in the registry are refused, nothing changes.
  const again = await cli('import', 'households', file, '--json');
  expect(again.code).toBe(1);
  expect(JSON.parse(again.stdout)).toMatchObject({ rows: 10, imported: 0, rejected: 10 });
  expect(JSON.parse(again.stdout).errors).toContainEqual({
    row: 2,
    registryNo: 'T1-1',
    column: 'idNumber',
    message: 'this ID number is already in the registry (household T1-1)',
  });
  expect(await db.prisma.registryChange.count({ where: { household: { registryNo: { startsWith: 'T1-' } } } })).toBe(3);
});

test('Chinese headers and labels, a byte-order mark and CRLF line ends import', async () => {
  const ids = [newId(), newId()];
  const file = writeCsv(
    'chinese.csv',
    [
      '\uFEFF户主姓名,户编号,村代码,身份证号,家庭人口,户类别,状态,致贫原因,退出原因,纳入日期,退出日期,联系电话',
      `马六,T2-1,${VILLAGE},${ids[0]},5,巩固提升户,已纳入,因学,,2014-06-01,,`,
      `何七,T2-2,${VILLAGE},${ids[1]!.toLowerCase()},3,精准扶贫户,已退出,缺资金,不符合条件,2014-06-01,2015-12-01,13912345678`,
    ],
    '\r\n',
  );
  const run = await cli('import', 'households', file);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout).toMatch(/^Imported 2 of 2 rows, rejected 0, in [\d.]+ s \([\d,]+ rows\/s\)\.\n$/);
  expect(await household('T2-1')).toMatchObject({
    headName: '马六',
    category: 'CONSOLIDATION',
    status: 'REGISTERED',
    cause: 'SCHOOLING',
  });
  expect(await household('T2-2')).toMatchObject({
    idNumber: ids[1]!.toUpperCase(),
    category: 'TARGETED',
    status: 'EXITED',
    cause: 'LACK_OF_FUNDS',
    exitReason: 'WRONGLY_INCLUDED',
  });
});

test('--all-or-nothing writes nothing when one row is bad, and everything when all are good', async () => {
  const ids = [newId(), newId(), newId()];
  const rows = [
    `T3-1,${VILLAGE},甲,${ids[0]},2,TARGETED,REGISTERED,ILLNESS,,,,`,
    `T3-2,${VILLAGE},乙,${ids[1]},2,TARGETED,REGISTERED,ILLNESS,,,,`,
  ];
  const bad = writeCsv('aon-bad.csv', [HEADER, ...rows, `T3-3,${VILLAGE},丙,${ids[2]},2,TARGETED,REGISTERED,,,,,`]);
  const changesBefore = await db.prisma.registryChange.count();

  const refused = await cli('import', 'households', bad, '--all-or-nothing');
  expect(refused.code).toBe(2);
  expect(refused.stdout).toBe(
    'Nothing imported: 1 of 3 rows were rejected and --all-or-nothing rolled the import back. Errors: above.\n',
  );
  expect(refused.stderr).toContain('row 4 (registryNo T3-3) cause (致贫原因): missing');
  expect(await db.prisma.household.count({ where: { registryNo: { startsWith: 'T3-' } } })).toBe(0);
  expect(await db.prisma.registryChange.count()).toBe(changesBefore);

  const json = await cli('import', 'households', bad, '--all-or-nothing', '--json');
  expect(json.code).toBe(2);
  expect(JSON.parse(json.stdout)).toMatchObject({ rows: 3, imported: 0, rejected: 1, rolledBack: true });

  const good = writeCsv('aon-good.csv', [HEADER, ...rows]);
  const accepted = await cli('import', 'households', good, '--all-or-nothing', '--json');
  expect(accepted.code).toBe(0);
  expect(JSON.parse(accepted.stdout)).toMatchObject({ rows: 2, imported: 2, rejected: 0, rolledBack: false });
  expect(await db.prisma.household.count({ where: { registryNo: { startsWith: 'T3-' } } })).toBe(2);
  expect(await db.prisma.registryChange.count()).toBe(changesBefore + 2);
});

test('--report writes the per-row report to a file instead of stderr', async () => {
  const id = newId();
  const file = writeCsv('report.csv', [HEADER, `T4-1,${VILLAGE},甲,${id},0,TARGETED,REGISTERED,ILLNESS,,,,`]);
  const report = path.join(dir, 'report.txt');
  const run = await cli('import', 'households', file, '--report', report);
  expect(run.code).toBe(1);
  expect(run.stderr).toBe('');
  expect(run.stdout).toContain(`Errors: ${report}.`);
  expect(fs.readFileSync(report, 'utf8')).toBe(
    'row 2 (registryNo T4-1) size (家庭人口): must be a whole number from 1 to 30; got "0"\n',
  );
});

test('a bad header, a missing file or a missing argument stop before anything is imported', async () => {
  const id = newId();
  const unknown = writeCsv('unknown.csv', [
    'registryNo,villageCode,headName,idNumber,size,status,remarks',
    `T5-1,${VILLAGE},甲,${id},2,NOT_REGISTERED,x`,
  ]);
  const run = await cli('import', 'households', unknown);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('unknown column "remarks"');
  expect(run.stdout).toBe('');
  expect(await household('T5-1')).toBeNull();

  const noHeader = writeCsv('no-header.csv', [`T5-2,${VILLAGE},甲,${id},2,NOT_REGISTERED`]);
  const headerless = await cli('import', 'households', noHeader);
  expect(headerless.code).toBe(2);
  expect(headerless.stderr).toContain('is the header row missing?');
  expect(headerless.stderr).not.toContain(id);

  const missing = await cli('import', 'households', path.join(dir, 'nope.csv'));
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain('Cannot read');

  const workbook = path.join(dir, 'book.xlsx');
  fs.writeFileSync(workbook, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
  expect(await cli('import', 'households', workbook)).toMatchObject({
    code: 2,
    stderr: expect.stringContaining('Excel workbook'),
  });

  expect(await cli('import', 'households')).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage') });
  const help = await cli('import', 'households', '--help');
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('身份证号');
});

describe('importHouseholds in batches', () => {
  let client: Client;
  beforeAll(async () => {
    client = new Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });

  const source = (lines: string[]) => Readable.from([Buffer.from(lines.join('\n') + '\n')]);

  it('finds duplicates across batches and against the registry, and reports in row order', async () => {
    const ids = Array.from({ length: 40 }, newId);
    const lines = [HEADER, ...ids.map((id, i) => `T6-${i},${VILLAGE},甲,${id},2,TARGETED,REGISTERED,ILLNESS,,,,`)];
    lines[30] = `T6-X,${VILLAGE},乙,${ids[3]},2,TARGETED,REGISTERED,ILLNESS,,,,`; // same ID as row 5
    lines[35] = `T4-1-again,${VILLAGE},丙,${SEEDED.idNumber},2,TARGETED,REGISTERED,ILLNESS,,,,`;
    lines[38] = `T6-37,${VILLAGE},丁,${ids[37]},0,TARGETED,REGISTERED,ILLNESS,,,,`;
    const reported: number[] = [];
    const summary = await importHouseholds(client, source(lines), {
      batchSize: 7,
      onRowErrors: (errors) => reported.push(...errors.map((e) => e.row)),
    });
    expect(summary).toMatchObject({ rows: 40, imported: 37, rejected: 3, errorCount: 3, rolledBack: false });
    expect(summary.errors.map((e) => [e.row, e.column, e.message])).toEqual([
      [31, 'idNumber', 'same ID number as row 5'],
      [36, 'idNumber', `this ID number is already in the registry (household ${SEEDED.registryNo})`],
      [39, 'size', 'must be a whole number from 1 to 30; got "0"'],
    ]);
    expect(reported).toEqual([31, 36, 39]);
    expect(await db.prisma.household.count({ where: { registryNo: { startsWith: 'T6-' } } })).toBe(37);
    expect(await db.prisma.registryChange.count({ where: { household: { registryNo: { startsWith: 'T6-' } } } })).toBe(
      37,
    );
  });

  it("stores names exactly, COPY's special characters included", async () => {
    const names = ['王\\建国', '李\\N', '\\N', '张\t三', '赵\r\n四', '钱\\t五'];
    const ids = names.map(() => newId());
    const cell = (v: string) => `"${v}"`;
    const lines = [
      HEADER,
      ...names.map((n, i) => `T13-${i},${VILLAGE},${cell(n)},${ids[i]},2,TARGETED,REGISTERED,ILLNESS,,,,`),
      `"T13-\\N",${VILLAGE},孙,${newId()},2,TARGETED,REGISTERED,ILLNESS,,,,`,
    ];
    const summary = await importHouseholds(client, source(lines), {});
    expect(summary).toMatchObject({ rows: names.length + 1, imported: names.length + 1, rejected: 0 });
    for (const [i, name] of names.entries()) expect((await household(`T13-${i}`))?.headName).toBe(name);
    expect((await household('T13-\\N'))?.headName).toBe('孙');
  });

  it('writes batches on several connections at once and still reports them in file order', async () => {
    const more = [new Client({ connectionString: db.url }), new Client({ connectionString: db.url })];
    await Promise.all(more.map((c) => c.connect()));
    try {
      const ids = Array.from({ length: 60 }, newId);
      const lines = [HEADER, ...ids.map((id, i) => `T14-${i},${VILLAGE},甲,${id},2,TARGETED,REGISTERED,ILLNESS,,,,`)];
      lines[4] = `T14-3,${VILLAGE},乙,${SEEDED.idNumber},2,TARGETED,REGISTERED,ILLNESS,,,,`; // in the registry
      lines[25] = `T14-24,${VILLAGE},丙,${ids[24]},0,TARGETED,REGISTERED,ILLNESS,,,,`; // bad size
      lines[58] = `T14-57,999999999999,丁,${ids[57]},2,TARGETED,REGISTERED,ILLNESS,,,,`; // no such village
      const reported: number[] = [];
      const progress: number[] = [];
      const summary = await importHouseholds(client, source(lines), {
        batchSize: 4,
        moreClients: more,
        onRowErrors: (errors) => reported.push(...errors.map((e) => e.row)),
        onProgress: (p) => progress.push(p.imported + p.rejected),
      });
      expect(summary).toMatchObject({ rows: 60, imported: 57, rejected: 3, rolledBack: false });
      expect(reported).toEqual([5, 26, 59]);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(await db.prisma.household.count({ where: { registryNo: { startsWith: 'T14-' } } })).toBe(57);
      expect(
        await db.prisma.registryChange.count({ where: { household: { registryNo: { startsWith: 'T14-' } } } }),
      ).toBe(57);
    } finally {
      await Promise.all(more.map((c) => c.end()));
    }
  });

  it('stops at a database failure on one connection while others write, and leaves no query running', async () => {
    const other = new Client({ connectionString: db.url });
    await other.connect();
    const broken = {
      query: (...args: unknown[]) => {
        // The database refuses this connection's history rows: a COPY into a table that is not there.
        const query =
          queryName(args[0]) === 'COPY "RegistryChange"' ? copyFrom('COPY "NoSuchTable" FROM STDIN') : args[0];
        return (other.query as (...a: unknown[]) => unknown)(query, ...args.slice(1));
      },
    } as unknown as Client;
    try {
      const ids = Array.from({ length: 40 }, newId);
      const lines = [HEADER, ...ids.map((id, i) => `T15-${i},${VILLAGE},甲,${id},2,TARGETED,REGISTERED,ILLNESS,,,,`)];
      await expect(importHouseholds(client, source(lines), { batchSize: 4, moreClients: [broken] })).rejects.toThrow(
        'relation "NoSuchTable" does not exist',
      );
      // Both connections are free again: nothing of the failed batch was kept, and each still answers.
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      expect((await other.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      const kept = await db.prisma.household.count({ where: { registryNo: { startsWith: 'T15-' } } });
      const changes = await db.prisma.registryChange.count({
        where: { household: { registryNo: { startsWith: 'T15-' } } },
      });
      expect(kept).toBe(changes);
      expect(kept).toBeLessThan(40);
    } finally {
      await other.end();
    }
  });

  it('a rejected row still claims its keys: a later row with the same ones is not imported in its place', async () => {
    const id = newId();
    const lines = [
      HEADER,
      `T9-1,${VILLAGE},甲,${id},0,TARGETED,REGISTERED,ILLNESS,,,,`,
      `T9-1,${VILLAGE},甲,${id},2,TARGETED,REGISTERED,ILLNESS,,,,`,
    ];
    const summary = await importHouseholds(client, source(lines), {});
    expect(summary).toMatchObject({ rows: 2, imported: 0, rejected: 2 });
    expect(summary.errors.map((e) => [e.row, e.column, e.message])).toEqual([
      [2, 'size', 'must be a whole number from 1 to 30; got "0"'],
      [3, 'idNumber', 'same ID number as row 2'],
      [3, 'registryNo', 'same registry number as row 2'],
    ]);
  });

  it('rows already in the registry, and a key another writer takes meanwhile, are found and the rest imported', async () => {
    const ids = [newId(), newId(), newId()];
    const lines = [
      HEADER,
      `T10-0,${VILLAGE},甲,${ids[0]},2,TARGETED,REGISTERED,ILLNESS,,,,`,
      `T10-1,${VILLAGE},乙,${SEEDED.idNumber},2,TARGETED,REGISTERED,ILLNESS,,,,`,
      `T10-2,${VILLAGE},丙,${ids[1]},2,TARGETED,REGISTERED,ILLNESS,,,,`,
      `T10-3,${VILLAGE},丁,${ids[2]},2,TARGETED,REGISTERED,ILLNESS,,,,`,
    ];
    const queries: string[] = [];
    const racing = {
      query: (...args: unknown[]) => {
        const name = queryName(args[0]);
        queries.push(name);
        const result = (client.query as (...a: unknown[]) => unknown)(...args);
        if (name !== 'jz-import-existing' || queries.slice(0, -1).includes(name)) return result;
        // Right after the first check: another writer registers row 4's head.
        return (result as Promise<unknown>).then(async (rows) => {
          await db.prisma.household.create({
            data: {
              registryNo: 'T10-other',
              villageCode: VILLAGE,
              headName: '他',
              idNumber: ids[1]!,
              size: 1,
              status: 'NOT_REGISTERED',
            },
          });
          return rows;
        });
      },
    } as unknown as Client;
    const summary = await importHouseholds(racing, source(lines), {});
    expect(summary).toMatchObject({ rows: 4, imported: 2, rejected: 2 });
    expect(summary.errors.map((e) => [e.row, e.column, e.message])).toEqual([
      [3, 'idNumber', `this ID number is already in the registry (household ${SEEDED.registryNo})`],
      [4, 'idNumber', 'this ID number is already in the registry (household T10-other)'],
    ]);
    // Insert refused, checked, insert refused again (the race), checked again, inserted.
    expect(queries.filter((q) => q === 'jz-import-existing' || q === 'COPY "Household"')).toEqual([
      'COPY "Household"',
      'jz-import-existing',
      'COPY "Household"',
      'jz-import-existing',
      'COPY "Household"',
    ]);
    expect(await household('T10-0')).not.toBeNull();
    expect(await household('T10-3')).not.toBeNull();
    expect(await household('T10-1')).toBeNull();
    expect(await household('T10-2')).toBeNull();
  });

  it('checks no batch against the registry when the inserts go through', async () => {
    const ids = Array.from({ length: 12 }, newId);
    const lines = [HEADER, ...ids.map((id, i) => `T11-${i},${VILLAGE},甲,${id},2,TARGETED,REGISTERED,ILLNESS,,,,`)];
    const queries: string[] = [];
    const counting = {
      query: (...args: unknown[]) => {
        queries.push(queryName(args[0]));
        return (client.query as (...a: unknown[]) => unknown)(...args);
      },
    } as unknown as Client;
    const summary = await importHouseholds(counting, source(lines), { batchSize: 5 });
    expect(summary).toMatchObject({ rows: 12, imported: 12, rejected: 0 });
    expect(queries.filter((q) => q === 'jz-import-existing')).toEqual([]);
    expect(queries.filter((q) => q === 'COPY "Household"')).toHaveLength(3);
    expect(queries.filter((q) => q === 'COPY "RegistryChange"')).toHaveLength(3);
  });

  it('--all-or-nothing rolls back batches already written when a later one has a bad row', async () => {
    const ids = Array.from({ length: 20 }, newId);
    const lines = [HEADER, ...ids.map((id, i) => `T7-${i},${VILLAGE},甲,${id},2,TARGETED,REGISTERED,ILLNESS,,,,`)];
    lines[19] = `T7-18,${VILLAGE},乙,${ids[18]},2,TARGETED,REGISTERED,ILLNESS,,2999-01-01,,`;
    const summary = await importHouseholds(client, source(lines), { batchSize: 5, allOrNothing: true });
    expect(summary).toMatchObject({ rows: 20, imported: 0, rejected: 1, rolledBack: true });
    expect(summary.errors).toEqual([
      { row: 20, registryNo: 'T7-18', column: 'registeredOn', message: '2999-01-01 is in the future' },
    ]);
    expect(await db.prisma.household.count({ where: { registryNo: { startsWith: 'T7-' } } })).toBe(0);
  });

  it('--all-or-nothing finds a row already in the registry inside its savepoint and writes nothing', async () => {
    const ids = Array.from({ length: 6 }, newId);
    const lines = [HEADER, ...ids.map((id, i) => `T12-${i},${VILLAGE},甲,${id},2,TARGETED,REGISTERED,ILLNESS,,,,`)];
    lines[4] = `T12-3,${VILLAGE},乙,${SEEDED.idNumber},2,TARGETED,REGISTERED,ILLNESS,,,,`;
    lines[6] = `${SEEDED.registryNo},${VILLAGE},丙,${ids[5]},2,TARGETED,REGISTERED,ILLNESS,,,,`;
    const summary = await importHouseholds(client, source(lines), { batchSize: 2, allOrNothing: true });
    expect(summary).toMatchObject({ rows: 6, imported: 0, rejected: 2, rolledBack: true });
    expect(summary.errors.map((e) => [e.row, e.column])).toEqual([
      [5, 'idNumber'],
      [7, 'registryNo'],
    ]);
    expect(await db.prisma.household.count({ where: { registryNo: { startsWith: 'T12-' } } })).toBe(0);
  });

  it('stops at a quote that is never closed, keeping the rows before it', async () => {
    const ids = [newId(), newId()];
    const text = [
      HEADER,
      `T8-1,${VILLAGE},甲,${ids[0]},2,TARGETED,REGISTERED,ILLNESS,,,,`,
      `T8-2,${VILLAGE},"乙,${ids[1]},2,TARGETED,REGISTERED,ILLNESS,,,,`,
      ...Array.from({ length: 3000 }, () => 'x'.repeat(30)),
    ].join('\n');
    const summary = await importHouseholds(client, Readable.from([Buffer.from(text)]), {});
    expect(summary).toMatchObject({ rows: 2, imported: 1, rejected: 1 });
    expect(summary.errors[0]).toMatchObject({ row: 3, column: null });
    expect(summary.errors[0]!.message).toMatch(/never closed\?\); the rest of the file was not read$/);
  });
});

test('uuidV7Source hands out increasing version-7 UUIDs, also within one millisecond', () => {
  const next = uuidV7Source(() => 1_700_000_000_000);
  const ids = Array.from({ length: 5000 }, next);
  expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(
    true,
  );
  expect(ids.every((id, i) => i === 0 || ids[i - 1]! < id)).toBe(true);
  expect(ids[0]!.startsWith('018bcfe5-6800-7000')).toBe(true);
});
