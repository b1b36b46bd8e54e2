// Malformed bodies to every decision endpoint, to starting a campaign and to assigning responsibility, generated
// deterministically from a seed: wrong types, missing
// fields, huge strings, deep nesting, invalid UTF-8, NUL and unpaired surrogates, non-JSON, SQL and script
// injection, bad ID checksums, impossible votes and dates, prototype-pollution keys, odd content types.
// Every answer must be a 4xx application/problem+json without a stack trace, and nothing may be written.
import { makeIdNumber } from '../../domain/idNumber';
import {
  longPublicity,
  fast,
  freshIdNumber,
  meeting,
  official,
  registeredHouseholds,
  rowCounts,
  villageClaimer,
  waitForStage,
  visitsFor,
} from '../../kit/rounds';
import { mapLimit } from '../../kit/http';
import { startStack, type Stack } from '../../kit/stack';
import { checkResponse } from '../../kit/openapi';

const SEED = 0x6a7a2026;
const CASES_PER_ENDPOINT = 1000;
const CONCURRENCY = 20;
const BODY_LIMIT = 100 * 1024;
const ANSWER_WITHIN_MS = 10_000;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

/** mulberry32: small, fast and the same sequence for the same seed everywhere. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}
type Rng = ReturnType<typeof prng>;

/** A JSON number written as is (1e400, -0x1, ...): JSON.stringify cannot produce these. */
const RAW = (text: string) => `@@RAW(${text})@@`;
const encode = (body: unknown) => JSON.stringify(body).replace(/"@@RAW\((.*?)\)@@"/g, '$1');

// ---- what each endpoint takes -------------------------------------------------------------------------

type Kind =
  | 'text'
  | 'optText'
  | 'villageCode'
  | 'duration'
  | 'uuid'
  | 'idNumber'
  | 'enum'
  | 'count'
  | 'present'
  | 'total'
  | 'size'
  | 'date'
  | 'bool'
  | 'object'
  | 'array';

interface Field {
  path: Path;
  kind: Kind;
  required: boolean;
}

const SQL = [
  "' OR '1'='1",
  `'; DROP TABLE "Round"; --`,
  '1; SELECT pg_sleep(10)--',
  `" OR 1=1 --`,
  "admin'--",
  "1' UNION SELECT null, version()--",
  "'); DELETE FROM \"Household\" WHERE ('1'='1",
];
const HTML = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(document.cookie)>',
  '"><svg/onload=alert(1)>',
  'javascript:alert(1)',
  "{{constructor.constructor('alert(1)')()}}",
  '${7*7}',
  '../../../../etc/passwd',
  '\u202Egnp.exe',
];
const INJECTIONS = [...SQL, ...HTML];
const HUGE = ['x'.repeat(60_000), '汉'.repeat(25_000), '<script>'.repeat(7_000)];
const WRONG_FOR_STRING: Json[] = [0, 1, -1, 3.14, true, false, null, [], {}, ['x'], { a: 1 }];
const WRONG_FOR_NUMBER: Json[] = ['20', '', null, true, false, [], {}, [20], { value: 20 }];
const WRONG_FOR_BOOL: Json[] = ['true', 'false', 1, 0, null, [], {}];
const WRONG_FOR_OBJECT: Json[] = [null, 'x', 0, true, [], [{}]];
const WRONG_FOR_ARRAY: Json[] = [null, 'x', 0, true, {}, { 0: 'x' }];
const BAD_COUNTS: Json[] = [
  -1,
  -1000,
  0.5,
  20.5,
  1e6,
  1e21,
  1.7976931348623157e308,
  100_001,
  RAW('1e400'),
  RAW('-1e400'),
  RAW('NaN'),
  RAW('Infinity'),
  RAW('0x10'),
  RAW('01'),
  RAW('1.'),
  RAW('+1'),
];
const BAD_DATES = [
  '',
  '1999-12-31',
  '2101-01-01',
  '2026-02-30',
  '2026-13-01',
  '2026-00-10',
  '2026-11-00',
  '0000-00-00',
  '20261120',
  '2026-11-20T00:00:00Z',
  '+275760-09-13',
  '-271821-04-20',
  '2026-11-2',
  '2026/11/20',
  '２０２６-11-20',
  '2026-11-20\n',
  '9999-12-31',
  '1970-01-01',
];
const BAD_UUIDS = [
  '',
  'not-a-uuid',
  '00000000-0000-0000-0000-00000000000',
  'g0000000-0000-4000-8000-000000000000',
  '{3f2504e0-4f89-41d3-9a0c-0305e82c3301}',
  '3f2504e0-4f89-41d3-9a0c-0305e82c3301 ',
  '3f2504e0-4f89-41d3-9a0c-0305e82c33010',
  '3f2504e04f8941d39a0c0305e82c3301',
  // Well formed but unknown: refused by the registry check or the workflow's validator.
  '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  '00000000-0000-0000-0000-000000000000',
];
const BAD_CODES = [
  '',
  '62052210020',
  '6205221002011',
  'abcdefghijkl',
  '６２０５２２１００２０１',
  '620522100201 ',
  ' 620522100201',
  '-62052210020',
  '6.2052210e11',
  '999999999999',
];
const BAD_DURATIONS = [
  '',
  '0',
  '0s',
  '999ms',
  '-1s',
  '1 fortnight',
  'P1D',
  'forever',
  '1e3s',
  '9999999 weeks',
  'x'.repeat(41),
];
const BAD_ENUMS = ['', 'enter', 'ENTER ', ' APPROVE', 'UNKNOWN', 'APPROVED', 'null', '0'];
const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'extra', 'toString', 'hasOwnProperty', '$where', 'id'];

function invalidValues(kind: Kind): Json[] {
  switch (kind) {
    case 'text':
      return ['', '   ', '\n\t', ...HUGE, ...WRONG_FOR_STRING];
    case 'optText':
      return [...HUGE, ...WRONG_FOR_STRING];
    case 'villageCode':
      return [...BAD_CODES, ...INJECTIONS, ...WRONG_FOR_STRING];
    case 'duration':
      return [...BAD_DURATIONS, ...INJECTIONS, ...WRONG_FOR_STRING];
    case 'uuid':
      return [...BAD_UUIDS, ...INJECTIONS, ...WRONG_FOR_STRING];
    case 'idNumber':
      return [...badIdNumbers(), ...INJECTIONS, ...WRONG_FOR_STRING];
    case 'enum':
      return [...BAD_ENUMS, ...INJECTIONS, ...WRONG_FOR_STRING];
    case 'count':
      return [...BAD_COUNTS, ...WRONG_FOR_NUMBER];
    case 'present':
      // Also more than the 40 representatives, or short of a two-thirds quorum.
      return [...BAD_COUNTS, 41, 50, 10, ...WRONG_FOR_NUMBER];
    case 'total':
      return [0, -40, 100_001, 40.5, 1e12, RAW('1e400'), ...WRONG_FOR_NUMBER];
    case 'size':
      return [0, -1, 31, 2.5, 1e9, RAW('1e400'), ...WRONG_FOR_NUMBER];
    case 'date':
      return [...BAD_DATES, ...INJECTIONS, ...WRONG_FOR_STRING];
    case 'bool':
      return WRONG_FOR_BOOL;
    case 'object':
      return WRONG_FOR_OBJECT;
    case 'array':
      return WRONG_FOR_ARRAY;
  }
}

let knownIdNumber = '';
function badIdNumbers(): string[] {
  const good = freshIdNumber(4242);
  const flip = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
  return [
    flip,
    good.slice(0, 17),
    good + '0',
    'ABCDEFGHIJKLMNOPQR',
    '000000000000000000',
    makeIdNumber('620523', { y: 2023, m: 2, d: 30 }, 1),
    makeIdNumber('620523', { y: 1899, m: 1, d: 1 }, 1),
    good.slice(0, 8) + 'X' + good.slice(9),
    `${good.slice(0, 6)} ${good.slice(6)}`,
    // Valid, but already in the registry: a new household must not reuse it.
    knownIdNumber,
  ];
}

interface Endpoint {
  name: string;
  /** POST unless named. */
  method?: 'PUT';
  path: string;
  token: string;
  base: Json;
  fields: Field[];
  /** Object paths that may receive unknown keys. */
  objects: Path[];
  /** Free-text fields: any string is valid there, so a case that puts one there needs another defect. */
  freeText: Path[];
  /** Extra cases that only make sense here (e.g. 501 proposals). */
  extra?: { name: string; body: Json }[];
}

// ---- mutations ----------------------------------------------------------------------------------------

type Mutation = { name: string; apply: (body: Json) => Json };

const clone = (v: Json): Json => JSON.parse(JSON.stringify(v)) as Json;

/** Sets (or deletes with `undefined`) the value at `path`; leaves the body alone when the path is gone. */
function setAt(body: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value === undefined ? {} : value;
  let at: Json = body;
  for (const key of path.slice(0, -1)) {
    const next: Json | undefined = container(at, key);
    if (next === undefined) return body;
    at = next;
  }
  const last = path[path.length - 1]!;
  if (typeof last === 'number' ? !Array.isArray(at) : !isObject(at)) return body;
  if (value === undefined) {
    if (Array.isArray(at)) at.splice(last as number, 1);
    else delete (at as Record<string, Json>)[last as string];
  } else {
    // defineProperty, so that "__proto__" becomes an own key exactly as JSON.parse would make it.
    Object.defineProperty(at, last, { value, enumerable: true, writable: true, configurable: true });
  }
  return body;
}

function container(at: Json, key: string | number): Json | undefined {
  if (typeof key === 'number') return Array.isArray(at) ? at[key] : undefined;
  return isObject(at) && Object.prototype.hasOwnProperty.call(at, key) ? at[key] : undefined;
}

function isObject(v: Json): v is { [k: string]: Json } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const show = (v: Json) => {
  const s = typeof v === 'string' && v.startsWith('@@RAW(') ? v.slice(6, -3) : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 30)}…(${s.length})` : s;
};
const where = (p: Path) => p.join('.') || '(body)';

/** Every single change that makes a body invalid on its own. */
function invalidating(e: Endpoint): Mutation[] {
  const out: Mutation[] = [];
  for (const f of e.fields) {
    for (const v of invalidValues(f.kind)) {
      out.push({ name: `${where(f.path)}=${show(v)}`, apply: (b) => setAt(b, f.path, clone(v)) });
    }
    if (f.required) out.push({ name: `${where(f.path)} missing`, apply: (b) => setAt(b, f.path, undefined) });
  }
  for (const o of e.objects) {
    for (const k of POLLUTION_KEYS) {
      const v: Json = k === 'id' || k === 'extra' ? 'x' : { polluted: 'jzPolluted', isAdmin: true };
      out.push({ name: `${where(o)} + key ${k}`, apply: (b) => setAt(b, [...o, k], clone(v)) });
    }
  }
  for (const x of e.extra ?? []) out.push({ name: x.name, apply: () => clone(x.body) });
  return out;
}

interface Case {
  name: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

const fits = (body: string | Buffer) => Buffer.byteLength(body) < BODY_LIMIT - 1024;

/** At least `count` JSON cases: every single defect once, injections in every string, then random mixes. */
function jsonCases(e: Endpoint, rng: Rng, count: number): Case[] {
  const pool = invalidating(e);
  const cases: Case[] = pool.map((m) => ({ name: m.name, body: encode(m.apply(clone(e.base))) }));
  const another = (avoid: Path) => {
    const others = pool.filter((m) => !m.name.startsWith(where(avoid)));
    return rng.pick(others.length ? others : pool);
  };
  // SQL and script text in every free-text field (where it is valid text), together with one real defect.
  for (const p of e.freeText) {
    for (const s of INJECTIONS) {
      const m = another(p);
      cases.push({ name: `${where(p)}=${show(s)} & ${m.name}`, body: encode(m.apply(setAt(clone(e.base), p, s))) });
    }
  }
  while (cases.length < count) {
    let body = clone(e.base);
    const names: string[] = [];
    const n = 1 + rng.int(3);
    for (let i = 0; i < n; i++) {
      const m = rng.pick(pool);
      body = m.apply(body);
      names.push(m.name);
    }
    if (e.freeText.length && rng.next() < 0.5) {
      // Injection text only replaces free text that is still as valid as in the base, never a defect.
      const p = rng.pick(e.freeText);
      if (valueAt(body, p) === valueAt(e.base, p)) {
        const s = rng.pick(INJECTIONS);
        body = setAt(body, p, s);
        names.push(`${where(p)}=${show(s)}`);
      }
    }
    const text = encode(body);
    if (fits(text)) cases.push({ name: `mix: ${names.join(' & ')}`, body: text });
  }
  return cases;
}

function valueAt(body: Json, path: Path): Json | undefined {
  let at: Json | undefined = body;
  for (const k of path) {
    if (at === undefined) return undefined;
    at = container(at, k);
  }
  return at;
}

const isStringAt = (body: Json, path: Path) => typeof valueAt(body, path) === 'string';

/** A stable seed per endpoint, so that each gets its own sequence. */
function seedOf(name: string): number {
  let h = SEED;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/** Cases that are not a JSON value with a defect: broken text, bytes, nesting, headers. */
function rawCases(e: Endpoint): Case[] {
  const base = encode(e.base);
  const cases: Case[] = [
    'hello',
    '{',
    '}',
    '{"a":',
    "{'a':1}",
    'NaN',
    'null',
    '123',
    '"text"',
    'true',
    '[]',
    '{}',
    ' ',
    '',
    '{"a":1}{"b":2}',
    '{"a":1,}',
    '[1,2,]',
    '{"a":01}',
    '/* comment */ {}',
    '<?xml version="1.0"?><a/>',
    'a=1&b=2',
    base.slice(0, Math.floor(base.length / 2)),
    base + '}',
    base.replace('{', '{\u0000'),
  ].map((body, i) => ({ name: `not JSON #${i}: ${JSON.stringify(body.slice(0, 30))}`, body }));

  const deepArrays = (n: number) => '['.repeat(n) + ']'.repeat(n);
  cases.push(
    { name: '5,000 nested arrays', body: deepArrays(5000) },
    { name: '40,000 nested arrays', body: deepArrays(40_000) },
    { name: '5,000 nested objects', body: '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) },
    { name: '50,000 unclosed arrays', body: '['.repeat(50_000) },
    // Hashing a body for its Idempotency-Key must not overflow the stack either.
    { name: '5,000 nested arrays, keyed', body: deepArrays(5000), headers: { 'idempotency-key': `deep-${e.name}` } },
    {
      name: '5,000 nested objects, keyed',
      body: '{"a":'.repeat(5000) + '1' + '}'.repeat(5000),
      headers: { 'idempotency-key': `deep-objects-${e.name}` },
    },
  );
  for (const f of e.fields) {
    cases.push({
      name: `${where(f.path)} = 1,000 nested arrays`,
      body: encode(setAt(clone(e.base), f.path, RAW(deepArrays(1000)))),
    });
  }

  // Text the database cannot hold, in otherwise valid bodies; and bytes that are not UTF-8.
  for (const f of e.fields.filter((x) => isStringAt(e.base, x.path))) {
    for (const s of ['a\u0000b', '\u0000', '\ud800', 'x\udc00', 'a\ud83d']) {
      cases.push({
        name: `${where(f.path)} holds ${JSON.stringify(s)}`,
        body: encode(setAt(clone(e.base), f.path, s)),
      });
    }
    const marked = encode(setAt(clone(e.base), f.path, '@@BYTES@@'));
    const [before, after] = marked.split('@@BYTES@@') as [string, string];
    const bytes = [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf], [0x80]];
    for (const b of bytes) {
      cases.push({
        name: `${where(f.path)} holds bytes ${Buffer.from(b).toString('hex')}`,
        body: Buffer.concat([Buffer.from(before), Buffer.from(b), Buffer.from(after)]),
      });
    }
    cases.push({ name: `${where(f.path)} holds a raw NUL byte`, body: `${before}a\u0000b${after}` });
  }

  // Duplicate keys: the last one wins, and it is wrong.
  for (const f of e.fields.filter((x) => x.path.length === 1)) {
    cases.push({ name: `duplicate ${where(f.path)}`, body: `${base.slice(0, -1)},"${f.path[0]}":{"dup":true}}` });
  }

  // The valid body, but not sent as UTF-8 JSON, or with a key that is not a key: never applied.
  for (const type of [
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/json; charset=bogus',
  ]) {
    cases.push({ name: `content-type ${type}`, body: base, headers: { 'content-type': type } });
  }
  cases.push({ name: 'no content-type', body: Buffer.from(base), headers: { 'content-type': '' } });
  for (const encoding of ['gzip', 'deflate', 'br', 'x-custom']) {
    cases.push({ name: `content-encoding ${encoding} (not)`, body: base, headers: { 'content-encoding': encoding } });
  }
  // Idempotency-Key belongs to POST; a PUT is idempotent by itself (the same assignment again changes nothing).
  for (const key of e.method === 'PUT' ? [] : ['', 'x'.repeat(201), 'tab\there', 'clé']) {
    cases.push({
      name: `Idempotency-Key ${JSON.stringify(key.slice(0, 20))}`,
      body: base,
      headers: { 'idempotency-key': key },
    });
  }
  return cases;
}

// ---- the stack and the rounds under test ----------------------------------------------------------------

let stack: Stack;
let endpoints: Endpoint[] = [];
/** Rounds driven to the stage each endpoint acts on, with the stage they must keep. */
let held: { roundId: string; stage: string }[] = [];
let openObjectionId = '';

beforeAll(async () => {
  stack = await startStack();
  const p = stack.db.prisma;
  knownIdNumber = (await p.household.findFirstOrThrow({ orderBy: { registryNo: 'asc' } })).idNumber;
  const claim = villageClaimer(stack);
  // Five villages of one township, so that one township official acts on all of them.
  const township = (
    await p.village.groupBy({ by: ['townshipCode'], _count: true, orderBy: { townshipCode: 'asc' } })
  ).find((t) => t._count >= 5)!.townshipCode;
  const [vStart, vAssess, vPublicity, vReview, vAnnounce] = [
    await claim({ township }),
    await claim({ township }),
    await claim({ township }),
    await claim({ township }),
    await claim({ township }),
  ];
  const town = await official(stack, 'TOWNSHIP', township, '乡镇干部');
  const county = await official(stack, 'COUNTY', '620522', '县扶贫办');
  const villageOf = async (code: string) => official(stack, 'VILLAGE', code, '村支书');

  async function roundAt(code: string, policy: object, to: 'VILLAGE_ASSESSMENT' | 'FIRST_PUBLICITY' | string) {
    const started = await town.client.post('/rounds', { villageCode: code, policy });
    expect(started.status).toBe(201);
    const roundId: string = started.body.roundId;
    if (to === 'VILLAGE_ASSESSMENT') return { roundId, proposalIds: [] as string[] };
    const [h1, h2] = await registeredHouseholds(stack, code);
    const village = await villageOf(code);
    const assessed = await village.client.post(`/rounds/${roundId}/assessment`, {
      meeting,
      proposals: [
        {
          action: 'EXIT',
          householdId: h1!.id,
          exitReason: 'REACHED_STANDARD',
          householdConsent: { signedOn: '2026-11-18' },
          votesFor: 22,
          votesAgainst: 2,
        },
        { action: 'EXIT', householdId: h2!.id, exitReason: 'WRONGLY_INCLUDED', votesFor: 21, votesAgainst: 1 },
      ],
    });
    expect(assessed.status).toBe(200);
    const proposalIds: string[] = assessed.body.proposals.map((x: { id: string }) => x.id);
    if (to === 'FIRST_PUBLICITY') return { roundId, proposalIds };
    await waitForStage(town.client, roundId, 'TOWNSHIP_REVIEW');
    if (to === 'TOWNSHIP_REVIEW') return { roundId, proposalIds };
    expect(
      (
        await town.client.post(`/rounds/${roundId}/township-review`, {
          decision: 'APPROVE',
          note: '同意',
          verification: await visitsFor(town.client, roundId),
        })
      ).status,
    ).toBe(200);
    await waitForStage(town.client, roundId, 'COUNTY_ANNOUNCEMENT');
    return { roundId, proposalIds };
  }

  const assess = await roundAt(vAssess, longPublicity, 'VILLAGE_ASSESSMENT');
  const publicity = await roundAt(vPublicity, longPublicity, 'FIRST_PUBLICITY');
  const review = await roundAt(vReview, fast, 'TOWNSHIP_REVIEW');
  const announce = await roundAt(vAnnounce, fast, 'COUNTY_ANNOUNCEMENT');
  const filed = await county.client.post(`/rounds/${publicity.roundId}/objections`, {
    proposalId: publicity.proposalIds[0],
    objector: { name: '异议人' },
    reason: '待解决的异议',
  });
  expect(filed.status).toBe(201);
  openObjectionId = filed.body.objectionId;
  held = [
    { roundId: assess.roundId, stage: 'VILLAGE_ASSESSMENT' },
    { roundId: publicity.roundId, stage: 'FIRST_PUBLICITY' },
    { roundId: review.roundId, stage: 'TOWNSHIP_REVIEW' },
    { roundId: announce.roundId, stage: 'COUNTY_ANNOUNCEMENT' },
  ];

  const village = await villageOf(vAssess);
  const [a1, a2] = await registeredHouseholds(stack, vAssess);
  const exit = {
    action: 'EXIT',
    householdId: a1!.id,
    exitReason: 'REACHED_STANDARD',
    householdConsent: { signedOn: '2026-11-18' },
    votesFor: 22,
    votesAgainst: 2,
  };
  const proposal = (i: number) => ['proposals', i];
  const reviewed = review.proposalIds[0]!;
  endpoints = [
    {
      name: 'POST /rounds',
      path: '/rounds',
      token: county.token,
      base: { villageCode: vStart, policy: { publicityPeriod: '1 hour', stageDeadline: '1 hour' } },
      fields: [
        { path: ['villageCode'], kind: 'villageCode', required: true },
        { path: ['policy'], kind: 'object', required: false },
        { path: ['policy', 'publicityPeriod'], kind: 'duration', required: false },
        { path: ['policy', 'stageDeadline'], kind: 'duration', required: false },
      ],
      objects: [[], ['policy']],
      freeText: [],
      extra: [
        { name: 'publicity of 91 days', body: { villageCode: vStart, policy: { publicityPeriod: '91 days' } } },
        { name: 'deadline of 366 days', body: { villageCode: vStart, policy: { stageDeadline: '366 days' } } },
      ],
    },
    {
      name: 'POST assessment',
      path: `/rounds/${assess.roundId}/assessment`,
      token: village.token,
      base: {
        meeting,
        proposals: [
          {
            action: 'ENTER',
            entryReason: 'NEW_IDENTIFIED',
            household: { headName: '新户', idNumber: freshIdNumber(9001), size: 3 },
            category: 'TARGETED',
            cause: 'ILLNESS',
            votesFor: 20,
            votesAgainst: 2,
            note: '评议通过',
          },
          exit,
          {
            action: 'RECLASSIFY',
            householdId: a2!.id,
            category: a2!.category === 'TARGETED' ? 'CONSOLIDATION' : 'TARGETED',
            votesFor: 18,
            votesAgainst: 3,
          },
        ],
      },
      fields: [
        { path: ['meeting'], kind: 'object', required: true },
        { path: ['meeting', 'heldOn'], kind: 'date', required: true },
        { path: ['meeting', 'representativesPresent'], kind: 'present', required: true },
        { path: ['meeting', 'representativesTotal'], kind: 'total', required: true },
        { path: ['proposals'], kind: 'array', required: true },
        // Not "required": without it the other two proposals make a valid list.
        { path: proposal(0), kind: 'object', required: false },
        { path: [...proposal(0), 'action'], kind: 'enum', required: true },
        { path: [...proposal(0), 'household'], kind: 'object', required: true },
        { path: [...proposal(0), 'household', 'headName'], kind: 'text', required: true },
        { path: [...proposal(0), 'household', 'idNumber'], kind: 'idNumber', required: true },
        { path: [...proposal(0), 'household', 'size'], kind: 'size', required: true },
        { path: [...proposal(0), 'category'], kind: 'enum', required: true },
        { path: [...proposal(0), 'cause'], kind: 'enum', required: true },
        { path: [...proposal(0), 'votesFor'], kind: 'count', required: true },
        { path: [...proposal(0), 'votesAgainst'], kind: 'count', required: true },
        { path: [...proposal(0), 'note'], kind: 'optText', required: false },
        { path: [...proposal(1), 'householdId'], kind: 'uuid', required: true },
        { path: [...proposal(1), 'exitReason'], kind: 'enum', required: true },
        { path: [...proposal(1), 'votesFor'], kind: 'count', required: true },
        { path: [...proposal(2), 'category'], kind: 'enum', required: true },
        { path: [...proposal(2), 'votesAgainst'], kind: 'count', required: true },
      ],
      objects: [[], ['meeting'], proposal(0), [...proposal(0), 'household'], proposal(1)],
      freeText: [
        [...proposal(0), 'household', 'headName'],
        [...proposal(0), 'note'],
      ],
      extra: [
        { name: 'no proposals', body: { meeting, proposals: [] } },
        { name: '501 proposals', body: { meeting, proposals: Array.from({ length: 501 }, () => exit) } },
        { name: 'the same household twice', body: { meeting, proposals: [exit, exit] } },
        {
          name: 'votesFor not above votesAgainst',
          body: { meeting, proposals: [{ ...exit, votesFor: 10, votesAgainst: 10 }] },
        },
        {
          name: 'more votes than present',
          body: { meeting, proposals: [{ ...exit, votesFor: 25, votesAgainst: 10 }] },
        },
        {
          name: 'EXIT with a category',
          body: { meeting, proposals: [{ ...exit, category: 'TARGETED' }] },
        },
        {
          name: 'both householdId and household',
          body: {
            meeting,
            proposals: [{ ...exit, household: { headName: '甲', idNumber: freshIdNumber(9002), size: 2 } }],
          },
        },
      ],
    },
    {
      name: 'POST objections',
      path: `/rounds/${publicity.roundId}/objections`,
      token: county.token,
      base: {
        proposalId: publicity.proposalIds[1]!,
        objector: { name: '李村民', contact: '13800001111' },
        reason: '该户不符合条件',
      },
      fields: [
        { path: ['proposalId'], kind: 'uuid', required: false },
        { path: ['objector'], kind: 'object', required: true },
        { path: ['objector', 'name'], kind: 'text', required: true },
        { path: ['objector', 'contact'], kind: 'optText', required: false },
        { path: ['reason'], kind: 'text', required: true },
      ],
      objects: [[], ['objector']],
      freeText: [['objector', 'name'], ['objector', 'contact'], ['reason']],
    },
    {
      name: 'POST resolution',
      path: `/rounds/${publicity.roundId}/objections/${openObjectionId}/resolution`,
      token: town.token,
      base: { decision: 'DISMISSED', note: '异议不成立', withdrawProposal: false },
      fields: [
        { path: ['decision'], kind: 'enum', required: true },
        { path: ['note'], kind: 'text', required: true },
        { path: ['withdrawProposal'], kind: 'bool', required: false },
      ],
      objects: [[]],
      freeText: [['note']],
      extra: [
        { name: 'withdraw with a dismissal', body: { decision: 'DISMISSED', note: '不成立', withdrawProposal: true } },
      ],
    },
    {
      name: 'POST township-review',
      path: `/rounds/${review.roundId}/township-review`,
      token: town.token,
      base: {
        decision: 'APPROVE',
        rejected: [{ proposalId: reviewed, reason: '核查不符' }],
        verification: [
          {
            proposalId: reviewed,
            visitedOn: '2026-11-25',
            visitedBy: '王干事',
            finding: 'NOT_CONFIRMED',
            note: '入户核查',
          },
        ],
        note: '同意',
      },
      fields: [
        { path: ['decision'], kind: 'enum', required: true },
        { path: ['note'], kind: 'text', required: true },
        { path: ['rejected'], kind: 'array', required: false },
        { path: ['rejected', 0], kind: 'object', required: false },
        { path: ['rejected', 0, 'proposalId'], kind: 'uuid', required: true },
        { path: ['rejected', 0, 'reason'], kind: 'text', required: true },
        { path: ['verification'], kind: 'array', required: false },
        { path: ['verification', 0, 'proposalId'], kind: 'uuid', required: true },
        { path: ['verification', 0, 'visitedOn'], kind: 'date', required: true },
        { path: ['verification', 0, 'visitedBy'], kind: 'text', required: true },
        { path: ['verification', 0, 'finding'], kind: 'enum', required: true },
        { path: ['verification', 0, 'note'], kind: 'text', required: false },
      ],
      objects: [[], ['rejected', 0], ['verification', 0]],
      freeText: [['note'], ['rejected', 0, 'reason'], ['verification', 0, 'visitedBy'], ['verification', 0, 'note']],
      extra: [
        {
          name: 'a return with rejections',
          body: { decision: 'RETURN', rejected: [{ proposalId: reviewed, reason: 'x' }], note: '退回' },
        },
        {
          name: 'a proposal rejected twice',
          body: {
            decision: 'APPROVE',
            rejected: [
              { proposalId: reviewed, reason: 'x' },
              { proposalId: reviewed, reason: 'y' },
            ],
            note: '同意',
          },
        },
        {
          name: '501 rejections',
          body: {
            decision: 'APPROVE',
            rejected: Array.from({ length: 501 }, () => ({ proposalId: reviewed, reason: 'x' })),
            note: '同意',
          },
        },
      ],
    },
    {
      name: 'POST county-announcement',
      path: `/rounds/${announce.roundId}/county-announcement`,
      token: county.token,
      base: { decision: 'RETURN', returnTo: 'TOWNSHIP_REVIEW', note: '请补充材料' },
      fields: [
        { path: ['decision'], kind: 'enum', required: true },
        { path: ['returnTo'], kind: 'enum', required: false },
        { path: ['note'], kind: 'text', required: true },
      ],
      objects: [[]],
      freeText: [['note']],
      extra: [
        { name: 'announce with returnTo', body: { decision: 'ANNOUNCE', returnTo: 'TOWNSHIP_REVIEW', note: '公告' } },
        { name: 'returnTo a publicity', body: { decision: 'RETURN', returnTo: 'FIRST_PUBLICITY', note: '退回' } },
      ],
    },
    {
      name: 'POST cancel',
      path: `/rounds/${assess.roundId}/cancel`,
      token: county.token,
      base: { reason: '撤销本轮识别' },
      fields: [{ path: ['reason'], kind: 'text', required: true }],
      objects: [[]],
      freeText: [['reason']],
    },
    {
      name: 'POST /campaigns',
      path: '/campaigns',
      token: county.token,
      base: {
        name: '2026年动态调整',
        year: 2026,
        villages: [vStart],
        policy: { publicityPeriod: '1 hour', stageDeadline: '1 hour' },
      },
      fields: [
        { path: ['name'], kind: 'text', required: true },
        // Every invalid count (negative, fractional, huge, not a number) is outside 2000–2100 too.
        { path: ['year'], kind: 'count', required: true },
        { path: ['villages'], kind: 'array', required: true },
        { path: ['villages', 0], kind: 'villageCode', required: true },
        { path: ['policy'], kind: 'object', required: false },
        { path: ['policy', 'publicityPeriod'], kind: 'duration', required: false },
        { path: ['policy', 'stageDeadline'], kind: 'duration', required: false },
      ],
      objects: [[], ['policy']],
      freeText: [['name']],
      extra: [
        { name: 'year 1999', body: { name: '旧', year: 1999, villages: 'ALL' } },
        { name: 'villages "all"', body: { name: '全县', year: 2026, villages: 'all' } },
        { name: 'no villages', body: { name: '空', year: 2026, villages: [] } },
        { name: 'a village twice', body: { name: '重复', year: 2026, villages: [vStart, vStart] } },
        { name: 'a village of another county', body: { name: '外县', year: 2026, villages: ['620523100201'] } },
      ],
    },
    ...(['village', 'household'] as const).map((subject): Endpoint => ({
      name: `PUT ${subject} responsibility`,
      method: 'PUT',
      path: subject === 'village' ? `/villages/${vStart}/responsibility` : `/households/${a2!.id}/responsibility`,
      token: county.token,
      base: { unit: '县农业农村局', personName: '李帮扶', personPhone: '0938-6512345', note: '结对帮扶' },
      fields: [
        { path: ['unit'], kind: 'text', required: true },
        { path: ['personName'], kind: 'text', required: true },
        { path: ['personPhone'], kind: 'optText', required: false },
        { path: ['note'], kind: 'optText', required: false },
      ],
      objects: [[]],
      freeText: [['unit'], ['personName'], ['note']],
      extra: [
        { name: 'a phone of letters', body: { unit: '局', personName: '李', personPhone: 'call me' } },
        { name: 'a 101-character unit', body: { unit: '局'.repeat(101), personName: '李' } },
      ],
    })),
  ];
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

// ---- sending and judging --------------------------------------------------------------------------------

interface Outcome {
  name: string;
  status: number;
  contentType: string;
  text: string;
  /** Why the answer is not one the OpenAPI document allows (kit/openapi.ts), when it is not. */
  undocumented?: string;
}

async function send(e: Endpoint, c: Case): Promise<Outcome> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${e.token}`,
    'content-type': 'application/json',
    ...c.headers,
  };
  if (headers['content-type'] === '') delete headers['content-type'];
  try {
    // A request that never gets an answer (a decision stuck in its workflow) is a fault, not a test timeout.
    const res = await fetch(stack.baseUrl + e.path, {
      method: e.method ?? 'POST',
      headers,
      body: c.body,
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    let undocumented: string | undefined;
    try {
      checkResponse(e.method ?? 'POST', stack.baseUrl + e.path, res.status, contentType, text);
    } catch (err) {
      undocumented = (err as Error).message;
    }
    return { name: c.name, status: res.status, contentType, text, undocumented };
  } catch (err) {
    return { name: c.name, status: 0, contentType: '', text: `no answer: ${(err as Error).name}` };
  }
}

const STACK_TRACE = /\n\s+at\s|\bat\s+\S+\s+\(|\/work\/|node_modules|[\w-]+\.[jt]s:\d+/;

/** Why an answer is not a proper refusal, or null when it is one. */
function fault(o: Outcome): string | null {
  if (o.undocumented) return o.undocumented;
  if (o.status < 400 || o.status >= 500) return `status ${o.status}`;
  if (!o.contentType.startsWith('application/problem+json')) return `content-type ${o.contentType}`;
  if (STACK_TRACE.test(o.text)) return 'stack trace or file path in the body';
  let body: { status?: unknown; title?: unknown; detail?: unknown };
  try {
    body = JSON.parse(o.text) as typeof body;
  } catch {
    return 'body is not JSON';
  }
  if (body.status !== o.status || typeof body.title !== 'string' || typeof body.detail !== 'string') {
    return 'not a problem document';
  }
  return null;
}

async function heldStages() {
  const rounds = await stack.db.prisma.round.findMany({
    where: { id: { in: held.map((h) => h.roundId) } },
    select: { id: true, stage: true, status: true },
  });
  return Object.fromEntries(rounds.map((r) => [r.id, `${r.stage}/${r.status}`]));
}

const expectedStages = () => Object.fromEntries(held.map((h) => [h.roundId, `${h.stage}/OPEN`]));

const ENDPOINTS = [
  'POST /rounds',
  'POST assessment',
  'POST objections',
  'POST resolution',
  'POST township-review',
  'POST county-announcement',
  'POST cancel',
  'POST /campaigns',
  'PUT village responsibility',
  'PUT household responsibility',
];

describe.each(ENDPOINTS)('%s', (name) => {
  test(`≥ ${CASES_PER_ENDPOINT} malformed bodies: each a 4xx problem, nothing written`, async () => {
    const e = endpoints.find((x) => x.name === name)!;
    const rng = prng(seedOf(name));
    const raw = rawCases(e);
    const cases = [...raw, ...jsonCases(e, rng, CASES_PER_ENDPOINT)];
    // A valid Idempotency-Key on some requests: the refusal is stored, and still nothing is applied.
    cases.forEach((c, i) => {
      if (i % 10 === 3 && !c.headers) c.headers = { 'idempotency-key': `fuzz-${name}-${i}` };
    });
    expect(cases.length).toBeGreaterThanOrEqual(CASES_PER_ENDPOINT);
    for (const c of cases) {
      const size = typeof c.body === 'string' ? Buffer.byteLength(c.body) : c.body.length;
      if (size >= BODY_LIMIT) throw new Error(`case ${c.name} is ${size} bytes: over the body limit`);
    }
    const before = await rowCounts(stack);

    const started = Date.now();
    const outcomes = await mapLimit(cases, CONCURRENCY, (c) => send(e, c));
    const ms = Date.now() - started;

    const faults = outcomes.flatMap((o) => {
      const why = fault(o);
      return why ? [`${o.name}: ${why}: ${o.text.slice(0, 200)}`] : [];
    });
    expect(faults.slice(0, 15)).toEqual([]);
    expect(await rowCounts(stack)).toEqual(before);
    expect(await heldStages()).toEqual(expectedStages());
    expect((await stack.db.prisma.objection.findUniqueOrThrow({ where: { id: openObjectionId } })).status).toBe('OPEN');
    expect(await stack.db.prisma.idempotencyRecord.count({ where: { responseStatus: { gte: 500 } } })).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'isAdmin')).toBe(false);
    const histogram = outcomes.reduce<Record<number, number>>(
      (h, o) => ({ ...h, [o.status]: (h[o.status] ?? 0) + 1 }),
      {},
    );
    process.stdout.write(`fuzz ${name}: ${cases.length} cases in ${ms} ms: ${JSON.stringify(histogram)}\n`);
  });
});

test('bodies over the limit get 413 problem+json on every endpoint; at the limit they are read', async () => {
  const before = await rowCounts(stack);
  for (const e of endpoints) {
    const over = `{"note":"${'x'.repeat(BODY_LIMIT)}"}`;
    const big = await send(e, { name: 'over', body: over });
    expect({ name: e.name, status: big.status }).toEqual({ name: e.name, status: 413 });
    expect(fault(big)).toBeNull();
    const exactly = `{"note":"${'x'.repeat(BODY_LIMIT - 11)}"}`;
    expect(Buffer.byteLength(exactly)).toBe(BODY_LIMIT);
    const atLimit = await send(e, { name: 'at limit', body: exactly });
    expect({ name: e.name, status: atLimit.status }).toEqual({ name: e.name, status: 400 });
    const oneMore = await send(e, { name: 'limit + 1', body: exactly.replace('"}', 'x"}') });
    expect({ name: e.name, status: oneMore.status }).toEqual({ name: e.name, status: 413 });
    const megabytes = await send(e, { name: '5 MB', body: Buffer.alloc(5 * 1024 * 1024, 0x5b) });
    expect({ name: e.name, status: megabytes.status }).toEqual({ name: e.name, status: 413 });
  }
  expect(await rowCounts(stack)).toEqual(before);
  expect(await heldStages()).toEqual(expectedStages());
});

test('no request of the fuzz reached the error log, and the rounds still take valid decisions', async () => {
  expect(stack.logs.filter((l) => /"level":"error"/.test(l))).toEqual([]);
  // The held rounds are not stuck: a valid objection is still recorded at once.
  const e = endpoints.find((x) => x.name === 'POST objections')!;
  const ok = await send(e, { name: 'valid', body: encode({ objector: { name: '最后' }, reason: '有效的异议' }) });
  expect(ok.status).toBe(201);
  expect(await stack.db.prisma.objection.count({ where: { reason: '有效的异议' } })).toBe(1);
});
