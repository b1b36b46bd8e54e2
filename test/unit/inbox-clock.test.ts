import { ChangeClock } from '../../api/inbox';

const VILLAGE = '620522100201';
const TOWNSHIP = VILLAGE.slice(0, 9);
const COUNTY = VILLAGE.slice(0, 6);

test('a change named by a village concerns the village, its township and its county, and no one else', () => {
  const clock = new ChangeClock();
  const read = clock.now();
  clock.change(VILLAGE);
  for (const scope of [VILLAGE, TOWNSHIP, COUNTY, ''])
    expect([scope, clock.unchangedSince(scope, read)]).toEqual([scope, false]);
  for (const scope of ['620522100202', '620522101', '620523'])
    expect([scope, clock.unchangedSince(scope, read)]).toEqual([scope, true]);
  // A read begun after the change is not made old by it.
  const later = clock.now();
  for (const scope of [VILLAGE, TOWNSHIP, COUNTY]) expect(clock.unchangedSince(scope, later)).toBe(true);
});

test('a change named by a township (a finding of no village) concerns the villages below it too', () => {
  const clock = new ChangeClock();
  const read = clock.now();
  clock.change(TOWNSHIP);
  expect(clock.unchangedSince(VILLAGE, read)).toBe(false);
  expect(clock.unchangedSince(COUNTY, read)).toBe(false);
  expect(clock.unchangedSince('620522101001', read)).toBe(true);
});

test("'' (a table emptied) concerns everyone; forgetting all makes every earlier read old", () => {
  const clock = new ChangeClock();
  const read = clock.now();
  clock.change('');
  expect(clock.unchangedSince(VILLAGE, read)).toBe(false);
  expect(clock.unchangedSince('999999', read)).toBe(false);
  const read2 = clock.now();
  expect(clock.unchangedSince(VILLAGE, read2)).toBe(true);
  clock.forgetAll();
  expect(clock.unchangedSince(VILLAGE, read2)).toBe(false);
  expect(clock.unchangedSince(VILLAGE, clock.now())).toBe(true);
});
