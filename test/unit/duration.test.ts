import { durationMs, parseDuration } from '../../domain/duration';

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

describe('parseDuration', () => {
  it.each([
    ['7 days', 7 * DAY],
    ['2s', 2 * SECOND],
    ['14 days', 14 * DAY],
    ['1.5h', 1.5 * HOUR],
    ['500ms', 500],
    ['1 week', 7 * DAY],
    ['2 weeks', 14 * DAY],
    ['36h', 36 * HOUR],
    ['1.5 hours', 1.5 * HOUR],
    ['90 minutes', 90 * 60 * SECOND],
    ['10m', 10 * 60 * SECOND],
    ['1 day', DAY],
    ['3d', 3 * DAY],
    ['1w', 7 * DAY],
    ['30 sec', 30 * SECOND],
    ['500', 500],
    ['  2s  ', 2 * SECOND],
    ['7 DAYS', 7 * DAY],
    ['0s', 0],
  ])('parses %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('rounds fractional milliseconds', () => {
    expect(parseDuration('1.4ms')).toBe(1);
    expect(parseDuration('0.0015s')).toBe(2);
  });

  it.each([
    '',
    '   ',
    'abc',
    '7 parsecs',
    '-1s',
    '-7 days',
    's',
    '1..5h',
    '1e3s',
    '7 days ago',
    '1h30m',
    '.5h',
    'Infinity',
  ])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

describe('durationMs', () => {
  it('returns the milliseconds of a valid duration', () => {
    expect(durationMs('7 days')).toBe(7 * DAY);
  });

  it('throws a RangeError naming the bad text', () => {
    expect(() => durationMs('7 parsecs')).toThrow(RangeError);
    expect(() => durationMs('7 parsecs')).toThrow('"7 parsecs"');
  });
});
