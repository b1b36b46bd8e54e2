import { codeInScope, containsNul, DEFAULT_POLICY } from '../../domain/round';
import { isQuorate, PUBLICITY_STAGES, STAGE_DECIDER } from '../../domain/procedure';
import { parseDuration } from '../../domain/duration';

const meeting = (representativesPresent: number, representativesTotal: number) => ({
  representativesPresent,
  representativesTotal,
});

describe('isQuorate (at least two thirds present)', () => {
  it('is quorate at exactly two thirds: 20 of 30', () => {
    expect(isQuorate(meeting(20, 30))).toBe(true);
  });

  it('is not quorate just below two thirds: 19 of 30', () => {
    expect(isQuorate(meeting(19, 30))).toBe(false);
  });

  it('is never quorate without representatives', () => {
    expect(isQuorate(meeting(0, 0))).toBe(false);
    expect(isQuorate(meeting(5, 0))).toBe(false);
  });

  it.each([
    [2, 3, true],
    [1, 3, false],
    [3, 3, true],
    [1, 1, true],
    [0, 1, false],
    [1, 2, false],
    [2, 2, true],
    [7, 10, true],
    [6, 10, false],
    [14, 21, true],
    [13, 21, false],
    [30, 30, true],
    [0, 30, false],
  ])('%d of %d present → %s', (present, total, quorate) => {
    expect(isQuorate(meeting(present, total))).toBe(quorate);
  });

  it('uses exact integer arithmetic (no floating-point two thirds)', () => {
    expect(isQuorate(meeting(66_666, 99_999))).toBe(true);
    expect(isQuorate(meeting(66_665, 99_999))).toBe(false);
  });
});

describe('codeInScope (codes nest by prefix)', () => {
  const county = '620522';
  const township = '620522100';
  const village = '620522100201';

  it('puts a village inside its township and county, and a code inside itself', () => {
    expect(codeInScope(county, village)).toBe(true);
    expect(codeInScope(township, village)).toBe(true);
    expect(codeInScope(county, township)).toBe(true);
    expect(codeInScope(village, village)).toBe(true);
    expect(codeInScope(township, township)).toBe(true);
    expect(codeInScope(county, county)).toBe(true);
  });

  it('keeps other townships, villages and counties out', () => {
    expect(codeInScope('620522101', village)).toBe(false);
    expect(codeInScope('620522100202', village)).toBe(false);
    expect(codeInScope('620521', village)).toBe(false);
    expect(codeInScope(county, '620523100201')).toBe(false);
  });

  it('does not put a wider code inside a narrower scope', () => {
    expect(codeInScope(village, township)).toBe(false);
    expect(codeInScope(township, county)).toBe(false);
  });
});

describe('round constants', () => {
  it('has a default policy of valid durations', () => {
    expect(parseDuration(DEFAULT_POLICY.publicityPeriod)).toBe(7 * 86_400_000);
    expect(parseDuration(DEFAULT_POLICY.stageDeadline)).toBe(14 * 86_400_000);
  });

  it('names the two publicity stages and who decides the others', () => {
    expect(PUBLICITY_STAGES).toEqual(['FIRST_PUBLICITY', 'SECOND_PUBLICITY']);
    expect(STAGE_DECIDER).toEqual({
      VILLAGE_ASSESSMENT: 'VILLAGE',
      TOWNSHIP_REVIEW: 'TOWNSHIP',
      COUNTY_ANNOUNCEMENT: 'COUNTY',
    });
  });
});

describe('containsNul', () => {
  it('finds a NUL anywhere inside nested update arguments', () => {
    expect(containsNul([{ actor: { name: 'a' }, proposals: [{ note: 'x\u0000y' }] }])).toBe(true);
    expect(containsNul([{ actor: { name: 'a' }, proposals: [{ note: '正常' }], votes: 3 }])).toBe(false);
    expect(containsNul(null)).toBe(false);
  });
});
