// The facts cells of a household row and the members file of an import, as pure functions on strings.
import {
  checkMemberRow,
  mapMemberHeader,
  membersProblem,
  readFactsCells,
  type FactsColumn,
} from '../../domain/csv-facts';
import { parseDate } from '../../domain/csv';
import { makeIdNumber } from '../../domain/idNumber';

const cells = (values: Partial<Record<FactsColumn, string>>) => (c: FactsColumn) => values[c] ?? '';
const read = (values: Partial<Record<FactsColumn, string>>) => readFactsCells(cells(values), parseDate, '2026-12-02');
const ALL = {
  foodClothing: '是',
  education: 'Y',
  medical: '否',
  housing: '1',
  drinkingWater: 'no',
  assessedOn: '2026/3/5',
};

describe('readFactsCells', () => {
  it('reads the income of a year and the year before, and the five indicators with their date', () => {
    expect(read({ incomeYear: '2020', income: '3100', previousIncome: '3500', ...ALL })).toEqual({
      incomes: [
        { year: 2019, perCapita: 3500 },
        { year: 2020, perCapita: 3100 },
      ],
      indicators: {
        foodClothing: true,
        education: true,
        medical: false,
        housing: true,
        drinkingWater: false,
        assessedOn: '2026-03-05',
      },
      problems: [],
    });
  });

  it('gives nothing for empty cells', () => {
    expect(read({})).toEqual({ incomes: [], indicators: null, problems: [] });
  });

  it('names the column of each problem', () => {
    const columns = (values: Partial<Record<FactsColumn, string>>) => read(values).problems.map((p) => p.column);
    expect(columns({ incomeYear: '2020', income: '-5' })).toEqual(['income']);
    expect(columns({ incomeYear: '2020', income: '3.5' })).toEqual(['income']);
    expect(columns({ income: '3000' })).toEqual(['incomeYear']);
    expect(columns({ incomeYear: '2030', income: '3000' })).toEqual(['incomeYear']);
    expect(columns({ incomeYear: '2020' })).toEqual(['income']);
    expect(columns({ ...ALL, housing: '也许' })).toEqual(['housing']);
    expect(columns({ foodClothing: '是' })).toEqual(['education', 'medical', 'housing', 'drinkingWater', 'assessedOn']);
    expect(columns({ ...ALL, assessedOn: '2027-01-01' })).toEqual(['assessedOn']);
    expect(read({ ...ALL, housing: '也许' }).indicators).toBeNull();
  });
});

describe('the members file', () => {
  const header = mapMemberHeader([
    '户编号',
    '姓名',
    '与户主关系',
    '身份证号',
    '出生年份',
    '性别',
    '健康状况',
    '文化程度',
    '劳动能力',
  ]);
  if (!header.ok) throw new Error('header');
  const id = makeIdNumber('620523', { y: 1970, m: 1, d: 2 }, 11);

  it('maps English or Chinese headers, and names unknown and missing columns', () => {
    expect(header.index).toMatchObject({ registryNo: 0, name: 1, labour: 8 });
    expect(mapMemberHeader(['registryNo', 'name', 'hobby'])).toEqual({
      ok: false,
      problems: ['unknown column "hobby"', 'missing columns relation, birthYear, sex, health, schooling, labour'],
    });
  });

  it('never shows an ID number that sits where the header belongs', () => {
    const headless = mapMemberHeader(['F-1', '王甲', '户主', id]);
    expect(JSON.stringify(headless)).not.toContain(id);
    expect(headless).toMatchObject({
      ok: false,
      problems: expect.arrayContaining([expect.stringMatching(/not shown/)]),
    });
  });

  it('reads a member with English names or Chinese labels', () => {
    expect(
      checkMemberRow(['F-1', '王甲', '户主', id, '1970', '男', '患有大病', '小学', 'PARTIAL'], header.index, 2026),
    ).toEqual({
      registryNo: 'F-1',
      member: {
        name: '王甲',
        relation: 'HEAD',
        idNumber: id,
        birthYear: 1970,
        sex: 'MALE',
        health: 'SERIOUS_ILLNESS',
        schooling: 'PRIMARY',
        labour: 'PARTIAL',
      },
      problems: [],
    });
  });

  it('names the columns of a bad row and never shows a value', () => {
    const bad = checkMemberRow(
      ['F-1', '', '朋友', id.slice(0, 17) + '0', '1971', '?', 'HEALTHY', 'PRIMARY', 'FULL'],
      header.index,
      2026,
    );
    expect(bad.member).toBeNull();
    expect(bad.problems.map((p) => p.column)).toEqual(['name', 'relation', 'sex', 'idNumber']);
    expect(JSON.stringify(bad.problems)).not.toContain(id.slice(0, 17));
    const year = checkMemberRow(
      ['F-1', '王甲', 'HEAD', id, '1971', 'MALE', 'HEALTHY', 'PRIMARY', 'FULL'],
      header.index,
      2026,
    );
    expect(year.problems).toEqual([{ column: 'birthYear', message: 'does not match the birth date of the ID number' }]);
  });

  it('wants the head first, one head, each ID number once', () => {
    const m = {
      name: 'x',
      birthYear: 1970,
      sex: 'MALE',
      health: 'HEALTHY',
      schooling: 'PRIMARY',
      labour: 'FULL',
    } as const;
    expect(
      membersProblem([
        { ...m, relation: 'HEAD' },
        { ...m, relation: 'CHILD' },
      ]),
    ).toBeNull();
    expect(
      membersProblem([
        { ...m, relation: 'CHILD' },
        { ...m, relation: 'HEAD' },
      ]),
    ).toMatch(/first/);
    expect(
      membersProblem([
        { ...m, relation: 'HEAD' },
        { ...m, relation: 'HEAD' },
      ]),
    ).toMatch(/one head/);
    expect(
      membersProblem([
        { ...m, relation: 'HEAD', idNumber: id },
        { ...m, relation: 'SPOUSE', idNumber: id },
      ]),
    ).toMatch(/twice/);
  });
});
