// The roster's pure parts: CSV fields (RFC 4180 quoting, formula injection guarded), the rows of a household, and the
// exit timetable chart's option and its SVG (rendered by ECharts, no server needed).
import { CsvParser } from '../../domain/csv';
import { HealthStatus, LabourAbility, MemberRelation, Schooling, Sex } from '../../generated/prisma/enums';
import { renderExitChart } from '../../api/routes/reports';
import { EXIT_CHART_SERIES, exitChartDescription, exitChartOption } from '../../domain/exit-chart';
import {
  chinaDate,
  csvField,
  HEALTH_LABELS,
  LABOUR_LABELS,
  RELATION_LABELS,
  SCHOOLING_LABELS,
  SEX_LABELS,
  csvRecord,
  guardFormula,
  ROSTER_COLUMNS,
  rosterRows,
  type RosterHousehold,
} from '../../domain/roster';

describe('CSV fields', () => {
  test.each([
    ['plain', '张三', '张三'],
    ['empty', '', ''],
    ['a comma', '甲,乙', '"甲,乙"'],
    ['a quote', '李"小"梅', '"李""小""梅"'],
    ['a line break', '一\n二', '"一\n二"'],
    ['a carriage return inside', '一\r二', '"一\r二"'],
    ['a formula', '=SUM(A1)', "'=SUM(A1)"],
    ['a plus', '+86', "'+86"],
    ['a minus', '-1+2', "'-1+2"],
    ['an at', '@cmd', "'@cmd"],
    ['a leading tab', '\t=1', "'\t=1"],
    ['a leading carriage return', '\r=1', `"'\r=1"`],
    ['a formula with a comma and a quote', '=HYPERLINK("http://x",1)', `"'=HYPERLINK(""http://x"",1)"`],
    ['an equals sign inside', '1=1', '1=1'],
  ])('%s', (_, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  test('numbers as they are, nulls empty', () => {
    expect(csvField(3)).toBe('3');
    expect(csvField(null)).toBe('');
    expect(guardFormula('-3')).toBe("'-3");
  });

  test('a record ends in CRLF, and the project’s CSV reader reads back what was written (guards aside)', () => {
    const cells = ['甲,乙', '李"小"梅', '一\r\n二', '', null, 7, '=1+1'];
    const line = csvRecord(cells);
    expect(line.endsWith('\r\n')).toBe(true);
    const parser = new CsvParser();
    const [record, ...rest] = [...parser.push(line), ...parser.end()];
    expect(rest).toEqual([]);
    expect(record).toEqual({ fields: ['甲,乙', '李"小"梅', '一\r\n二', '', '', '7', "'=1+1"], problem: null });
  });
});

describe('roster rows', () => {
  const household: RosterHousehold = {
    townshipName: '兴国镇',
    villageName: '甲村',
    registryNo: '620522100201-0001',
    headName: '张三',
    idNumber: '6205**********1234',
    size: 2,
    category: 'TARGETED',
    status: 'REGISTERED',
    cause: 'ILLNESS',
    entryReason: 'MISSED',
    exitReason: null,
    registeredOn: new Date('2014-05-01T17:00:00Z'),
    exitedOn: null,
    responsibleUnit: '县财政局',
    responsiblePerson: '王建华',
    members: [],
  };
  const member = {
    seq: 1,
    name: '张三',
    relation: 'HEAD',
    idNumber: '6205**********1234',
    birthYear: 1970,
    sex: 'MALE',
    health: 'HEALTHY',
    schooling: 'PRIMARY',
    labour: 'FULL',
  };

  test('one row per member, household columns repeated, labels in Chinese, days in China time', () => {
    const rows = rosterRows(
      {
        ...household,
        members: [member, { ...member, seq: 2, name: '李梅', relation: 'SPOUSE', sex: 'FEMALE', idNumber: null }],
      },
      7,
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toHaveLength(ROSTER_COLUMNS.length);
    const householdPart = [
      7,
      '兴国镇',
      '甲村',
      '620522100201-0001',
      '张三',
      '6205**********1234',
      2,
      '精准扶贫户',
      '已纳入',
      '因病',
      '漏评',
      null,
      '2014-05-02',
      null,
      '县财政局',
      '王建华',
    ];
    expect(rows[0]).toEqual([
      ...householdPart,
      1,
      '张三',
      '户主',
      '6205**********1234',
      '男',
      1970,
      '健康',
      '小学',
      '普通劳动力',
    ]);
    expect(rows[1]).toEqual([...householdPart, 2, '李梅', '配偶', null, '女', 1970, '健康', '小学', '普通劳动力']);
  });

  test('a household without members recorded: one row, member columns empty', () => {
    const rows = rosterRows(household, 1);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.slice(16)).toEqual(Array(ROSTER_COLUMNS.length - 16).fill(null));
  });

  test('every value of the member enums of the schema has a Chinese label, and nothing else has one', () => {
    for (const [labels, values] of [
      [RELATION_LABELS, MemberRelation],
      [SEX_LABELS, Sex],
      [HEALTH_LABELS, HealthStatus],
      [SCHOOLING_LABELS, Schooling],
      [LABOUR_LABELS, LabourAbility],
    ] as const) {
      expect(Object.keys(labels).sort()).toEqual(Object.values(values).sort());
      for (const label of Object.values(labels)) expect(label).toMatch(/^[\u4e00-\u9fff/]+$/);
    }
  });

  test('headers are unique and Chinese', () => {
    const headers = ROSTER_COLUMNS.map((c) => c.header);
    expect(new Set(headers).size).toBe(headers.length);
    for (const h of headers) expect(h).toMatch(/^[\u4e00-\u9fff]+$/);
    expect(chinaDate(new Date('2025-12-31T16:00:00Z'))).toBe('2026-01-01');
  });
});

describe('the exit timetable chart option', () => {
  const years = [
    { year: 2014, villages: { planned: 14, exited: 12 }, townships: { planned: 4, exited: 4 } },
    { year: 2015, villages: { planned: 45, exited: 40 }, townships: { planned: 5, exited: 5 } },
  ];

  test('four labelled bar series in the legend’s order, villages on the left axis and townships on the right', () => {
    const option = exitChartOption('秦安县', years, '2026-12-02');
    expect(option.xAxis.data).toEqual(['2014', '2015']);
    expect(option.legend.data).toEqual(['计划退出村数', '实际退出村数', '计划退出乡镇数', '实际退出乡镇数']);
    expect(option.series.map((s) => [s.name, s.yAxisIndex, s.data, s.label.show])).toEqual([
      ['计划退出村数', 0, [14, 45], true],
      ['实际退出村数', 0, [12, 40], true],
      ['计划退出乡镇数', 1, [4, 5], true],
      ['实际退出乡镇数', 1, [4, 5], true],
    ]);
    expect(EXIT_CHART_SERIES).toHaveLength(4);
  });

  test('the accessible description lists every value; an empty plan says so', () => {
    expect(exitChartDescription('秦安县', years)).toBe(
      '秦安县脱贫时序：计划与实际退出（累计）。计划退出村数：2014年14，2015年45；实际退出村数：2014年12，2015年40；' +
        '计划退出乡镇数：2014年4，2015年5；实际退出乡镇数：2014年4，2015年5。',
    );
    expect(exitChartDescription('某乡', [])).toBe('某乡脱贫时序：计划与实际退出（累计）。暂无退出计划。');
    expect(exitChartOption('某乡', [], '2026-12-02').title.subtext).toMatch(/^暂无退出计划/);
  });
});

describe('the exit timetable chart rendered to SVG', () => {
  test('an empty plan still renders, says so, and a place name is escaped in the accessible name and title', async () => {
    const svg = await renderExitChart('<甲&乙>', [], '2026-12-02');
    expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg\b[^>]* role="img" aria-label="[^"<>]+">/);
    expect(svg).toContain('<title>&lt;甲&amp;乙&gt;脱贫时序：计划与实际退出（累计）</title>');
    expect(svg).toContain('暂无退出计划');
    expect(svg).not.toMatch(/ecmeta_ssr_type="chart"/);
  });
});
