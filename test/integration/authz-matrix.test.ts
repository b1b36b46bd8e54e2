// Every endpoint × every kind of caller, inside and outside the jurisdiction: the exact status each one gets.
// Bodies are empty or invalid on purpose, so an allowed caller reaches validation (400) or a state conflict (409)
// and nothing changes: authorization is always decided first. "Nothing changes" is checked on every table of the
// schema (row count and a digest of the rows), not on one table. Also here: malformed Authorization headers,
// jurisdiction checked before existence (probed with codes that do not exist), and the workflow validators'
// refusal of NUL reached through the Temporal client, without the HTTP guard in front.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Actor, AssessmentUpdate } from '../../domain/round';
import { createOfficial } from '../../infra/officials';
import { RoundError, roundOpenedUpdate, submitAssessmentUpdate } from '../../workflows/round-contract';
import { api, eventually } from '../../kit/http';
import { startStack, type Stack } from '../../kit/stack';

type Who = 'none' | 'villageIn' | 'villageOut' | 'townshipIn' | 'townshipOut' | 'county' | 'admin';
const OFFICIALS: Who[] = ['villageIn', 'villageOut', 'townshipIn', 'townshipOut', 'county', 'admin'];
const ALL: Who[] = ['none', ...OFFICIALS];

let stack: Stack;
let clients: Record<Exclude<Who, 'none'>, ReturnType<typeof api>>;
let tokens: Record<Exclude<Who, 'none'>, string>;
let roundId: string;
let householdId: string;
let campaignId: string;
let sweepId: string;
let exitId: string;
let verificationId: string;
const V_IN = '620522101201';
/** A campaign's village, away from the matrix's township. */
const V_CAMPAIGN = '620522103201';
/** Codes that exist nowhere: a village inside township 620522101, and a township of the county with its village. */
const V_MISSING = '620522101299';
const T_MISSING = '620522199';
const V_MISSING_TOWNSHIP = '620522199201';

/** Failed authentications are rate-limited per client address: every anonymous call comes from an address of its own. */
let address = 0;
const anonymous = () =>
  api(stack.baseUrl, undefined, { 'x-forwarded-for': `198.51.${100 + (address >> 8)}.${address++ & 255}` });

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
  // The probes below rely on these codes not existing, and on this one existing.
  expect(await p.village.count({ where: { code: { in: [V_MISSING, V_MISSING_TOWNSHIP] } } })).toBe(0);
  expect(await p.township.count({ where: { code: T_MISSING } })).toBe(0);
  expect(await p.village.count({ where: { code: V_CAMPAIGN } })).toBe(1);
  const make = async (role: 'VILLAGE' | 'TOWNSHIP' | 'COUNTY' | 'ADMIN', scopeCode: string) =>
    (await createOfficial(p, { role, scopeCode, name: `${role} ${scopeCode}` })).token;
  tokens = {
    villageIn: await make('VILLAGE', villageIn.code),
    villageOut: await make('VILLAGE', villageOut.code),
    townshipIn: await make('TOWNSHIP', '620522101'),
    townshipOut: await make('TOWNSHIP', '620522102'),
    county: await make('COUNTY', '620522'),
    admin: await make('ADMIN', '620522'),
  };
  clients = Object.fromEntries(
    Object.entries(tokens).map(([who, token]) => [who, api(stack.baseUrl, token)]),
  ) as typeof clients;
  const started = await clients.townshipIn.post('/rounds', {
    villageCode: V_IN,
    policy: { publicityPeriod: '1 hour' },
  });
  expect(started.status).toBe(201);
  roundId = started.body.roundId;
  householdId = (await p.household.findFirstOrThrow({ where: { villageCode: V_IN } })).id;

  // A campaign and a sweep to read; both write in the background, so wait until they are done before any snapshot.
  const campaign = await clients.county.post('/campaigns', {
    name: '权限矩阵',
    year: 2026,
    villages: [V_CAMPAIGN],
    policy: { publicityPeriod: '1 hour' },
  });
  expect(campaign.status).toBe(201);
  campaignId = campaign.body.campaignId;
  // The campaign's round is recorded once its workflow has opened it; the campaign writes nothing more until it ends.
  const campaignRound = stack.env.client.workflow.getHandle(`round-${V_CAMPAIGN}-1`);
  await eventually(
    () =>
      campaignRound.describe().then(
        () => true,
        () => false,
      ),
    60_000,
    'the campaign to start its round',
  );
  await campaignRound.executeUpdate(roundOpenedUpdate);
  expect(await p.round.count({ where: { campaignId } })).toBe(1);
  const sweep = await clients.county.post('/supervision/sweeps', {});
  expect(sweep.status).toBe(202);
  sweepId = sweep.body.sweepId;
  await stack.env.client.workflow.getHandle(sweepId).result();
  // An exit (摘帽) to decide on: V_IN arranged as a poor village not yet out, its poor share far below 3 %.
  await p.village.update({ where: { code: V_IN }, data: { exitedYear: null, population: 1_000_000 } });
  const exit = await clients.townshipIn.post('/exits', { level: 'VILLAGE', code: V_IN, year: 2026 });
  expect(exit.status).toBe(201);
  exitId = exit.body.exitId;

  // A verification sample of the matrix's township to read and to record findings on.
  const drawn = await clients.county.post('/verifications', {
    townshipCode: '620522101',
    year: 2016,
    kind: 'NOT_REGISTERED',
    sampleSize: 1,
  });
  expect(drawn.status).toBe(201);
  verificationId = drawn.body.id;
});
afterAll(async () => {
  await stack?.stop();
});

/**
 * Every table of the schema: its row count and a digest of its rows. Nothing is excluded: without an
 * Idempotency-Key no request here claims an idempotency record, so that table must not change either.
 */
async function snapshot(): Promise<Record<string, string>> {
  const p = stack.db.prisma;
  const tables = await p.$queryRaw<{ name: string }[]>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`;
  expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['Decision', 'Round', 'Household', 'Official']));
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await p.$queryRawUnsafe<{ n: number; digest: string }[]>(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS digest FROM "${name.replaceAll('"', '""')}" t`,
    );
    out[name] = `${row!.n} rows, ${row!.digest}`;
  }
  return out;
}

interface Case {
  method: 'GET' | 'POST' | 'PUT';
  path: () => string;
  body?: unknown;
  /** The exact status of each caller allowed through; everyone else (signed in) gets 403, no token 401. */
  allowed: Partial<Record<Who, number>>;
}

const each = (who: Who[], status: number): Partial<Record<Who, number>> =>
  Object.fromEntries(who.map((w) => [w, status]));
const IN_SCOPE: Who[] = ['villageIn', 'townshipIn', 'county', 'admin'];

const cases: Record<string, Case> = {
  'GET /me': { method: 'GET', path: () => '/me', allowed: each(OFFICIALS, 200) },
  // Signing in is public; an unknown token is refused whoever sends it, and no session is written.
  'POST /session': {
    method: 'POST',
    path: () => '/session',
    body: { token: 'jz_unknown' },
    allowed: each(OFFICIALS, 401),
  },
  'GET /session': { method: 'GET', path: () => '/session', allowed: each(OFFICIALS, 200) },
  // With a bearer token there is no session to end: 204, nothing changes.
  'POST /session/sign-out': { method: 'POST', path: () => '/session/sign-out', allowed: each(OFFICIALS, 204) },
  'GET /townships': { method: 'GET', path: () => '/townships', allowed: each(OFFICIALS, 200) },
  'GET /villages': { method: 'GET', path: () => '/villages', allowed: each(OFFICIALS, 200) },
  'GET /villages/:code': { method: 'GET', path: () => `/villages/${V_IN}`, allowed: each(IN_SCOPE, 200) },
  'GET /households?village=': {
    method: 'GET',
    path: () => `/households?village=${V_IN}`,
    allowed: each(IN_SCOPE, 200),
  },
  'GET /households/:id': { method: 'GET', path: () => `/households/${householdId}`, allowed: each(IN_SCOPE, 200) },
  'GET /rounds': { method: 'GET', path: () => '/rounds', allowed: each(OFFICIALS, 200) },
  'GET /rounds/:id': { method: 'GET', path: () => `/rounds/${roundId}`, allowed: each(IN_SCOPE, 200) },
  // The round is still at the village assessment: no notice yet, which only those allowed to look may learn.
  'GET /rounds/:id/notices/:v': {
    method: 'GET',
    path: () => `/rounds/${roundId}/notices/1`,
    allowed: each(IN_SCOPE, 404),
  },
  'GET /tasks': { method: 'GET', path: () => '/tasks', allowed: each(OFFICIALS, 200) },
  'GET /campaigns': { method: 'GET', path: () => '/campaigns', allowed: each(OFFICIALS, 200) },
  // A county campaign: every official of the county may follow it (each sees the part in their jurisdiction).
  'GET /campaigns/:id': { method: 'GET', path: () => `/campaigns/${campaignId}`, allowed: each(OFFICIALS, 200) },
  'GET /supervision/findings': { method: 'GET', path: () => '/supervision/findings', allowed: each(OFFICIALS, 200) },
  'GET /supervision/sweeps/:id': {
    method: 'GET',
    path: () => `/supervision/sweeps/${sweepId}`,
    allowed: each(['county', 'admin'], 200),
  },
  'GET /exit-plan': { method: 'GET', path: () => '/exit-plan?year=2016', allowed: each(OFFICIALS, 200) },
  'GET /assessment/townships': {
    method: 'GET',
    path: () => '/assessment/townships?year=2016',
    allowed: each(OFFICIALS, 200),
  },
  'GET /assessment/county': {
    method: 'GET',
    path: () => '/assessment/county?year=2016',
    allowed: each(['county', 'admin'], 200),
  },
  'GET /verifications': {
    method: 'GET',
    path: () => '/verifications',
    allowed: each(['townshipIn', 'townshipOut', 'county', 'admin'], 200),
  },
  'GET /verifications/:id': {
    method: 'GET',
    path: () => `/verifications/${verificationId}`,
    allowed: each(['townshipIn', 'county', 'admin'], 200),
  },
  'GET /surveys': { method: 'GET', path: () => '/surveys', allowed: each(OFFICIALS, 200) },
  // The registry's jurisdiction for the roster; township figures (a village official's own township) for the rest.
  'GET /reports/roster': {
    method: 'GET',
    path: () => `/reports/roster?village=${V_IN}&format=csv`,
    allowed: each(IN_SCOPE, 200),
  },
  'GET /reports/statistics': {
    method: 'GET',
    path: () => '/reports/statistics?township=620522101&year=2016',
    allowed: each(IN_SCOPE, 200),
  },
  'GET /reports/exit-plan.svg': {
    method: 'GET',
    path: () => '/reports/exit-plan.svg?township=620522101',
    allowed: each(IN_SCOPE, 200),
  },
  'GET /villages/:code/responsibility': {
    method: 'GET',
    path: () => `/villages/${V_IN}/responsibility`,
    allowed: each(IN_SCOPE, 200),
  },
  'GET /households/:id/responsibility': {
    method: 'GET',
    path: () => `/households/${householdId}/responsibility`,
    allowed: each(IN_SCOPE, 200),
  },
  // A valid body: the village already has an open round, so those allowed get 409 and nothing starts.
  'POST /rounds': {
    method: 'POST',
    path: () => '/rounds',
    body: { villageCode: V_IN },
    allowed: each(['townshipIn', 'county', 'admin'], 409),
  },
  'POST /rounds/:id/assessment': {
    method: 'POST',
    path: () => `/rounds/${roundId}/assessment`,
    body: {},
    allowed: { villageIn: 400 },
  },
  'POST /rounds/:id/objections': {
    method: 'POST',
    path: () => `/rounds/${roundId}/objections`,
    body: {},
    allowed: each(['villageIn', 'townshipIn', 'county'], 400),
  },
  'POST /rounds/:id/objections/:o/resolution': {
    method: 'POST',
    path: () => `/rounds/${roundId}/objections/${randomUUID()}/resolution`,
    body: {},
    // The township resolves objections of the publicities, the county those of its announcement period.
    allowed: each(['townshipIn', 'county'], 400),
  },
  'POST /rounds/:id/township-review': {
    method: 'POST',
    path: () => `/rounds/${roundId}/township-review`,
    body: {},
    allowed: { townshipIn: 400 },
  },
  'POST /rounds/:id/county-announcement': {
    method: 'POST',
    path: () => `/rounds/${roundId}/county-announcement`,
    body: {},
    allowed: { county: 400 },
  },
  'POST /rounds/:id/cancel': {
    method: 'POST',
    path: () => `/rounds/${roundId}/cancel`,
    body: {},
    allowed: each(['county', 'admin'], 400),
  },
  'POST /campaigns': { method: 'POST', path: () => '/campaigns', body: {}, allowed: each(['county', 'admin'], 400) },
  'GET /exits': { method: 'GET', path: () => '/exits', allowed: each(OFFICIALS, 200) },
  'GET /exits/:id': { method: 'GET', path: () => `/exits/${exitId}`, allowed: each(IN_SCOPE, 200) },
  // A village's exit is requested by its township; a township's by the township or the county; the county's by it.
  'POST /exits': {
    method: 'POST',
    path: () => '/exits',
    body: {},
    allowed: each(['townshipIn', 'townshipOut', 'county'], 400),
  },
  'POST /exits/:id/verification': {
    method: 'POST',
    path: () => `/exits/${exitId}/verification`,
    body: {},
    allowed: { county: 400 },
  },
  'POST /exits/:id/objections': {
    method: 'POST',
    path: () => `/exits/${exitId}/objections`,
    body: {},
    allowed: each(['villageIn', 'townshipIn', 'county'], 400),
  },
  'POST /exits/:id/objections/:o/resolution': {
    method: 'POST',
    path: () => `/exits/${exitId}/objections/${randomUUID()}/resolution`,
    body: {},
    allowed: { county: 400 },
  },
  'POST /exits/:id/announcement': {
    method: 'POST',
    path: () => `/exits/${exitId}/announcement`,
    body: {},
    allowed: { county: 400 },
  },
  'POST /exits/:id/cancel': {
    method: 'POST',
    path: () => `/exits/${exitId}/cancel`,
    body: {},
    allowed: each(['county', 'admin'], 400),
  },
  'POST /campaigns/:id/cancel': {
    method: 'POST',
    path: () => `/campaigns/${campaignId}/cancel`,
    body: {},
    allowed: each(['county', 'admin'], 400),
  },
  'POST /supervision/sweeps': {
    method: 'POST',
    path: () => '/supervision/sweeps',
    body: { policy: 'nonsense' },
    allowed: each(['county', 'admin'], 400),
  },
  'POST /verifications': {
    method: 'POST',
    path: () => '/verifications',
    body: {},
    allowed: each(['county', 'admin'], 400),
  },
  'POST /verifications/:id/findings': {
    method: 'POST',
    path: () => `/verifications/${verificationId}/findings`,
    body: {},
    allowed: each(['townshipIn', 'county', 'admin'], 400),
  },
  // The village is in the body: every township may get as far as validation, which refuses an empty body.
  'POST /surveys': {
    method: 'POST',
    path: () => '/surveys',
    body: {},
    allowed: each(['townshipIn', 'townshipOut', 'county', 'admin'], 400),
  },
  'PUT /villages/:code/responsibility': {
    method: 'PUT',
    path: () => `/villages/${V_IN}/responsibility`,
    body: {},
    allowed: each(['townshipIn', 'county', 'admin'], 400),
  },
  'GET /poverty-lines': { method: 'GET', path: () => '/poverty-lines', allowed: each(OFFICIALS, 200) },
  // Facts are recorded by those who visit the household: its village and its township, not the county.
  'PUT /households/:id/facts': {
    method: 'PUT',
    path: () => `/households/${householdId}/facts`,
    body: {},
    allowed: each(['villageIn', 'townshipIn'], 400),
  },
  'PUT /households/:id/responsibility': {
    method: 'PUT',
    path: () => `/households/${householdId}/responsibility`,
    body: {},
    allowed: each(['townshipIn', 'county', 'admin'], 400),
  },
};

function send(client: ReturnType<typeof api>, method: Case['method'], path: string, body?: unknown) {
  return method === 'GET' ? client.get(path) : method === 'PUT' ? client.put(path, body) : client.post(path, body);
}

describe('the matrix', () => {
  test.each(Object.keys(cases))('%s', async (name) => {
    const c = cases[name]!;
    const before = await snapshot();
    const expected: Record<string, number> = {};
    const seen: Record<string, number> = {};
    for (const who of ALL) {
      const reply = await send(who === 'none' ? anonymous() : clients[who], c.method, c.path(), c.body);
      seen[who] = reply.status;
      expected[who] = who === 'none' ? 401 : (c.allowed[who] ?? 403);
      if (reply.status >= 400) expect(reply.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    // Compare as one object so that a failure shows the whole row of the matrix.
    expect(seen).toEqual(expected);
    expect(await snapshot()).toEqual(before);
  });

  test('has a row for every route the routers serve', () => {
    // Read from the routers' source, so that a new endpoint without a row here fails this test.
    const dir = path.join(__dirname, '../../api/routes');
    const served: string[] = [];
    for (const file of fs.readdirSync(dir)) {
      const src = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const m of src.matchAll(/\br\.(get|post|put|patch|delete)\(\s*'([^']+)'/g)) {
        served.push(`${m[1]!.toUpperCase()} ${m[2]}`);
      }
    }
    expect(served.length).toBeGreaterThan(25);
    const shape = (s: string) => s.replace(/\?.*$/, '').replace(/:\w+/g, ':x');
    const rows = new Set(Object.keys(cases).map(shape));
    expect(served.filter((s) => !rows.has(shape(s)))).toEqual([]);
  });
});

describe('malformed Authorization headers', () => {
  test('each gets 401 with WWW-Authenticate: Bearer, even around a valid token, and nothing is written', async () => {
    const valid = tokens.county;
    const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
    const headers: Record<string, string> = {
      empty: '',
      'only spaces': '   ',
      'scheme only': 'Bearer',
      'scheme and a space': 'Bearer ',
      'no scheme': valid,
      'wrong scheme': `Basic ${valid}`,
      'another scheme': `Token ${valid}`,
      'scheme glued to the token': `Bearer${valid}`,
      'a space inside the token': `Bearer ${valid.slice(0, 5)} ${valid.slice(5)}`,
      'two tokens': `Bearer ${valid} ${valid}`,
      'a list of credentials': `Bearer ${valid}, Bearer ${valid}`,
      'the token with a suffix': `Bearer ${valid}x`,
      'the token cut short': `Bearer ${valid.slice(0, -1)}`,
      'overlong (513 characters)': `Bearer ${'a'.repeat(513)}`,
      'overlong (8,000 characters)': `Bearer ${valid}${'a'.repeat(8000)}`,
      'non-ASCII token (UTF-8)': `Bearer ${utf8('令牌令牌令牌')}`,
      'non-ASCII around the token': `Bearer ${valid}${utf8('é')}`,
      'Latin-1 bytes': `Bearer t\u00f6ken\u00ff`,
      'tab inside the token': `Bearer ${valid.slice(0, 5)}\t${valid.slice(5)}`,
    };
    // A request that would write if it were authenticated: the county starting a round in a free village.
    const free = await stack.db.prisma.village.findFirstOrThrow({
      where: { townshipCode: '620522104', rounds: { none: {} } },
      orderBy: { code: 'asc' },
    });
    const body = { villageCode: free.code, policy: { publicityPeriod: '1 hour' } };
    const before = await snapshot();
    const seen: Record<string, unknown> = {};
    for (const [what, value] of Object.entries(headers)) {
      const r = await anonymous().post('/rounds', body, { authorization: value });
      seen[what] = {
        status: r.status,
        scheme: r.headers.get('www-authenticate'),
        problem: /application\/problem\+json/.test(r.headers.get('content-type') ?? ''),
      };
    }
    const refused = { status: 401, scheme: 'Bearer', problem: true };
    expect(seen).toEqual(Object.fromEntries(Object.keys(headers).map((k) => [k, refused])));
    expect(await snapshot()).toEqual(before);
    // The control: the same request, properly authenticated, does write (so the check above could fail).
    const accepted = await anonymous().post('/rounds', body, { authorization: `Bearer ${valid}` });
    expect(accepted.status).toBe(201);
    expect(await snapshot()).not.toEqual(before);
  });
});

describe('jurisdiction before existence', () => {
  // Each probe names a place by code; an outsider must get the same answer whether or not the place exists.
  const probes: Record<
    string,
    {
      method: Case['method'];
      path: (code: string) => string;
      body?: (code: string) => unknown;
      level: 'village' | 'township';
    }
  > = {
    'GET /villages/:code': { method: 'GET', path: (v) => `/villages/${v}`, level: 'village' },
    'GET /villages/:code/responsibility': {
      method: 'GET',
      path: (v) => `/villages/${v}/responsibility`,
      level: 'village',
    },
    'PUT /villages/:code/responsibility': {
      method: 'PUT',
      path: (v) => `/villages/${v}/responsibility`,
      body: () => ({ unit: '县财政局', personName: '赵建国' }),
      level: 'village',
    },
    'GET /households?village=': { method: 'GET', path: (v) => `/households?village=${v}`, level: 'village' },
    'GET /rounds?village=': { method: 'GET', path: (v) => `/rounds?village=${v}`, level: 'village' },
    'GET /rounds/:id': { method: 'GET', path: (v) => `/rounds/round-${v}-1`, level: 'village' },
    'GET /rounds/:id/notices/:v': { method: 'GET', path: (v) => `/rounds/round-${v}-1/notices/1`, level: 'village' },
    'POST /rounds/:id/objections': {
      method: 'POST',
      path: (v) => `/rounds/round-${v}-1/objections`,
      body: () => ({ objector: { name: '村民' }, reason: '名单有误' }),
      level: 'village',
    },
    'POST /rounds/:id/cancel': {
      method: 'POST',
      path: (v) => `/rounds/round-${v}-1/cancel`,
      body: () => ({ reason: '试探' }),
      level: 'village',
    },
    'POST /rounds': {
      method: 'POST',
      path: () => '/rounds',
      body: (v) => ({ villageCode: v, policy: { publicityPeriod: '1 hour' } }),
      level: 'village',
    },
    'GET /exits/:id': { method: 'GET', path: (v) => `/exits/exit-VILLAGE-${v}-2026`, level: 'village' },
    'POST /exits': {
      method: 'POST',
      path: () => '/exits',
      body: (v) => ({ level: 'VILLAGE', code: v, year: 2026 }),
      level: 'village',
    },
    'GET /villages?township=': { method: 'GET', path: (t) => `/villages?township=${t}`, level: 'township' },
    'GET /rounds?township=': { method: 'GET', path: (t) => `/rounds?township=${t}`, level: 'township' },
    'GET /supervision/findings?township=': {
      method: 'GET',
      path: (t) => `/supervision/findings?township=${t}`,
      level: 'township',
    },
    'GET /exit-plan?township=': { method: 'GET', path: (t) => `/exit-plan?township=${t}`, level: 'township' },
    'GET /verifications?township=': { method: 'GET', path: (t) => `/verifications?township=${t}`, level: 'township' },
    'GET /surveys?township=': { method: 'GET', path: (t) => `/surveys?township=${t}`, level: 'township' },
    'POST /surveys': {
      method: 'POST',
      path: () => '/surveys',
      body: (v) => ({ villageCode: v, year: 2026, respondents: 10, satisfied: 9 }),
      level: 'village',
    },
    'GET /reports/roster?village=': {
      method: 'GET',
      path: (v) => `/reports/roster?village=${v}&format=csv`,
      level: 'village',
    },
    'GET /reports/roster?township=': {
      method: 'GET',
      path: (t) => `/reports/roster?township=${t}&format=xlsx`,
      level: 'township',
    },
    'GET /reports/statistics?township=': {
      method: 'GET',
      path: (t) => `/reports/statistics?township=${t}`,
      level: 'township',
    },
    'GET /reports/exit-plan.svg?township=': {
      method: 'GET',
      path: (t) => `/reports/exit-plan.svg?township=${t}`,
      level: 'township',
    },
  };

  test.each(Object.keys(probes))(
    '%s: an outsider cannot tell a code that exists from one that does not',
    async (name) => {
      const probe = probes[name]!;
      const codes =
        probe.level === 'village'
          ? { exists: V_IN, missing: V_MISSING, missingTownship: V_MISSING_TOWNSHIP }
          : { exists: '620522101', missing: T_MISSING };
      const before = await snapshot();
      for (const who of ['villageOut', 'townshipOut'] as const) {
        const answers: Record<string, unknown> = {};
        for (const [kind, code] of Object.entries(codes)) {
          const r = await send(clients[who], probe.method, probe.path(code), probe.body?.(code));
          // The detail names the code asked about; apart from that the answers must be the same.
          answers[kind] = {
            status: r.status,
            title: r.body?.title,
            detail: String(r.body?.detail).replaceAll(code, '<code>'),
          };
        }
        expect(answers.exists).toMatchObject({ status: 403, title: 'Forbidden' });
        for (const kind of Object.keys(codes)) expect({ [kind]: answers[kind] }).toEqual({ [kind]: answers.exists });
      }
      expect(await snapshot()).toEqual(before);
    },
  );

  test('the missing codes are really missing: an official whose jurisdiction holds them gets 404', async () => {
    expect((await clients.county.get(`/villages/${V_MISSING}`)).status).toBe(404);
    expect((await clients.townshipIn.get(`/villages/${V_MISSING}`)).status).toBe(404);
    expect((await clients.county.get(`/villages/${V_MISSING_TOWNSHIP}`)).status).toBe(404);
    expect((await clients.county.get(`/rounds/round-${V_MISSING}-1`)).status).toBe(404);
    const start = await clients.county.post('/rounds', {
      villageCode: V_MISSING,
      policy: { publicityPeriod: '1 hour' },
    });
    expect(start.status).toBe(404);
  });
});

describe('workflow validators, reached through the Temporal client without the HTTP guard', () => {
  test('a NUL character in an update is refused by the validator, nothing is written; the same update without it is accepted', async () => {
    const p = stack.db.prisma;
    const code = '620522101202';
    const started = await clients.townshipIn.post('/rounds', {
      villageCode: code,
      policy: { publicityPeriod: '1 hour' },
    });
    expect(started.status).toBe(201);
    const id: string = started.body.roundId;
    // An official of this village, as the API would pass it on (the validator checks the actor's jurisdiction).
    const made = await createOfficial(p, { role: 'VILLAGE', scopeCode: code, name: '村干部' });
    const actor: Actor = { id: made.id, name: made.name, role: 'VILLAGE', scopeCode: code };
    const household = await p.household.findFirstOrThrow({ where: { villageCode: code, status: 'REGISTERED' } });
    const update = (note: string): AssessmentUpdate => ({
      actor,
      meeting: { heldOn: '2026-11-28', representativesPresent: 30, representativesTotal: 40 },
      proposals: [
        {
          id: randomUUID(),
          action: 'EXIT',
          householdId: household.id,
          exitReason: 'REACHED_STANDARD',
          householdConsent: { signedOn: '2026-11-18' },
          votesFor: 25,
          votesAgainst: 1,
          note,
        },
      ],
    });
    const handle = stack.env.client.workflow.getHandle(id);
    const before = await snapshot();
    for (const note of ['入户\u0000核查', '\u0000', `${'属实'.repeat(10)}\u0000`]) {
      const refused = await handle.executeUpdate(submitAssessmentUpdate, { args: [update(note)] }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (refused as WorkflowUpdateFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect(cause).toMatchObject({ type: RoundError.INVALID, message: expect.stringMatching(/NUL/) });
    }
    // The round did not move and nothing was written anywhere.
    expect((await clients.townshipIn.get(`/rounds/${id}`)).body.stage).toBe('VILLAGE_ASSESSMENT');
    expect(await snapshot()).toEqual(before);
    // The control: the same update without the NUL is accepted, so the refusal above was the NUL's.
    const accepted = await handle.executeUpdate(submitAssessmentUpdate, { args: [update('入户核查')] });
    expect(accepted).toMatchObject({ roundId: id, stage: 'FIRST_PUBLICITY' });
    expect(await p.proposal.count({ where: { roundId: id } })).toBe(1);
  });
});
