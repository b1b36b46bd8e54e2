// A household's facts through the real HTTP API on a real stack: the seeded facts in GET /households/{id} with each
// year's poverty line, PUT /households/{id}/facts by the village and its township with the field-level history (who,
// when, what; ID numbers masked), members' ID numbers masked per caller as the household's own, 403 for another
// village and for the county, bad input 400 naming the field with nothing changed; GET /poverty-lines.
import { makeIdNumber, maskIdNumber } from '../../domain/idNumber';
import { createOfficial } from '../../infra/officials';
import { api } from '../../kit/http';
import { expectProblem, officialsFor, type Client } from '../../kit/rounds';
import { startStack, type Stack } from '../../kit/stack';

let stack: Stack;
const VILLAGE = '620522101201';

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const prisma = () => stack.db.prisma;

/** Row counts and a digest of the facts tables: what "nothing changed" is checked on. */
async function factsSnapshot() {
  const [row] = await prisma().$queryRaw<{ digest: string }[]>`
    SELECT md5(
      (SELECT coalesce(string_agg(t::text, ',' ORDER BY t::text), '') FROM "HouseholdMember" t) ||
      (SELECT coalesce(string_agg(t::text, ',' ORDER BY t::text), '') FROM "HouseholdIncome" t) ||
      (SELECT coalesce(string_agg(t::text, ',' ORDER BY t::text), '') FROM "HouseholdIndicators" t) ||
      (SELECT coalesce(string_agg(t::text, ',' ORDER BY t::text), '') FROM "HouseholdFactsChange" t)) AS digest`;
  return row!.digest;
}

async function householdOf(villageCode: string, skip = 0) {
  return prisma().household.findFirstOrThrow({
    where: { villageCode, status: 'REGISTERED' },
    orderBy: { registryNo: 'asc' },
    skip,
  });
}

const member = (n: number, over: object = {}) => ({
  name: `成员${n}`,
  relation: n === 1 ? 'HEAD' : 'CHILD',
  idNumber: makeIdNumber('620522', { y: 1980 + n, m: 5, d: 6 }, 101 + 2 * n),
  birthYear: 1980 + n,
  sex: 'MALE',
  health: 'HEALTHY',
  schooling: 'JUNIOR_SECONDARY',
  labour: 'FULL',
  ...over,
});

describe('GET /households/{id}: the seeded facts', () => {
  it('shows members consistent with the size (head first), incomes with their line, and the indicators', async () => {
    const o = await officialsFor(stack, VILLAGE);
    const h = await householdOf(VILLAGE);
    const r = await o.village.client.get(`/households/${h.id}`);
    expect(r.status).toBe(200);
    const { facts } = r.body;
    expect(facts.members).toHaveLength(h.size);
    expect(facts.members[0]).toMatchObject({ seq: 1, relation: 'HEAD', name: h.headName, idNumber: h.idNumber });
    expect(facts.incomes.map((i: { year: number; line: number }) => [i.year, i.line])).toEqual([
      [2019, 3218],
      [2020, 4000],
    ]);
    for (const i of facts.incomes) expect(i.aboveLine).toBe(i.perCapita > i.line);
    expect(Object.keys(facts.indicators).sort()).toEqual(
      ['assessedOn', 'drinkingWater', 'education', 'foodClothing', 'housing', 'medical'].sort(),
    );
    expect(facts.history).toEqual([]);
  });

  it('masks members’ ID numbers exactly as the household’s own for the county, in full for the township', async () => {
    const o = await officialsFor(stack, VILLAGE);
    const h = await householdOf(VILLAGE, 1);
    const county = (await o.county.client.get(`/households/${h.id}`)).body;
    const township = (await o.township.client.get(`/households/${h.id}`)).body;
    expect(county.idNumberMasked).toBe(true);
    const rows = await prisma().householdMember.findMany({ where: { householdId: h.id }, orderBy: { seq: 'asc' } });
    expect(county.facts.members.map((m: { idNumber: string }) => m.idNumber)).toEqual(
      rows.map((m) => maskIdNumber(m.idNumber!)),
    );
    expect(county.facts.members[0].idNumber).toBe(county.idNumber);
    expect(county.facts.members.every((m: { idNumberMasked: boolean }) => m.idNumberMasked)).toBe(true);
    expect(township.facts.members.map((m: { idNumber: string }) => m.idNumber)).toEqual(rows.map((m) => m.idNumber));
    expect(JSON.stringify(county)).not.toContain(rows[0]!.idNumber!);
  });
});

describe('PUT /households/{id}/facts', () => {
  it('replaces the sections given, keeps the others, and records who, when and what changed (ID numbers masked)', async () => {
    const o = await officialsFor(stack, VILLAGE);
    const h = await householdOf(VILLAGE, 2);
    const before = (await o.village.client.get(`/households/${h.id}`)).body.facts;
    const members = [
      member(1),
      member(2, { sex: 'FEMALE', idNumber: makeIdNumber('620522', { y: 1982, m: 5, d: 6 }, 104) }),
    ];
    const put = await o.village.client.put(`/households/${h.id}/facts`, {
      members,
      incomes: [
        { year: 2020, perCapita: 3600 },
        { year: 2021, perCapita: 4300 },
      ],
    });
    expect(put.status).toBe(200);
    expect(put.body.changed).toBe(true);
    const after = put.body.facts;
    expect(after.members.map((m: { name: string; idNumber: string }) => [m.name, m.idNumber])).toEqual(
      members.map((m) => [m.name, m.idNumber]),
    );
    // A year without a line: shown as such, neither above nor below.
    expect(after.incomes).toEqual([
      { year: 2020, perCapita: 3600, line: 4000, aboveLine: false },
      { year: 2021, perCapita: 4300, line: null, aboveLine: null },
    ]);
    expect(after.indicators).toEqual(before.indicators);
    expect(after.history).toHaveLength(1);
    const change = after.history[0];
    expect(change).toMatchObject({ source: 'API', changedById: o.village.id, changedByName: '村支书' });
    expect(Date.now() - Date.parse(change.at)).toBeLessThan(60_000);
    const paths = change.changes.map((c: { path: string }) => c.path);
    expect(paths).toEqual(expect.arrayContaining(['members.1.name', 'members.2.name', 'incomes.2021', 'incomes.2019']));
    expect(paths.some((p: string) => p.startsWith('indicators'))).toBe(false);
    expect(change.changes.find((c: { path: string }) => c.path === 'incomes.2019')).toEqual({
      path: 'incomes.2019',
      from: before.incomes[0].perCapita,
      to: null,
    });
    expect(change.changes.find((c: { path: string }) => c.path === 'members.1.idNumber')).toEqual({
      path: 'members.1.idNumber',
      from: maskIdNumber(h.idNumber),
      to: maskIdNumber(members[0]!.idNumber),
    });
    // The history never holds an ID number in full, not even in the database.
    const stored = JSON.stringify(await prisma().householdFactsChange.findMany({ where: { householdId: h.id } }));
    for (const m of members) expect(stored).not.toContain(m.idNumber);
    expect(stored).not.toContain(h.idNumber);

    // The township changes the indicators; the same sections again change nothing and add no history.
    const indicators = { ...before.indicators, housing: false, assessedOn: '2021-03-01' };
    const byTownship = await o.township.client.put(`/households/${h.id}/facts`, { indicators });
    expect(byTownship.body.facts.indicators).toEqual(indicators);
    expect(byTownship.body.facts.history.map((c: { changedById: string }) => c.changedById)).toEqual([
      o.village.id,
      o.township.id,
    ]);
    const again = await o.township.client.put(`/households/${h.id}/facts`, { indicators });
    expect(again.body).toMatchObject({ changed: false });
    expect(again.body.facts.history).toHaveLength(2);
  });

  it('is refused (403) to another village, another township and the county, and writes nothing', async () => {
    const h = await householdOf(VILLAGE, 3);
    const other = await officialsFor(stack, '620522102201');
    const county = await createOfficial(prisma(), { role: 'COUNTY', scopeCode: '620522', name: '县' });
    const before = await factsSnapshot();
    const body = { incomes: [{ year: 2020, perCapita: 100 }] };
    for (const client of [other.village.client, other.township.client, api(stack.baseUrl, county.token)]) {
      expectProblem(await client.put(`/households/${h.id}/facts`, body), 403);
    }
    expect(await factsSnapshot()).toBe(before);
  });

  it('refuses bad input with 400 naming the field, and changes nothing', async () => {
    const o = await officialsFor(stack, VILLAGE);
    const h = await householdOf(VILLAGE, 4);
    const before = await factsSnapshot();
    const badChecksum = member(1).idNumber.slice(0, 17) + (member(1).idNumber.endsWith('0') ? '1' : '0');
    const cases: [object, string][] = [
      [{ incomes: [{ year: 2020, perCapita: -1 }] }, 'incomes.0.perCapita'],
      [
        {
          incomes: [
            { year: 2020, perCapita: 1 },
            { year: 2020, perCapita: 2 },
          ],
        },
        'incomes.1.year',
      ],
      [{ incomes: [{ year: 2999, perCapita: 1 }] }, 'incomes.0.year'],
      [{ members: [member(1, { birthYear: 1850 })] }, 'members.0.birthYear'],
      [{ members: [member(1, { idNumber: badChecksum })] }, 'members.0.idNumber'],
      [{ members: [member(1, { birthYear: 1990 })] }, 'members.0.birthYear'],
      [{ members: [member(1, { sex: 'FEMALE' })] }, 'members.0.sex'],
      [{ members: [member(1, { health: 'SICK' })] }, 'members.0.health'],
      [{ members: [member(2)] }, 'members.0.relation'],
      [{ members: [member(1), member(1, { relation: 'SPOUSE' })] }, 'members.1.idNumber'],
      [{ indicators: { foodClothing: true } }, 'indicators.education'],
      [{}, '(body)'],
    ];
    for (const [body, path] of cases) {
      const r = await o.village.client.put(`/households/${h.id}/facts`, body);
      expectProblem(r, 400, undefined, 'VALIDATION_FAILED');
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect(await factsSnapshot()).toBe(before);
  });
});

describe('GET /poverty-lines', () => {
  it('lists the published lines with their source to any official', async () => {
    const o = await officialsFor(stack, VILLAGE);
    for (const client of [o.village.client, o.county.client] as Client[]) {
      const r = await client.get('/poverty-lines');
      expect(r.status).toBe(200);
      expect(r.body.items.map((l: { year: number; perCapita: number }) => [l.year, l.perCapita])).toEqual([
        [2010, 2300],
        [2014, 2800],
        [2015, 2855],
        [2019, 3218],
        [2020, 4000],
      ]);
      expect(
        r.body.items.every((l: { enteredByCounty: boolean; source: string }) => !l.enteredByCounty && l.source),
      ).toBe(true);
    }
  });
});
