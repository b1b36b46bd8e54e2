// The demo households' facts: deterministic, consistent with each household, and plausible against the lines.
import { entryProblems, evidenceOf, exitProblems } from '../../domain/facts';
import { idNumberProblem } from '../../domain/idNumber';
import { buildDemoCounty } from '../../infra/seed-data';
import { buildHouseholdFacts } from '../../infra/seed-facts';

const { households } = buildDemoCounty();
const facts = buildHouseholdFacts(households);
const LINES = [
  { year: 2019, perCapita: 3218 },
  { year: 2020, perCapita: 4000 },
];
const byStatus = (status: string) => households.flatMap((h, i) => (h.status === status ? [facts[i]!] : []));
const share = (list: typeof facts, ok: (f: (typeof facts)[number]) => boolean) => list.filter(ok).length / list.length;
const readyToExit = (f: (typeof facts)[number]) => exitProblems(evidenceOf(f, LINES)).length === 0;

test('is deterministic', () => {
  expect(buildHouseholdFacts(households.slice(0, 50))).toEqual(facts.slice(0, 50));
});

test('gives every household members matching its size, the head first with its own name and ID number', () => {
  households.forEach((h, i) => {
    const { members } = facts[i]!;
    expect(members).toHaveLength(h.size);
    expect(members[0]).toMatchObject({ relation: 'HEAD', name: h.headName, idNumber: h.idNumber });
    expect(members.filter((m) => m.relation === 'HEAD')).toHaveLength(1);
    for (const m of members) {
      expect(idNumberProblem(m.idNumber!)).toBeNull();
      expect(Number(m.idNumber!.slice(6, 10))).toBe(m.birthYear);
      expect(Number(m.idNumber![16]) % 2 === 1 ? 'MALE' : 'FEMALE').toBe(m.sex);
      expect(m.birthYear).toBeLessThanOrEqual(2020);
    }
  });
});

test('puts registered households mostly below the line, some ready to exit; exited ones stably above', () => {
  const registered = byStatus('REGISTERED');
  expect(share(registered, (f) => entryProblems(evidenceOf(f, LINES)).length === 0)).toBeGreaterThan(0.75);
  const ready = share(registered, readyToExit);
  expect(ready).toBeGreaterThan(0.08);
  expect(ready).toBeLessThan(0.25);
  expect(share(byStatus('EXITED'), readyToExit)).toBe(1);
  const missed = share(byStatus('NOT_REGISTERED'), (f) => f.incomes[1]!.perCapita < 4000);
  expect(missed).toBeGreaterThan(0);
  expect(missed).toBeLessThan(0.2);
  for (const f of facts) expect(f.incomes.map((i) => i.year)).toEqual([2019, 2020]);
});
