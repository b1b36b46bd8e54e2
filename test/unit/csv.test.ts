import { FACTS_COLUMNS, type FactsColumn } from '../../domain/csv-facts';
import {
  checkRow,
  HOUSEHOLD_COLUMNS,
  CsvParser,
  DuplicateTracker,
  isBlankRecord,
  KeyIndex,
  mapHeader,
  parseDate,
  reportRegistryNo,
  WITHHELD,
  type Column,
  type CsvRecord,
  type HeaderMap,
} from '../../domain/csv';
import { makeIdNumber } from '../../domain/idNumber';

/** Parses text fed in the given pieces; returns the fields of each record (and the problems, if asked). */
function parse(pieces: string[], parser = new CsvParser()): CsvRecord[] {
  return [...pieces.flatMap((p) => parser.push(p)), ...parser.end()];
}
const fields = (text: string) => parse([text]).map((r) => r.fields);

describe('CsvParser', () => {
  it('splits fields on commas and records on LF, CRLF or CR', () => {
    expect(fields('a,b,c\n1,2,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
    expect(fields('a,b\r\n1,2\r\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(fields('a,b\r1,2\r')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('keeps the last record when the input does not end with a line break', () => {
    expect(fields('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(fields('')).toEqual([]);
  });

  it('reads empty fields, a trailing comma and an empty line', () => {
    expect(fields(',a,,\n\nb')).toEqual([['', 'a', '', ''], [''], ['b']]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks inside', () => {
    expect(fields('"王, 建国","say ""hi""","line1\nline2","crlf\r\ninside",""\n')).toEqual([
      ['王, 建国', 'say "hi"', 'line1\nline2', 'crlf\r\ninside', ''],
    ]);
  });

  it('drops a UTF-8 byte-order mark at the start only', () => {
    expect(fields('\uFEFFa,b\n\uFEFFc,d')).toEqual([
      ['a', 'b'],
      ['\uFEFFc', 'd'],
    ]);
  });

  it('takes a quote inside an unquoted field literally, like spreadsheets do', () => {
    expect(parse(['ab"c,d\n'])).toEqual([{ fields: ['ab"c', 'd'], problem: null }]);
  });

  it('flags text after a closing quote and a quote that is never closed', () => {
    expect(parse(['"abc"def,x\nok,y\n'])).toEqual([
      { fields: ['abcdef', 'x'], problem: 'TEXT_AFTER_QUOTE' },
      { fields: ['ok', 'y'], problem: null },
    ]);
    expect(parse(['a,"never closed\nb,c\n'])).toEqual([
      { fields: ['a', 'never closed\nb,c\n'], problem: 'UNTERMINATED_QUOTE' },
    ]);
  });

  it('gives the same records however the input is cut into chunks', () => {
    const text = '\uFEFFh1,h2,h3\r\n"a,1","b ""2""","c\r\n3"\r\n,,\r\nx,"",z\ry,"q"\n"last",row';
    const whole = parse([text]);
    expect(whole).toHaveLength(6);
    for (let i = 0; i <= text.length; i++) {
      expect(parse([text.slice(0, i), text.slice(i)])).toEqual(whole);
    }
    expect(parse(Array.from(text))).toEqual(whole);
  });

  it('a CR at the end of one chunk and an LF at the start of the next make one line end', () => {
    expect(parse(['a,b\r', '\nc,d\r', '', '\n']).map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('stops at a field longer than the limit, keeping the records before it', () => {
    const parser = new CsvParser(10);
    const records = parser.push('a,b\nc,"0123456789abc');
    expect(records.map((r) => r.fields)).toEqual([['a', 'b']]);
    expect(parser.overflowed).toBe(true);
    expect(parser.push('",d\ne,f\n')).toEqual([]);
    expect(parser.end()).toEqual([]);
  });

  it('parses a large input quickly', () => {
    const line =
      '620522100201-0001,620522100201,王建国,620522197001011234,4,TARGETED,REGISTERED,ILLNESS,,2014-05-03,,\n';
    const text = line.repeat(100_000);
    const started = performance.now();
    const parser = new CsvParser();
    let n = 0;
    for (let i = 0; i < text.length; i += 65_536) n += parser.push(text.slice(i, i + 65_536)).length;
    n += parser.end().length;
    expect(n).toBe(100_000);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('isBlankRecord', () => {
  it('is true for empty lines and rows of empty or blank cells only', () => {
    expect(isBlankRecord([''])).toBe(true);
    expect(isBlankRecord(['', ' ', ''])).toBe(true);
    expect(isBlankRecord(['', 'x'])).toBe(false);
  });
});

describe('mapHeader', () => {
  const ok = (names: string[]): HeaderMap => {
    const result = mapHeader(names);
    if (!result.ok) throw new Error(result.problems.join('; '));
    return result.header;
  };
  const problems = (names: string[]): string[] => {
    const result = mapHeader(names);
    if (result.ok) throw new Error('expected problems');
    return result.problems;
  };

  it('accepts the English names in any order and any case', () => {
    const header = ok(['STATUS', 'idNumber', 'registryno', 'size', 'headName', 'villageCode']);
    expect(header.index).toMatchObject({ status: 0, idNumber: 1, registryNo: 2, size: 3, headName: 4, villageCode: 5 });
    expect(header.index.phone).toBe(-1);
    expect(header.width).toBe(6);
  });

  it('accepts the Chinese headers, their common variants, and a mix with English', () => {
    const chinese = ok([
      '户编号',
      '村代码',
      '户主姓名',
      '身份证号',
      '家庭人口',
      '户类别',
      '状态',
      '致贫原因',
      '退出原因',
      '纳入日期',
      '退出日期',
      '联系电话',
      '纳入原因',
    ]);
    expect(HOUSEHOLD_COLUMNS.map((c) => chinese.index[c])).toEqual(HOUSEHOLD_COLUMNS.map((_, i) => i));
    expect(ok([' 身份证号码 ', 'registryNo', '村编码', '户主姓名', '家庭人口数', 'status']).index).toMatchObject({
      idNumber: 0,
      villageCode: 2,
      size: 4,
    });
  });

  it('refuses unknown, duplicated, unnamed and missing columns, naming each', () => {
    const found = problems(['registryNo', '户编号', 'village', '', 'headName', 'idNumber', 'size']);
    expect(found).toEqual([
      'column registryNo (户编号) appears twice (columns 1 and 2)',
      'unknown column "village"',
      'column 4 has no header',
      'missing columns villageCode (村代码), status (状态)',
    ]);
  });

  it('ignores empty header cells at the end of the row', () => {
    expect(ok(['registryNo', 'villageCode', 'headName', 'idNumber', 'size', 'status', '', '']).width).toBe(6);
  });

  it('never shows a header that looks like an ID or phone number (a file without a header row)', () => {
    const id = makeIdNumber('620522', { y: 1970, m: 1, d: 1 }, 123);
    const found = problems(['620522100201-0001', '620522100201', '王建国', id, '4', '13812345678']).join('\n');
    expect(found).not.toContain(id);
    expect(found).not.toContain('13812345678');
    expect(found).not.toContain('王建国');
    expect(found).toContain('is the header row missing?');
  });

  it('explains a file that is not UTF-8', () => {
    expect(problems(['\uFFFD\uFFFD', 'x'])).toEqual([expect.stringContaining('CSV UTF-8')]);
  });
});

describe('parseDate', () => {
  it('accepts real dates as YYYY-MM-DD and as Excel writes them, normalised', () => {
    expect(parseDate('2014-05-03')).toBe('2014-05-03');
    expect(parseDate('2014/5/3')).toBe('2014-05-03');
    expect(parseDate('2014.12.31')).toBe('2014-12-31');
    expect(parseDate('2016-02-29')).toBe('2016-02-29');
    expect(parseDate('2000-02-29')).toBe('2000-02-29');
  });

  it('refuses dates that do not exist and other forms', () => {
    for (const bad of [
      '2014-02-30',
      '2015-02-29',
      '1900-02-29',
      '2014-13-01',
      '2014-00-10',
      '2014-04-31',
      '1899-12-31',
    ]) {
      expect(parseDate(bad)).toBeNull();
    }
    for (const bad of ['20140503', '03/05/2014', '2014-5', '2014-05-03T00:00', '41730', '2014-O5-03', '']) {
      expect(parseDate(bad)).toBeNull();
    }
  });
});

describe('checkRow', () => {
  const HEADER = [...HOUSEHOLD_COLUMNS];
  const header = (mapHeader(HEADER) as { ok: true; header: HeaderMap }).header;
  const ID = makeIdNumber('620522', { y: 1970, m: 1, d: 1 }, 123);
  const PHONE = '13812345678';
  const VALID: Record<Column, string> = {
    registryNo: '620522100201-0101',
    villageCode: '620522100201',
    headName: '王建国',
    idNumber: ID,
    size: '4',
    category: 'TARGETED',
    status: 'REGISTERED',
    cause: 'ILLNESS',
    exitReason: '',
    entryReason: '',
    registeredOn: '2014-05-03',
    exitedOn: '',
    phone: PHONE,
    ...(Object.fromEntries(FACTS_COLUMNS.map((c) => [c, ''])) as Record<FactsColumn, string>),
  };
  const record = (over: Partial<Record<Column, string>> = {}, extra: string[] = []): CsvRecord => ({
    fields: [...HEADER.map((c) => ({ ...VALID, ...over })[c]), ...extra],
    problem: null,
  });
  const check = (over: Partial<Record<Column, string>> = {}, today = '2024-01-01') =>
    checkRow(record(over), header, { today });
  const problemsOf = (over: Partial<Record<Column, string>>) =>
    check(over).problems.map((p) => `${p.column}: ${p.message}`);

  it('accepts a valid row and returns the household', () => {
    const result = check();
    expect(result.problems).toEqual([]);
    expect(result.household).toEqual({
      registryNo: '620522100201-0101',
      villageCode: '620522100201',
      headName: '王建国',
      idNumber: ID,
      phone: PHONE,
      size: 4,
      category: 'TARGETED',
      status: 'REGISTERED',
      cause: 'ILLNESS',
      entryReason: null,
      exitReason: null,
      registeredOn: '2014-05-03',
      exitedOn: null,
      incomes: [],
      indicators: null,
    });
  });

  it('reads the former cause MISSED_BEFORE (漏评) as entry reason MISSED with cause OTHER, as the migration does', () => {
    for (const cause of ['MISSED_BEFORE', '漏评']) {
      expect(check({ cause }).household).toMatchObject({ cause: 'OTHER', entryReason: 'MISSED' });
    }
    expect(check({ entryReason: '返贫', cause: 'LACK_OF_MOTIVATION' }).household).toMatchObject({
      cause: 'LACK_OF_MOTIVATION',
      entryReason: 'RETURNED_TO_POVERTY',
    });
    expect(problemsOf({ entryReason: 'LUCK' })[0]).toMatch(/^entryReason: must be one of NEW_IDENTIFIED/);
    expect(problemsOf({ status: 'NOT_REGISTERED', category: '', cause: '', entryReason: 'MISSED' })).toEqual([
      'entryReason: only REGISTERED or EXITED households entered the registry',
    ]);
  });

  it('accepts Chinese labels and lower-case names, trims cells, upper-cases the X of an ID number', () => {
    const seq = Array.from({ length: 100 }, (_, i) => i).find((i) =>
      makeIdNumber('620522', { y: 1949, m: 12, d: 31 }, i).endsWith('X'),
    ) as number;
    const x = makeIdNumber('620522', { y: 1949, m: 12, d: 31 }, seq);
    const result = check({
      idNumber: ` ${x.toLowerCase()} `,
      category: '政策保障户',
      status: '已退出',
      cause: '因病',
      exitReason: '达到脱贫标准',
      exitedOn: '2016/12/20',
      headName: ' 李四 ',
      phone: '',
    });
    expect(result.problems).toEqual([]);
    expect(result.household).toMatchObject({
      idNumber: x,
      headName: '李四',
      category: 'POLICY_GUARANTEE',
      status: 'EXITED',
      cause: 'ILLNESS',
      exitReason: 'REACHED_STANDARD',
      exitedOn: '2016-12-20',
      phone: null,
    });
    expect(check({ category: 'consolidation', status: 'registered', cause: 'lack_of_water' }).household).toMatchObject({
      category: 'CONSOLIDATION',
      status: 'REGISTERED',
      cause: 'LACK_OF_WATER',
    });
    expect(check({ status: '未纳入', category: '', cause: '', registeredOn: '' }).household).toMatchObject({
      status: 'NOT_REGISTERED',
      category: null,
      cause: null,
    });
  });

  it('requires the identifying columns', () => {
    expect(problemsOf({ registryNo: '', villageCode: ' ', headName: '', idNumber: '', size: '' })).toEqual([
      'registryNo: missing',
      'villageCode: missing',
      'headName: missing',
      'idNumber: missing',
      'size: missing',
    ]);
    expect(problemsOf({ status: '' })).toEqual([expect.stringMatching(/^status: missing: use REGISTERED/)]);
  });

  it('refuses a NUL character in a name, registry number or village code, which PostgreSQL cannot store', () => {
    expect(problemsOf({ headName: '王\u0000建国', registryNo: 'R\u00001', villageCode: '620522100201\u0000' })).toEqual(
      [
        'registryNo: contains a NUL character',
        'villageCode: contains a NUL character',
        'headName: contains a NUL character',
      ],
    );
  });

  it('checks the ID number: form, birth date and check character', () => {
    expect(problemsOf({ idNumber: '62052219700101123' })).toEqual([
      'idNumber: must be 18 characters: 17 digits and a digit or X',
    ]);
    const badDate = '620522197002301234';
    expect(problemsOf({ idNumber: badDate })).toEqual(['idNumber: the birth date inside it is not a real date']);
    const wrongCheck = ID.slice(0, 17) + (ID[17] === '0' ? '1' : '0');
    expect(problemsOf({ idNumber: wrongCheck })).toEqual([
      'idNumber: the check character does not match (a typing error?)',
    ]);
  });

  it('takes sizes from 1 to 30 only', () => {
    expect(check({ size: '1' }).household?.size).toBe(1);
    expect(check({ size: '30' }).household?.size).toBe(30);
    for (const bad of ['0', '31', '-1', '2.5', 'four', '1e1']) {
      expect(problemsOf({ size: bad })).toEqual([`size: must be a whole number from 1 to 30; got "${bad}"`]);
    }
  });

  it('names the accepted values of an enum column', () => {
    expect(problemsOf({ category: '精准户' })).toEqual([
      'category: must be one of TARGETED, POLICY_GUARANTEE, CONSOLIDATION or 精准扶贫户, 政策保障户, 巩固提升户; got "精准户"',
    ]);
    expect(problemsOf({ cause: 'BAD_LUCK' })).toEqual([expect.stringMatching(/^cause: must be one of DISASTER, /)]);
    expect(problemsOf({ status: 'GONE' })).toEqual([expect.stringMatching(/^status: must be one of REGISTERED, /)]);
  });

  it('requires category and cause of registered and exited households, not of the others', () => {
    expect(problemsOf({ category: '', cause: '' })).toEqual([
      'category: missing: REGISTERED households need one',
      'cause: missing: REGISTERED households need one',
    ]);
    expect(problemsOf({ status: 'NOT_REGISTERED', category: '', cause: '' })).toEqual([]);
    expect(problemsOf({ status: 'NOT_REGISTERED', category: 'TARGETED', cause: 'ILLNESS' })).toEqual([]);
  });

  it('requires exit reason and date of exited households and refuses them on the others', () => {
    expect(problemsOf({ status: 'EXITED' })).toEqual([
      'exitReason: missing: EXITED households need one',
      'exitedOn: missing: EXITED households need one',
    ]);
    expect(problemsOf({ status: 'EXITED', exitReason: 'WRONGLY_INCLUDED', exitedOn: '2013-01-01' })).toEqual([
      'exitedOn: is before registeredOn',
    ]);
    expect(problemsOf({ exitReason: 'REACHED_STANDARD', exitedOn: '2016-12-20' })).toEqual([
      'exitReason: only EXITED households have one, this one is REGISTERED',
      'exitedOn: only EXITED households have one, this one is REGISTERED',
    ]);
  });

  it('refuses dates that do not exist or lie in the future', () => {
    expect(problemsOf({ registeredOn: '2014-02-30' })).toEqual([
      'registeredOn: must be a real date, YYYY-MM-DD; got "2014-02-30"',
    ]);
    expect(problemsOf({ registeredOn: '2030-01-01' })).toEqual(['registeredOn: 2030-01-01 is in the future']);
    expect(checkRow(record({ registeredOn: '2030-01-01' }), header).problems).toEqual([]);
  });

  it('checks the phone number loosely', () => {
    expect(check({ phone: '0938-6512345' }).household?.phone).toBe('0938-6512345');
    expect(check({ phone: '+86 138 1234 5678' }).household?.phone).toBe('+86 138 1234 5678');
    for (const bad of ['12345', 'call me', '138-1234-567x']) {
      expect(problemsOf({ phone: bad })).toEqual([expect.stringMatching(/^phone: must be a phone number/)]);
    }
  });

  it('refuses extra non-empty cells and malformed quoting, but not trailing empty cells', () => {
    expect(checkRow(record({}, ['', ' ']), header).problems).toEqual([]);
    expect(checkRow(record({}, ['', 'x']), header).problems).toEqual([
      { column: null, message: 'has 15 cells but the header names 13 columns' },
    ]);
    const malformed = checkRow({ ...record(), problem: 'TEXT_AFTER_QUOTE' }, header);
    expect(malformed.household).toBeNull();
    expect(malformed.problems[0]?.message).toMatch(/^malformed CSV: text follows a closing quote/);
  });

  it('reads a header without the optional columns', () => {
    const narrow = (
      mapHeader(['registryNo', 'villageCode', 'headName', 'idNumber', 'size', 'status']) as {
        ok: true;
        header: HeaderMap;
      }
    ).header;
    const result = checkRow(
      { fields: ['r-1', '620522100201', '王五', ID, '2', 'NOT_REGISTERED'], problem: null },
      narrow,
    );
    expect(result.household).toMatchObject({ status: 'NOT_REGISTERED', phone: null, category: null });
    const registered = checkRow(
      { fields: ['r-1', '620522100201', '王五', ID, '2', 'REGISTERED'], problem: null },
      narrow,
    );
    expect(registered.problems.map((p) => p.column)).toEqual(['category', 'cause']);
  });

  it('never shows an ID number or phone, even in the wrong column', () => {
    const other = makeIdNumber('620523', { y: 1980, m: 6, d: 1 }, 7);
    const messages = [
      check({ size: ID }),
      check({ category: PHONE }),
      check({ registeredOn: ID }),
      check({ cause: other }),
      check({ status: '0938-6512345', phone: '0938-6512345' }),
      check({ idNumber: ID.slice(0, 17) + 'Y' }),
    ].flatMap((r) => r.problems.map((p) => p.message));
    const text = messages.join('\n');
    for (const secret of [ID, PHONE, other, '0938-6512345', ID.slice(0, 17)]) expect(text).not.toContain(secret);
    expect(messages.filter((m) => m.includes(WITHHELD))).toHaveLength(5);
  });

  it('names a rejected row by its registry number unless that might be personal data', () => {
    expect(check({ size: '0' }).reportAs).toBe('620522100201-0101');
    expect(check({ size: '0', registryNo: ID }).reportAs).toBeNull();
    expect(check({ size: '0', registryNo: PHONE }).reportAs).toBeNull();
    expect(reportRegistryNo('620522100201-0101', ID, null)).toBe('620522100201-0101');
    expect(reportRegistryNo('x', ID, 'x')).toBeNull();
    expect(reportRegistryNo('', ID, null)).toBeNull();
  });
});

describe('KeyIndex', () => {
  it('returns the first row that claimed a key', () => {
    const index = new KeyIndex();
    expect(index.claim('abc', 2)).toBeUndefined();
    expect(index.claim('abd', 3)).toBeUndefined();
    expect(index.claim('ab', 4)).toBeUndefined();
    expect(index.claim('abc', 5)).toBe(2);
    expect(index.claim('ab', 6)).toBe(4);
    expect(index.claim('户-1', 7)).toBeUndefined();
    expect(index.claim('户-1', 8)).toBe(7);
    expect(index.size).toBe(4);
  });

  it('stays exact while it grows past many resizes', () => {
    const index = new KeyIndex();
    const key = (i: number) => `6205221970${String(i * 7919).padStart(8, '0')}`;
    const keys = Array.from({ length: 50_000 }, (_, i) => key(i));
    expect(keys.filter((k, i) => index.claim(k, i + 2) !== undefined)).toEqual([]);
    expect(keys.filter((k, i) => index.claim(k, 1) !== i + 2)).toEqual([]);
    expect(index.claim('620522197000000001', 1)).toBeUndefined();
    expect(index.size).toBe(50_001);
  });
});

describe('DuplicateTracker', () => {
  it('reports the earlier row for a repeated ID number or registry number', () => {
    const tracker = new DuplicateTracker();
    expect(tracker.claim(2, 'r-1', 'A')).toEqual([]);
    expect(tracker.claim(3, 'r-2', 'B')).toEqual([]);
    expect(tracker.claim(4, 'r-1', 'A')).toEqual([
      { column: 'idNumber', message: 'same ID number as row 2' },
      { column: 'registryNo', message: 'same registry number as row 2' },
    ]);
    expect(tracker.claim(5, 'r-3', 'B')).toEqual([{ column: 'idNumber', message: 'same ID number as row 3' }]);
    expect(tracker.claim(6, null, null)).toEqual([]);
  });
});
