// Reports on the real stack: the roster (花名册) downloaded as CSV and XLSX and read back (the XLSX with exceljs, the
// library that wrote it), masked for a county official and in full for the village's own, as GET /households masks;
// statistics with hand-counted numbers on a small township of its own; the exit timetable chart's values equal to
// GET /exit-plan's year by year.
import ExcelJS from 'exceljs';
import { CsvParser } from '../../domain/csv';
import { maskIdNumber } from '../../domain/idNumber';
import { guardFormula, ROSTER_COLUMNS } from '../../domain/roster';
import { EXIT_CHART_SERIES } from '../../domain/exit-chart';
import { checkedFetch } from '../../kit/openapi';
import { expectProblem, freshIdNumber, official, officialsFor, type Official, type Officials } from '../../kit/rounds';
import { startStack, type Stack } from '../../kit/stack';

let stack: Stack;
/** A township of the test's own, so that every number below can be counted by hand. */
const T = '620522190';
const V1 = '620522190201';
const V2 = '620522190202';
const SEEDED_TOWNSHIP = '620522101';
let own: Officials;
let outsider: Official;
const ids = Object.fromEntries([1, 2, 3, 4, 5, 11, 12, 21, 22, 51].map((n) => [n, freshIdNumber(9000 + n)]));

beforeAll(async () => {
  stack = await startStack();
  const p = stack.prisma;
  await p.township.create({ data: { code: T, name: '测试乡', countyCode: '620522', plannedExitYear: 2016 } });
  await p.village.createMany({
    data: [
      {
        code: V1,
        name: '甲村',
        townshipCode: T,
        isPoor: true,
        plannedExitYear: 2015,
        exitedYear: 2016,
        population: 900,
      },
      {
        code: V2,
        name: '乙村',
        townshipCode: T,
        isPoor: true,
        plannedExitYear: 2016,
        exitedYear: null,
        population: 700,
      },
    ],
  });
  const household = (no: number, villageCode: string, data: Record<string, unknown>) =>
    p.household.create({
      data: {
        registryNo: `${villageCode}-000${no}`,
        villageCode,
        idNumber: ids[no]!,
        ...(data as { headName: string; size: number; status: 'REGISTERED' }),
      },
    });
  const h1 = await household(1, V1, {
    headName: '张三',
    size: 3,
    status: 'REGISTERED',
    category: 'TARGETED',
    cause: 'ILLNESS',
    entryReason: 'NEW_IDENTIFIED',
    registeredOn: new Date('2014-05-01T00:00:00Z'),
  });
  const h2 = await household(2, V1, {
    headName: '=SUM(A1)',
    size: 2,
    status: 'REGISTERED',
    category: 'POLICY_GUARANTEE',
    cause: 'DISABILITY',
    entryReason: 'MISSED',
    // 23:30 UTC is the next morning in China: the roster prints the Chinese calendar day.
    registeredOn: new Date('2025-06-01T23:30:00Z'),
  });
  const h3 = await household(3, V1, {
    headName: '王五',
    size: 4,
    status: 'EXITED',
    category: 'TARGETED',
    cause: 'ILLNESS',
    entryReason: 'NEW_IDENTIFIED',
    exitReason: 'REACHED_STANDARD',
    registeredOn: new Date('2014-05-01T00:00:00Z'),
    exitedOn: new Date('2025-12-20T00:00:00Z'),
  });
  const h4 = await household(4, V1, { headName: '赵六', size: 5, status: 'NOT_REGISTERED' });
  const h5 = await household(5, V2, {
    headName: '孙七',
    size: 1,
    status: 'REGISTERED',
    category: 'CONSOLIDATION',
    cause: 'LACK_OF_WATER',
    entryReason: 'RETURNED_TO_POVERTY',
    registeredOn: new Date('2025-01-01T01:00:00Z'),
  });
  const member = { health: 'HEALTHY', schooling: 'JUNIOR_SECONDARY', labour: 'FULL' } as const;
  await p.householdMember.createMany({
    data: [
      {
        householdId: h1.id,
        seq: 1,
        name: '张三',
        relation: 'HEAD',
        idNumber: ids[1],
        birthYear: 1970,
        sex: 'MALE',
        ...member,
      },
      {
        householdId: h1.id,
        seq: 2,
        name: '李"小,梅',
        relation: 'SPOUSE',
        idNumber: ids[11],
        birthYear: 1972,
        sex: 'FEMALE',
        health: 'CHRONIC_ILLNESS',
        schooling: 'PRIMARY',
        labour: 'PARTIAL',
      },
      {
        householdId: h1.id,
        seq: 3,
        name: '张小明',
        relation: 'CHILD',
        idNumber: ids[12],
        birthYear: 2010,
        sex: 'MALE',
        health: 'HEALTHY',
        schooling: 'JUNIOR_SECONDARY',
        labour: 'NONE',
      },
      {
        householdId: h2.id,
        seq: 1,
        name: '+户主',
        relation: 'HEAD',
        idNumber: ids[2],
        birthYear: 1950,
        sex: 'MALE',
        health: 'DISABLED',
        schooling: 'NONE',
        labour: 'NONE',
      },
      {
        householdId: h2.id,
        seq: 2,
        name: '钱八\n二',
        relation: 'GRANDCHILD',
        idNumber: null,
        birthYear: 2015,
        sex: 'FEMALE',
        health: 'HEALTHY',
        schooling: 'PRIMARY',
        labour: 'NONE',
      },
      {
        householdId: h4.id,
        seq: 1,
        name: '赵六',
        relation: 'HEAD',
        idNumber: ids[4],
        birthYear: 1980,
        sex: 'MALE',
        ...member,
      },
      {
        householdId: h5.id,
        seq: 1,
        name: '孙七',
        relation: 'HEAD',
        idNumber: ids[5],
        birthYear: 1945,
        sex: 'FEMALE',
        health: 'SERIOUS_ILLNESS',
        schooling: 'NONE',
        labour: 'NONE',
      },
    ],
  });
  // Registry changes for the statistics of 2025 (China time): counted, on a boundary, or outside the year.
  const change = (householdId: string, action: string, at: string, more: Record<string, unknown> = {}) => ({
    householdId,
    action,
    source: action === 'IMPORT' ? 'IMPORT' : 'ROUND',
    toStatus: (action === 'EXIT' ? 'EXITED' : 'REGISTERED') as 'EXITED' | 'REGISTERED',
    at: new Date(at),
    ...more,
  });
  await p.registryChange.createMany({
    data: [
      change(h1.id, 'ENTER', '2025-03-01T02:00:00Z', { entryReason: 'NEW_IDENTIFIED' }),
      change(h2.id, 'ENTER', '2025-06-01T23:30:00Z', { entryReason: 'MISSED' }),
      // 2024-12-31 17:00 UTC is 2025-01-01 01:00 in China: in 2025.
      change(h5.id, 'ENTER', '2024-12-31T17:00:00Z', { entryReason: 'RETURNED_TO_POVERTY' }),
      // Without a reason (a round of the rules of version 1).
      change(h4.id, 'ENTER', '2025-02-02T02:00:00Z'),
      change(h3.id, 'ENTER', '2024-05-01T02:00:00Z', { entryReason: 'NEW_IDENTIFIED' }),
      // 2025-12-31 15:59 UTC is 23:59 in China: still 2025; 16:00 UTC is 2026.
      change(h3.id, 'EXIT', '2025-12-31T15:59:00Z', { exitReason: 'REACHED_STANDARD' }),
      change(h4.id, 'EXIT', '2025-12-31T16:00:00Z', { exitReason: 'WRONGLY_INCLUDED' }),
      // A registry load, not an entry.
      change(h1.id, 'IMPORT', '2025-04-01T02:00:00Z'),
    ],
  });
  own = await officialsFor(stack, V1);
  outsider = await official(stack, 'TOWNSHIP', SEEDED_TOWNSHIP, '外乡干部');
  // The responsible unit and person of 张三's household, assigned as a township does it.
  const assigned = await own.township.client.put(`/households/${h1.id}/responsibility`, {
    unit: '县财政局',
    personName: '王建华',
  });
  expect(assigned.status).toBe(200);
});
afterAll(async () => {
  await stack?.stop();
});

async function download(o: Official, query: string) {
  const res = await checkedFetch(`${stack.baseUrl}/reports/roster?${query}`, {
    headers: { authorization: `Bearer ${o.token}` },
  });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** The CSV's records: UTF-8 with a byte-order mark, CRLF line ends, every record well-quoted. */
function readCsv(bytes: Buffer): string[][] {
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8');
  expect(text.endsWith('\r\n')).toBe(true);
  const parser = new CsvParser();
  const records = [...parser.push(text), ...parser.end()];
  expect(records.filter((r) => r.problem !== null)).toEqual([]);
  return records.map((r) => r.fields);
}

/** The XLSX's sheet as exceljs reads it back: the title, the frozen view, column widths and the rows as cells. */
async function readXlsx(bytes: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet('花名册')!;
  expect(sheet).toBeDefined();
  const rows: (string | number | null)[][] = [];
  sheet.eachRow((row) => {
    rows.push(
      ROSTER_COLUMNS.map((_, i) => {
        const v = row.getCell(i + 1).value;
        return v === null || v === undefined ? null : (v as string | number);
      }),
    );
  });
  return { sheet, title: rows[0]![0] as string, header: rows[1], rows: rows.slice(2) };
}

/** An XLSX cell as the CSV writes it (text guarded against formulas). */
const asCsv = (v: string | number | null) => (v === null ? '' : typeof v === 'number' ? String(v) : guardFormula(v));

const HEADERS = ROSTER_COLUMNS.map((c) => c.header);
const col = (header: string) => HEADERS.indexOf(header);

describe('the roster (花名册)', () => {
  test('CSV for the village’s own official: every member a row, household columns repeated, ID numbers in full', async () => {
    const { res, bytes } = await download(own.village, `village=${V1}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toMatch(
      /^attachment; filename="roster-620522190201-\d{4}-\d{2}-\d{2}\.csv"; filename\*=UTF-8''/,
    );
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toMatch(/^花名册-测试乡甲村-\d{4}-\d{2}-\d{2}\.csv$/);
    const [header, ...rows] = readCsv(bytes);
    expect(header).toEqual(HEADERS);
    const household1 = [
      '1',
      '测试乡',
      '甲村',
      `${V1}-0001`,
      '张三',
      ids[1],
      '3',
      '精准扶贫户',
      '已纳入',
      '因病',
      '新识别',
      '',
      '2014-05-01',
      '',
      '县财政局',
      '王建华',
    ];
    const household2 = [
      '2',
      '测试乡',
      '甲村',
      `${V1}-0002`,
      "'=SUM(A1)",
      ids[2],
      '2',
      '政策保障户',
      '已纳入',
      '因残',
      '漏评',
      '',
      '2025-06-02',
      '',
      '',
      '',
    ];
    const household3 = [
      '3',
      '测试乡',
      '甲村',
      `${V1}-0003`,
      '王五',
      ids[3],
      '4',
      '精准扶贫户',
      '已退出',
      '因病',
      '新识别',
      '达到脱贫标准',
      '2014-05-01',
      '2025-12-20',
      '',
      '',
    ];
    // Household 4 is not registered: no row. Household 3 has no member recorded: one row, member columns empty.
    expect(rows).toEqual([
      [...household1, '1', '张三', '户主', ids[1], '男', '1970', '健康', '初中', '普通劳动力'],
      [...household1, '2', '李"小,梅', '配偶', ids[11], '女', '1972', '长期慢性病', '小学', '弱劳动力或半劳动力'],
      [...household1, '3', '张小明', '子女', ids[12], '男', '2010', '健康', '初中', '丧失劳动力或无劳动能力'],
      [...household2, '1', "'+户主", '户主', ids[2], '男', '1950', '残疾', '文盲或半文盲', '丧失劳动力或无劳动能力'],
      [...household2, '2', '钱八\n二', '孙子女', '', '女', '2015', '健康', '小学', '丧失劳动力或无劳动能力'],
      [...household3, '', '', '', '', '', '', '', '', ''],
    ]);
    // The quoting itself: the quote doubled, the field with a comma and the one with a line break quoted.
    const text = bytes.toString('utf8');
    expect(text).toContain('"李""小,梅"');
    expect(text).toContain('"钱八\n二"');
  });

  test('ID numbers masked for a county official and in full for the village’s and township’s own, as GET /households', async () => {
    for (const [who, o, masked] of [
      ['county', own.county, true],
      ['township', own.township, false],
      ['village', own.village, false],
    ] as const) {
      const listed = await o.client.get(`/households?village=${V1}&limit=100`);
      expect(listed.status).toBe(200);
      const apiIds = new Map<string, string>(listed.body.items.map((h: any) => [h.registryNo, h.idNumber]));
      const [, ...rows] = readCsv((await download(o, `village=${V1}&format=csv`)).bytes);
      expect(rows).toHaveLength(6);
      const seen = rows.map((r) => ({ who, registryNo: r[col('户编号')], idNumber: r[col('身份证号')] }));
      expect(seen).toEqual(
        rows.map((r) => ({ who, registryNo: r[col('户编号')], idNumber: apiIds.get(r[col('户编号')]!) })),
      );
      const members = rows.map((r) => r[col('成员身份证号')]);
      const expected = [ids[1], ids[11], ids[12], ids[2], '', ''].map((id) => (masked && id ? maskIdNumber(id) : id));
      expect({ who, members }).toEqual({ who, members: expected });
      if (masked)
        for (const id of [...seen.map((s) => s.idNumber!), ...members.filter(Boolean)])
          expect(id).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
    }
  });

  test('XLSX of a township, read back with exceljs: title, frozen header, widths, and the same rows as the CSV', async () => {
    const csv = readCsv((await download(own.county, `township=${T}&format=csv`)).bytes);
    const { res, bytes } = await download(own.county, `township=${T}&format=xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(decodeURIComponent(res.headers.get('content-disposition')!.split("UTF-8''")[1]!)).toMatch(
      /^花名册-测试乡-\d{4}-\d{2}-\d{2}\.xlsx$/,
    );
    const { sheet, title, header, rows } = await readXlsx(bytes);
    expect(title).toMatch(/^测试乡建档立卡贫困户花名册（制表日期：\d{4}-\d{2}-\d{2}）$/);
    expect(header).toEqual(HEADERS);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(ROSTER_COLUMNS.map((_, i) => sheet.getColumn(i + 1).width)).toEqual(ROSTER_COLUMNS.map((c) => c.width));
    // Numbers stay numbers; the formula-like name is plain text in the workbook.
    expect(rows[0]![col('家庭人口')]).toBe(3);
    expect(rows[3]![col('户主姓名')]).toBe('=SUM(A1)');
    expect(rows.map((r) => r.map(asCsv))).toEqual(csv.slice(1));
    // 甲村's six rows (households 1 to 3), then 乙村's one: households numbered across the township.
    expect(rows.map((r) => [r[col('序号')], r[col('村')], r[col('户编号')]])).toEqual([
      [1, '甲村', `${V1}-0001`],
      [1, '甲村', `${V1}-0001`],
      [1, '甲村', `${V1}-0001`],
      [2, '甲村', `${V1}-0002`],
      [2, '甲村', `${V1}-0002`],
      [3, '甲村', `${V1}-0003`],
      [4, '乙村', `${V2}-0005`],
    ]);
    expect(rows[6]![col('成员身份证号')]).toBe(maskIdNumber(ids[5]!));
  });

  test('a seeded township, streamed in batches: one row per member of each registered or exited household, in registry order', async () => {
    const households = await stack.prisma.household.findMany({
      where: { village: { townshipCode: SEEDED_TOWNSHIP }, status: { in: ['REGISTERED', 'EXITED'] } },
      orderBy: [{ villageCode: 'asc' }, { registryNo: 'asc' }],
      select: { registryNo: true, idNumber: true, _count: { select: { members: true } } },
    });
    expect(households.length).toBeGreaterThan(100); // more than one batch
    // The seed gives every household its members; a household without any would still have one row.
    const expected = households.flatMap((h, i) =>
      Array.from({ length: Math.max(1, h._count.members) }, () => ({ ...h, no: i + 1 })),
    );
    expect(expected.length).toBeGreaterThan(households.length);
    const county = own.county;
    const { rows } = await readXlsx((await download(county, `township=${SEEDED_TOWNSHIP}&format=xlsx`)).bytes);
    expect(rows.map((r) => [r[col('户编号')], r[col('身份证号')]])).toEqual(
      expected.map((h) => [h.registryNo, maskIdNumber(h.idNumber)]),
    );
    expect(rows.map((r) => r[col('序号')])).toEqual(expected.map((h) => h.no));
  });

  test('refusals: 400 for both, neither, a bad format or code; 403 outside the jurisdiction; 404 for no such village', async () => {
    const c = own.county.client;
    expectProblem(
      await c.get(`/reports/roster?village=${V1}&township=${T}&format=csv`),
      400,
      /village/,
      'VALIDATION_FAILED',
    );
    const neither = await c.get('/reports/roster?format=csv');
    expectProblem(neither, 400, /exactly one of village or township/, 'VALIDATION_FAILED');
    expect(neither.body.errors).toEqual([{ path: 'village', message: 'give exactly one of village or township' }]);
    const badFormat = await c.get(`/reports/roster?village=${V1}&format=pdf`);
    expectProblem(badFormat, 400, /format/, 'VALIDATION_FAILED');
    expect(badFormat.body.errors.map((e: any) => e.path)).toEqual(['format']);
    expectProblem(await c.get(`/reports/roster?village=${V1}`), 400, /format/, 'VALIDATION_FAILED');
    expectProblem(await c.get('/reports/roster?village=62052219020&format=csv'), 400, /village/, 'VALIDATION_FAILED');
    expectProblem(
      await outsider.client.get(`/reports/roster?village=${V1}&format=csv`),
      403,
      /620522190201/,
      'OUT_OF_JURISDICTION',
    );
    expectProblem(
      await outsider.client.get(`/reports/roster?township=${T}&format=xlsx`),
      403,
      undefined,
      'OUT_OF_JURISDICTION',
    );
    // A village official reads its village's roster, not its township's.
    expectProblem(
      await own.village.client.get(`/reports/roster?township=${T}&format=csv`),
      403,
      undefined,
      'OUT_OF_JURISDICTION',
    );
    expectProblem(await c.get(`/reports/roster?village=${T}299&format=csv`), 404, /No village/, 'NOT_FOUND');
    expectProblem(await c.get('/reports/roster?township=620522199&format=csv'), 404, /No township/, 'NOT_FOUND');
  });
});

describe('statistics', () => {
  const zeros = <K extends string>(keys: K[], v: unknown) => Object.fromEntries(keys.map((k) => [k, v]));
  const none = { households: 0, people: 0 };
  // Counted by hand from the households and registry changes made above.
  const expected2025 = {
    scopeCode: T,
    name: '测试乡',
    year: 2025,
    households: {
      byStatus: {
        REGISTERED: { households: 3, people: 6 },
        EXITED: { households: 1, people: 4 },
        NOT_REGISTERED: { households: 1, people: 5 },
      },
      registered: {
        total: { households: 3, people: 6 },
        byCause: {
          ...zeros(
            [
              'DISASTER',
              'SCHOOLING',
              'LACK_OF_LABOUR',
              'LACK_OF_FUNDS',
              'LACK_OF_SKILLS',
              'LACK_OF_LAND',
              'TRANSPORT',
              'LACK_OF_MOTIVATION',
              'OTHER',
            ],
            none,
          ),
          ILLNESS: { households: 1, people: 3 },
          DISABILITY: { households: 1, people: 2 },
          LACK_OF_WATER: { households: 1, people: 1 },
        },
        causeUnspecified: none,
        byCategory: {
          TARGETED: { households: 1, people: 3 },
          POLICY_GUARANTEE: { households: 1, people: 2 },
          CONSOLIDATION: { households: 1, people: 1 },
        },
        categoryUnspecified: none,
      },
    },
    entries: { total: 4, byReason: { NEW_IDENTIFIED: 1, MISSED: 1, RETURNED_TO_POVERTY: 1 }, unspecified: 1 },
    exits: { total: 1, byReason: { REACHED_STANDARD: 1, WRONGLY_INCLUDED: 0, NATURAL_DECREASE: 0 }, unspecified: 0 },
  };

  test('counts by status, cause, category, and the year’s entries and exits by reason (China time), counted by hand', async () => {
    const r = await own.county.client.get(`/reports/statistics?township=${T}&year=2025`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(expected2025);
    // The township's own official, and the village's official for its township (figures, not personal data).
    expect((await own.township.client.get('/reports/statistics?year=2025')).body).toEqual(expected2025);
    expect((await own.village.client.get(`/reports/statistics?township=${T}&year=2025`)).body).toEqual(expected2025);
    // 2026: the exit at 00:00 on 1 January China time, and nothing else.
    const y2026 = await own.county.client.get(`/reports/statistics?township=${T}&year=2026`);
    expect(y2026.body.entries).toEqual({
      total: 0,
      byReason: { NEW_IDENTIFIED: 0, MISSED: 0, RETURNED_TO_POVERTY: 0 },
      unspecified: 0,
    });
    expect(y2026.body.exits).toEqual({
      total: 1,
      byReason: { REACHED_STANDARD: 0, WRONGLY_INCLUDED: 1, NATURAL_DECREASE: 0 },
      unspecified: 0,
    });
  });

  test('the county without a township: every township’s households, equal to the registry', async () => {
    const r = await own.county.client.get('/reports/statistics?year=2025');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ scopeCode: '620522', name: '秦安县', year: 2025 });
    const registered = await stack.prisma.household.aggregate({
      where: { status: 'REGISTERED' },
      _count: true,
      _sum: { size: true },
    });
    expect(r.body.households.byStatus.REGISTERED).toEqual({
      households: registered._count,
      people: registered._sum.size,
    });
    const byCause = Object.values<{ households: number }>(r.body.households.registered.byCause);
    expect(
      byCause.reduce((s, c) => s + c.households, 0) + r.body.households.registered.causeUnspecified.households,
    ).toBe(registered._count);
    // The seed records no round changes: 2025's entries and exits are this township's.
    expect(r.body.entries).toEqual(expected2025.entries);
    expect(r.body.exits).toEqual(expected2025.exits);
  });

  test('refusals: 403 outside the jurisdiction, 400 for a bad year or township, 404 for no such township', async () => {
    expectProblem(
      await outsider.client.get(`/reports/statistics?township=${T}`),
      403,
      /620522190/,
      'OUT_OF_JURISDICTION',
    );
    expectProblem(await own.county.client.get('/reports/statistics?year=20'), 400, /year/, 'VALIDATION_FAILED');
    expectProblem(
      await own.county.client.get('/reports/statistics?township=6205'),
      400,
      /township/,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await own.county.client.get('/reports/statistics?township=620522199'),
      404,
      /No township/,
      'NOT_FOUND',
    );
  });
});

describe('the exit timetable chart', () => {
  type Values = Record<string, Record<number, number>>;

  /** The SVG's accessible name (aria-label): per series, each year's value, as the chart says them in words. */
  function describedValues(svg: string): Values {
    const label = /<svg\b[^>]*\baria-label="([^"]*)"/.exec(svg)?.[1];
    expect(label).toBeDefined();
    const out: Values = {};
    for (const s of EXIT_CHART_SERIES) {
      const part = new RegExp(`${s.name}：([^；。]*)`).exec(label!)?.[1] ?? '';
      out[s.name] = Object.fromEntries([...part.matchAll(/(\d{4})年(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]));
    }
    return out;
  }

  /**
   * The values drawn: each bar (ECharts marks it with its series and data index) and the value label centred above
   * it, read from the SVG's geometry.
   */
  function drawnValues(svg: string, years: number[]): Values {
    const labels: { x: number; value: number }[] = [];
    for (const m of svg.matchAll(/<text\b([^>]*)>([^<]*)<\/text>/g)) {
      const at = /transform="translate\(([\d.]+) /.exec(m[1]!);
      if (/font-size:11px/.test(m[1]!) && at) labels.push({ x: Number(at[1]), value: Number(m[2]) });
    }
    const out: Values = Object.fromEntries(EXIT_CHART_SERIES.map((s) => [s.name, {}]));
    const bars =
      /<path d="M([\d.]+) [\d.]+l([\d.]+) 0[^"]*"[^>]*ecmeta_series_index="(\d)" ecmeta_data_index="(\d+)" ecmeta_ssr_type="chart"/g;
    for (const m of svg.matchAll(bars)) {
      const centre = Number(m[1]) + Number(m[2]) / 2;
      const above = labels.filter((l) => Math.abs(l.x - centre) < 0.5);
      expect(above).toHaveLength(1);
      out[EXIT_CHART_SERIES[Number(m[3])]!.name]![years[Number(m[4])]!] = above[0]!.value;
    }
    return out;
  }

  /** The chart's values, read twice (aria-label and drawing), which must agree. */
  function chartValues(svg: string): Values {
    const described = describedValues(svg);
    const years = Object.keys(described['计划退出村数']!).map(Number);
    expect(drawnValues(svg, years)).toEqual(described);
    return described;
  }

  async function chart(o: Official, query: string) {
    const res = await checkedFetch(`${stack.baseUrl}/reports/exit-plan.svg${query}`, {
      headers: { authorization: `Bearer ${o.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    return res.text();
  }

  /** Each year's planned and actual counts as GET /exit-plan gives them, keyed like the chart's series. */
  async function fromExitPlan(o: Official, years: number[], township?: string) {
    const out: Record<string, Record<number, number>> = Object.fromEntries(EXIT_CHART_SERIES.map((s) => [s.name, {}]));
    for (const year of years) {
      const r = await o.client.get(`/exit-plan?year=${year}${township ? `&township=${township}` : ''}`);
      expect(r.status).toBe(200);
      for (const s of EXIT_CHART_SERIES) out[s.name]![year] = r.body.totals[s.of][s.key];
    }
    return out;
  }

  test('a seeded township and the county: each year’s planned and actual counts equal /exit-plan’s', async () => {
    // The seeded township's plans and exits span at least two years, the county's 2014 to 2017.
    for (const [o, township, atLeast] of [
      [own.county, SEEDED_TOWNSHIP, 2],
      [own.county, undefined, 4],
    ] as const) {
      const svg = await chart(o, township ? `?township=${township}` : '');
      const values = chartValues(svg);
      const years = Object.keys(values['计划退出村数']!).map(Number);
      expect(years.length).toBeGreaterThanOrEqual(atLeast);
      expect(years).toEqual(Array.from({ length: years.length }, (_, i) => years[0]! + i));
      expect(values).toEqual(await fromExitPlan(o, years, township));
    }
  });

  test('the test township, counted by hand; Chinese labels; a standalone SVG with no external reference', async () => {
    const svg = await chart(own.township, '');
    expect(chartValues(svg)).toEqual({
      计划退出村数: { 2015: 1, 2016: 2 },
      实际退出村数: { 2015: 0, 2016: 1 },
      计划退出乡镇数: { 2015: 0, 2016: 1 },
      实际退出乡镇数: { 2015: 0, 2016: 0 },
    });
    expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg\b[^>]* role="img" aria-label="[^"]+">/);
    expect(svg).toMatch(/<title>测试乡脱贫时序：计划与实际退出（累计）<\/title>/);
    for (const text of ['计划退出村数', '实际退出村数', '计划退出乡镇数', '实际退出乡镇数', '年份', '村数', '乡镇数']) {
      expect(svg).toContain(`>${text}<`);
    }
    // No fonts, images, stylesheets or scripts fetched: the only URL is the SVG namespace itself.
    const urls = [...svg.matchAll(/https?:\/\/[^"'\s)]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']));
    expect(svg).not.toMatch(/<image\b|<script\b|@import|@font-face|xlink:href="(?!#)|\bhref="(?!#)/);
  });

  test('refusals: 403 outside the jurisdiction, 400 for a bad township, 404 for no such township', async () => {
    expectProblem(
      await outsider.client.get(`/reports/exit-plan.svg?township=${T}`),
      403,
      /620522190/,
      'OUT_OF_JURISDICTION',
    );
    expectProblem(
      await own.county.client.get('/reports/exit-plan.svg?township=62052219x'),
      400,
      /township/,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await own.county.client.get('/reports/exit-plan.svg?township=620522199'),
      404,
      /No township/,
      'NOT_FOUND',
    );
  });
});
