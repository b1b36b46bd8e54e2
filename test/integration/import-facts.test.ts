// `npm run cli -- import households` with the households' facts: income and indicator columns in the household file,
// members in their own file (--members), on a real PostgreSQL. Valid rows come in with their facts and an IMPORT
// entry in the facts' history (ID numbers masked); bad facts reject the row by number and column; a bad members file
// stops the import before anything is written.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeIdNumber, maskIdNumber } from '../../domain/idNumber';
import { seedDemoCounty } from '../../infra/seed';
import { buildDemoCounty } from '../../infra/seed-data';
import { createTestDatabase, type TestDatabase } from '../../kit/database';

const root = path.resolve(__dirname, '../..');
const VILLAGE = buildDemoCounty().villages[0]!.code;

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase('jz_import_facts');
  await seedDemoCounty(db.prisma, { demoOfficials: false });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jz-import-facts-'));
});
afterAll(async () => {
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
/** A fresh valid ID number (born outside the demo county), male or female by the sequence's last digit. */
function newId(year: number, female = false): string {
  seq += 1;
  return makeIdNumber('620523', { y: year, m: 4, d: 9 }, seq * 2 + (female ? 0 : 1));
}

function writeCsv(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
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
  'registryNo,villageCode,headName,idNumber,size,category,status,cause,registeredOn,' +
  'incomeYear,income,previousIncome,foodClothing,education,medical,housing,drinkingWater,assessedOn';
const MEMBERS_HEADER = '户编号,姓名,与户主关系,身份证号,出生年份,性别,健康状况,文化程度,劳动能力';

test('imports each household with its members, incomes and indicators, recorded in its history as IMPORT', async () => {
  const [a, b, c] = [newId(1970), newId(1980, true), newId(1975)];
  const spouse = newId(1972, true);
  const households = writeCsv('households.csv', [
    HEADER,
    `F-1,${VILLAGE},王甲,${a},2,TARGETED,REGISTERED,ILLNESS,2020-05-01,2020,3100,3500,是,是,否,是,是,2020-11-20`,
    `F-2,${VILLAGE},李乙,${b},1,TARGETED,REGISTERED,DISABILITY,2020-05-01,,,,,,,,,`,
    // Income below zero and an indicator that is neither yes nor no: the row is rejected, named by number and column.
    `F-3,${VILLAGE},张丙,${c},1,TARGETED,REGISTERED,ILLNESS,2020-05-01,2020,-5,,是,也许,是,是,是,2020-11-20`,
  ]);
  const members = writeCsv('members.csv', [
    MEMBERS_HEADER,
    `F-1,王甲,户主,${a},1970,男,患有大病,小学,弱劳动力或半劳动力`,
    `F-1,赵氏,SPOUSE,${spouse},1972,FEMALE,HEALTHY,JUNIOR_SECONDARY,FULL`,
    `F-2,李乙,户主,,1980,女,残疾,初中,无劳动力`,
  ]);
  const run = await cli('import', 'households', households, '--members', members, '--json');
  expect(run.code).toBe(1);
  const summary = JSON.parse(run.stdout);
  expect(summary).toMatchObject({ rows: 3, imported: 2, rejected: 1, householdsWithMembers: 2, membersNotImported: 0 });
  expect(summary.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
    [4, 'income'],
    [4, 'education'],
  ]);
  expect(run.stderr + run.stdout).not.toContain(c);

  const first = await db.prisma.household.findUniqueOrThrow({
    where: { registryNo: 'F-1' },
    include: {
      members: { orderBy: { seq: 'asc' } },
      incomes: { orderBy: { year: 'asc' } },
      indicators: true,
      factChanges: true,
    },
  });
  expect(first.members.map((m) => [m.seq, m.name, m.relation, m.idNumber, m.health])).toEqual([
    [1, '王甲', 'HEAD', a, 'SERIOUS_ILLNESS'],
    [2, '赵氏', 'SPOUSE', spouse, 'HEALTHY'],
  ]);
  expect(first.incomes.map((i) => [i.year, i.perCapita])).toEqual([
    [2019, 3500],
    [2020, 3100],
  ]);
  expect(first.indicators).toMatchObject({ foodClothing: true, medical: false, housing: true });
  expect(first.indicators!.assessedOn.toISOString().slice(0, 10)).toBe('2020-11-20');
  expect(first.factChanges).toHaveLength(1);
  expect(first.factChanges[0]).toMatchObject({ source: 'IMPORT', changedById: null });
  const changes = first.factChanges[0]!.changes as { path: string; to: unknown }[];
  expect(changes).toEqual(expect.arrayContaining([{ path: 'members.1.idNumber', from: null, to: maskIdNumber(a) }]));
  expect(JSON.stringify(changes)).not.toContain(a);

  // The second household: members only (its facts columns empty), a member without an ID number.
  const second = await db.prisma.household.findUniqueOrThrow({
    where: { registryNo: 'F-2' },
    include: { members: true, incomes: true, indicators: true },
  });
  expect(second.members).toEqual([expect.objectContaining({ name: '李乙', idNumber: null, labour: 'NONE' })]);
  expect(second.incomes).toEqual([]);
  expect(second.indicators).toBeNull();
  expect(await db.prisma.household.count({ where: { registryNo: 'F-3' } })).toBe(0);
});

test('a members file with a problem stops the import before anything is written, naming row and column', async () => {
  const id = newId(1960);
  const households = writeCsv('households-2.csv', [
    HEADER,
    `G-1,${VILLAGE},陈丁,${id},2,TARGETED,REGISTERED,ILLNESS,2020-05-01,2020,3100,,,,,,,`,
  ]);
  const members = writeCsv('members-2.csv', [
    MEMBERS_HEADER,
    // The spouse listed before the head, and an ID number whose birth year disagrees with the one given.
    `G-1,周氏,配偶,,1961,女,健康,小学,普通劳动力`,
    `G-1,陈丁,户主,${id},1966,男,健康,小学,普通劳动力`,
  ]);
  const before = await db.prisma.householdMember.count();
  const run = await cli('import', 'households', households, '--members', members);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/members row 3, birthYear: does not match the birth date of the ID number/);
  expect(run.stderr).not.toContain(id);
  expect(await db.prisma.household.count({ where: { registryNo: 'G-1' } })).toBe(0);
  expect(await db.prisma.householdMember.count()).toBe(before);

  // A household whose members file lists more members than its size is rejected (column size).
  const fixed = writeCsv('members-3.csv', [
    MEMBERS_HEADER,
    `G-1,陈丁,户主,${id},1960,男,健康,小学,普通劳动力`,
    `G-1,周氏,配偶,,1961,女,健康,小学,普通劳动力`,
    `G-1,陈小,子女,,1990,男,健康,高中,普通劳动力`,
  ]);
  const mismatch = await cli('import', 'households', households, '--members', fixed, '--json');
  expect(JSON.parse(mismatch.stdout).errors).toEqual([
    expect.objectContaining({ row: 2, column: 'size', message: 'the members file lists 3 members' }),
  ]);
});
