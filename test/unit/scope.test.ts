import { codesWithin, sqlCodesWithin } from '../../api/scope';
import { Prisma } from '../../infra/db';

/** What `startsWith` means, for comparison with the range. */
const within = (range: { gte: string; lt?: string }, code: string) =>
  code >= range.gte && (range.lt === undefined || code < range.lt);

test('codesWithin selects exactly the codes that start with the scope', () => {
  expect(codesWithin('620522')).toEqual({ gte: '620522', lt: '620523' });
  expect(codesWithin('620529')).toEqual({ gte: '620529', lt: '620530' });
  expect(codesWithin('620522109')).toEqual({ gte: '620522109', lt: '620522110' });
  expect(codesWithin('999')).toEqual({ gte: '999' });
  const codes = [
    '620521999999',
    '620522',
    '620522100',
    '620522100201',
    '620522999999',
    '620523',
    '620523100201',
    '62052',
  ];
  for (const scope of ['620522', '620522100', '620522100201', '62052', '999']) {
    for (const code of codes)
      expect([scope, code, within(codesWithin(scope), code)]).toEqual([scope, code, code.startsWith(scope)]);
  }
});

test('codesWithin refuses anything but a division code', () => {
  expect(() => codesWithin("620522' OR 1=1")).toThrow(/not a division code/);
  expect(() => codesWithin('')).toThrow(/not a division code/);
});

test('sqlCodesWithin is the same range as bound parameters, never spliced text', () => {
  const township = sqlCodesWithin(Prisma.sql`"villageCode"`, '620522100');
  expect(township.sql).toBe('"villageCode" >= ? AND "villageCode" < ?');
  expect(township.values).toEqual(['620522100', '620522101']);
  const nines = sqlCodesWithin(Prisma.sql`code`, '999');
  expect(nines.sql).toBe('code >= ?');
  expect(nines.values).toEqual(['999']);
});
