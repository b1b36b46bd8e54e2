// Every endpoint × every kind of caller, inside and outside the jurisdiction: who is refused (401/403) and who
// gets through to the next check. Bodies are empty or invalid on purpose, so an allowed caller gets a 400 (or a
// 409 for a state conflict) and nothing changes: authorization is always decided first.
import { randomUUID } from 'node:crypto';
import { createOfficial } from '../../infra/officials';
import { api } from '../support/http';
import { startStack, type Stack } from '../support/stack';

type Who = 'none' | 'villageIn' | 'villageOut' | 'townshipIn' | 'townshipOut' | 'county' | 'admin';
const OFFICIALS: Who[] = ['villageIn', 'villageOut', 'townshipIn', 'townshipOut', 'county', 'admin'];

let stack: Stack;
let clients: Record<Who, ReturnType<typeof api>>;
let roundId: string;
let householdId: string;
const V_IN = '620522101201';

beforeAll(async () => {
  stack = await startStack();
  const p = stack.db.prisma;
  const villageIn = await p.village.findFirstOrThrow({
    where: { townshipCode: '620522101' },
    orderBy: { code: 'asc' },
  });
  const villageOut = await p.village.findFirstOrThrow({
    where: { townshipCode: '620522102' },
    orderBy: { code: 'asc' },
  });
  expect(villageIn.code).toBe(V_IN);
  const make = async (role: 'VILLAGE' | 'TOWNSHIP' | 'COUNTY' | 'ADMIN', scopeCode: string) =>
    api(stack.baseUrl, (await createOfficial(p, { role, scopeCode, name: `${role} ${scopeCode}` })).token);
  clients = {
    // Unauthenticated calls come from their own address: failed authentications are rate-limited per client.
    none: api(stack.baseUrl, undefined, { 'x-forwarded-for': '203.0.113.7' }),
    villageIn: await make('VILLAGE', villageIn.code),
    villageOut: await make('VILLAGE', villageOut.code),
    townshipIn: await make('TOWNSHIP', '620522101'),
    townshipOut: await make('TOWNSHIP', '620522102'),
    county: await make('COUNTY', '620522'),
    admin: await make('ADMIN', '620522'),
  };
  const started = await clients.townshipIn.post('/rounds', {
    villageCode: V_IN,
    policy: { publicityPeriod: '1 hour' },
  });
  expect(started.status).toBe(201);
  roundId = started.body.roundId;
  householdId = (await p.household.findFirstOrThrow({ where: { villageCode: V_IN } })).id;
});
afterAll(async () => {
  await stack?.stop();
});

const IN_SCOPE: Who[] = ['villageIn', 'townshipIn', 'county', 'admin'];
const EVERYONE: Who[] = OFFICIALS;

interface Case {
  method: 'GET' | 'POST' | 'PUT';
  path: () => string;
  body?: unknown;
  allowed: Who[];
}

const cases: Record<string, Case> = {
  'GET /me': { method: 'GET', path: () => '/me', allowed: EVERYONE },
  'GET /townships': { method: 'GET', path: () => '/townships', allowed: EVERYONE },
  'GET /villages': { method: 'GET', path: () => '/villages', allowed: EVERYONE },
  'GET /villages/:code': { method: 'GET', path: () => `/villages/${V_IN}`, allowed: IN_SCOPE },
  'GET /households?village=': { method: 'GET', path: () => `/households?village=${V_IN}`, allowed: IN_SCOPE },
  'GET /households/:id': { method: 'GET', path: () => `/households/${householdId}`, allowed: IN_SCOPE },
  'GET /rounds': { method: 'GET', path: () => '/rounds', allowed: EVERYONE },
  'GET /rounds/:id': { method: 'GET', path: () => `/rounds/${roundId}`, allowed: IN_SCOPE },
  'GET /rounds/:id/notices/:v': { method: 'GET', path: () => `/rounds/${roundId}/notices/1`, allowed: IN_SCOPE },
  'GET /tasks': { method: 'GET', path: () => '/tasks', allowed: EVERYONE },
  'GET /campaigns': { method: 'GET', path: () => '/campaigns', allowed: EVERYONE },
  'GET /supervision/findings': { method: 'GET', path: () => '/supervision/findings', allowed: EVERYONE },
  'GET /exit-plan': { method: 'GET', path: () => '/exit-plan?year=2016', allowed: EVERYONE },
  'GET /assessment/townships': { method: 'GET', path: () => '/assessment/townships?year=2016', allowed: EVERYONE },
  'GET /villages/:code/responsibility': {
    method: 'GET',
    path: () => `/villages/${V_IN}/responsibility`,
    allowed: IN_SCOPE,
  },
  'GET /households/:id/responsibility': {
    method: 'GET',
    path: () => `/households/${householdId}/responsibility`,
    allowed: IN_SCOPE,
  },
  'POST /rounds': {
    method: 'POST',
    path: () => '/rounds',
    body: { villageCode: V_IN },
    allowed: ['townshipIn', 'county', 'admin'],
  },
  'POST /rounds/:id/assessment': {
    method: 'POST',
    path: () => `/rounds/${roundId}/assessment`,
    body: {},
    allowed: ['villageIn'],
  },
  'POST /rounds/:id/objections': {
    method: 'POST',
    path: () => `/rounds/${roundId}/objections`,
    body: {},
    allowed: ['villageIn', 'townshipIn', 'county'],
  },
  'POST /rounds/:id/objections/:o/resolution': {
    method: 'POST',
    path: () => `/rounds/${roundId}/objections/${randomUUID()}/resolution`,
    body: {},
    allowed: ['townshipIn'],
  },
  'POST /rounds/:id/township-review': {
    method: 'POST',
    path: () => `/rounds/${roundId}/township-review`,
    body: {},
    allowed: ['townshipIn'],
  },
  'POST /rounds/:id/county-announcement': {
    method: 'POST',
    path: () => `/rounds/${roundId}/county-announcement`,
    body: {},
    allowed: ['county'],
  },
  'POST /rounds/:id/cancel': {
    method: 'POST',
    path: () => `/rounds/${roundId}/cancel`,
    body: {},
    allowed: ['county', 'admin'],
  },
  'POST /campaigns': { method: 'POST', path: () => '/campaigns', body: {}, allowed: ['county', 'admin'] },
  'POST /campaigns/:id/cancel': {
    method: 'POST',
    path: () => '/campaigns/campaign-2026-00000000/cancel',
    body: {},
    allowed: ['county', 'admin'],
  },
  'POST /supervision/sweeps': {
    method: 'POST',
    path: () => '/supervision/sweeps',
    body: { policy: 'nonsense' },
    allowed: ['county', 'admin'],
  },
  'PUT /villages/:code/responsibility': {
    method: 'PUT',
    path: () => `/villages/${V_IN}/responsibility`,
    body: {},
    allowed: ['townshipIn', 'county', 'admin'],
  },
  'PUT /households/:id/responsibility': {
    method: 'PUT',
    path: () => `/households/${householdId}/responsibility`,
    body: {},
    allowed: ['townshipIn', 'county', 'admin'],
  },
};

test.each(Object.keys(cases))('%s', async (name) => {
  const c = cases[name]!;
  const before = await stack.db.prisma.decision.count();
  const outcome: Record<string, number> = {};
  const expected: Record<string, number | string> = {};
  for (const who of ['none', ...OFFICIALS] as Who[]) {
    const client = clients[who];
    const reply =
      c.method === 'GET'
        ? await client.get(c.path())
        : c.method === 'PUT'
          ? await client.put(c.path(), c.body)
          : await client.post(c.path(), c.body);
    outcome[who] = reply.status;
    if (reply.status >= 400) expect(reply.headers.get('content-type')).toMatch(/application\/problem\+json/);
  }
  // Compare as one object so that a failure shows the whole row of the matrix.
  const seen: Record<string, number | string> = {};
  for (const who of ['none', ...OFFICIALS] as Who[]) {
    expected[who] = who === 'none' ? 401 : c.allowed.includes(who) ? 'allowed' : 403;
    const s = outcome[who]!;
    // Past 20 failed authentications the anonymous client is throttled (429): still refused.
    seen[who] = s === 429 && who === 'none' ? 401 : s === 401 || s === 403 || s >= 500 ? s : 'allowed';
  }
  expect(seen).toEqual(expected);
  expect(await stack.db.prisma.decision.count()).toBe(before);
});
