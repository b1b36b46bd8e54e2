import {
  idCheckChar,
  idNumberProblem,
  isValidIdNumber,
  makeIdNumber,
  maskIdNumber,
  maskPhone,
  normalizeIdNumber,
} from '../../domain/idNumber';

/** The first 17 characters plus the check character they call for. */
const withCheck = (first17: string) => first17 + idCheckChar(first17);

describe('idCheckChar (ISO 7064 MOD 11-2)', () => {
  it('computes the check character of the example in GB 11643-1999 (an X)', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
  });

  it('computes digit check characters', () => {
    expect(idCheckChar('62010219800101123')).toBe('9');
    expect(idCheckChar('11010119900307001')).toBe('1');
  });

  it('refuses anything but 17 digits', () => {
    expect(() => idCheckChar('1234567890123456')).toThrow(RangeError);
    expect(() => idCheckChar('123456789012345678')).toThrow(RangeError);
    expect(() => idCheckChar('1234567890123456X')).toThrow(RangeError);
    expect(() => idCheckChar('')).toThrow(RangeError);
  });
});

describe('makeIdNumber', () => {
  it('builds a valid number from division, birth date and sequence', () => {
    const id = makeIdNumber('620102', { y: 1980, m: 1, d: 1 }, 123);
    expect(id).toBe('620102198001011239');
    expect(isValidIdNumber(id)).toBe(true);
  });

  it('produces an X check character for some sequences (found by computing)', () => {
    const seq = Array.from({ length: 100 }, (_, i) => i).find((s) =>
      makeIdNumber('620522', { y: 1980, m: 1, d: 1 }, s).endsWith('X'),
    );
    expect(seq).toBe(9);
    const id = makeIdNumber('620522', { y: 1980, m: 1, d: 1 }, 9);
    expect(id).toBe('62052219800101009X');
    expect(idNumberProblem(id)).toBeNull();
    expect(isValidIdNumber(id)).toBe(true);
  });

  it('pads the parts and keeps only the last three digits of the sequence', () => {
    const id = makeIdNumber('620522', { y: 2001, m: 2, d: 3 }, 1042);
    expect(id.slice(0, 17)).toBe('62052220010203042');
    expect(isValidIdNumber(id)).toBe(true);
  });
});

describe('idNumberProblem', () => {
  it('accepts valid numbers, with an upper- or lower-case X', () => {
    expect(idNumberProblem('620102198001011239')).toBeNull();
    expect(idNumberProblem('11010519491231002X')).toBeNull();
    expect(idNumberProblem('11010519491231002x')).toBeNull();
    expect(idNumberProblem('62052219800101009x')).toBeNull();
    expect(isValidIdNumber('62052219800101009x')).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['17 characters', '62010219800101123'],
    ['19 characters', '6201021980010112390'],
    ['a letter inside', '62010219800A011239'],
    ['X not at the end', 'X20102198001011239'],
    ['another check letter', '62010219800101123Y'],
    ['surrounding spaces (not trimmed)', ' 620102198001011239 '],
    ['separators', '620102-19800101-1239'],
  ])('reports FORMAT for %s', (_name, value) => {
    expect(idNumberProblem(value)).toBe('FORMAT');
    expect(isValidIdNumber(value)).toBe(false);
  });

  it.each([
    ['30 February', '62010219800230123'],
    ['29 February of a common year', '62010219810229123'],
    ['29 February 1900 (not a leap year)', '62010219000229123'],
    ['month 13', '62010219801301123'],
    ['month 00', '62010219800001123'],
    ['day 00', '62010219800100123'],
    ['day 32', '62010219800132123'],
    ['31 April', '62010219800431123'],
    ['a year before 1900', '62010218991231123'],
  ])('reports BIRTH_DATE for %s (even with a correct check character)', (_name, first17) => {
    expect(idNumberProblem(withCheck(first17))).toBe('BIRTH_DATE');
  });

  it('accepts 29 February of a leap year', () => {
    expect(idNumberProblem(withCheck('62010220000229123'))).toBeNull();
    expect(idNumberProblem(withCheck('62010219960229123'))).toBeNull();
  });

  it('reports CHECKSUM when the check character is wrong', () => {
    expect(idNumberProblem('620102198001011234')).toBe('CHECKSUM');
    expect(idNumberProblem('62010219800101123X')).toBe('CHECKSUM');
    expect(idNumberProblem('110105194912310021')).toBe('CHECKSUM');
    expect(isValidIdNumber('620102198001011234')).toBe(false);
  });

  it('reports CHECKSUM for a single changed digit', () => {
    const id = makeIdNumber('620522', { y: 1975, m: 6, d: 15 }, 321);
    const changed = id.slice(0, 5) + String((Number(id[5]) + 1) % 10) + id.slice(6);
    expect(idNumberProblem(changed)).toBe('CHECKSUM');
  });
});

describe('normalizeIdNumber', () => {
  it('trims and upper-cases', () => {
    expect(normalizeIdNumber('  11010519491231002x \n')).toBe('11010519491231002X');
  });
});

describe('maskIdNumber', () => {
  it('keeps the first four and last four characters of an 18-character number', () => {
    const masked = maskIdNumber('620102198001011234');
    expect(masked).toBe('6201**********1234');
    expect(masked).toHaveLength(18);
  });

  it('keeps a trailing X visible', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('1101**********002X');
  });

  it('masks short values entirely', () => {
    expect(maskIdNumber('12345678')).toBe('********');
    expect(maskIdNumber('')).toBe('');
    expect(maskIdNumber('123456789')).toBe('1234*6789');
  });
});

describe('maskPhone', () => {
  it('keeps the first three and last four digits of a mobile number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('ignores separators', () => {
    expect(maskPhone('138-1234-5678')).toBe('138****5678');
    expect(maskPhone('138 1234 5678')).toBe('138****5678');
  });

  it('masks very short numbers entirely', () => {
    expect(maskPhone('1234')).toBe('****');
    expect(maskPhone('')).toBe('');
  });

  it('keeps only the last two digits of a landline number', () => {
    expect(maskPhone('123456')).toBe('****56');
    expect(maskPhone('81234567')).toBe('******67');
  });

  it('hides at least one digit of a 7-digit number', () => {
    const masked = maskPhone('8123456');
    expect(masked).not.toBe('8123456');
    expect(masked).toMatch(/\*/);
  });
});
