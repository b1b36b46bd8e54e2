// Personal data never reaches Temporal in clear: a full round entering a new household (head's name, ID number)
// with an objection (objector's name and phone) leaves none of them in the raw history — as the SDK fetches it
// and as `temporal workflow show -o json` prints it — in any encoding. The same round with the codec switched off
// (the test-only setting) shows them, which proves the search finds them. An ADMIN decodes them again through
// the codec server; other officials and strangers cannot.
import { randomPayloadKey } from '../../infra/codec';
import { api, eventually, type Reply } from '../../kit/http';
import { cliHistory, findIn, historyForms, payloadsIn } from '../../kit/history-search';
import {
  COUNTY,
  expectProblem,
  freshIdNumber,
  meeting,
  official,
  officialsFor,
  visitsFor,
  waitForStage,
} from '../../kit/rounds';
import { startStack, type Stack } from '../../kit/stack';

// Long enough for the objection on a loaded machine; short enough to wait out.
const publicity = { publicityPeriod: '8s', stageDeadline: '1 hour' };
const UI_ORIGIN = 'http://127.0.0.1:8233';

let encrypted: Stack;
let plain: Stack;
beforeAll(async () => {
  [encrypted, plain] = await Promise.all([
    startStack({ payloadKeys: [randomPayloadKey('k1')] }),
    startStack({ payloadKeys: false }),
  ]);
});
afterAll(async () => {
  await Promise.all([encrypted?.stop(), plain?.stop()]);
});

interface Person {
  headName: string;
  idNumber: string;
  objector: string;
  phone: string;
}

/** The whole procedure for one village: a new household enters, an objection is filed and dismissed. */
async function fullRound(stack: Stack, villageCode: string, p: Person): Promise<string> {
  const o = await officialsFor(stack, villageCode);
  const started = await o.township.client.post('/rounds', { villageCode, policy: publicity });
  expect(started.status).toBe(201);
  const roundId: string = started.body.roundId;
  const assessed = await o.village.client.post(`/rounds/${roundId}/assessment`, {
    meeting,
    proposals: [
      {
        action: 'ENTER',
        entryReason: 'NEW_IDENTIFIED',
        household: { headName: p.headName, idNumber: p.idNumber, size: 5 },
        category: 'TARGETED',
        cause: 'ILLNESS',
        votesFor: 26,
        votesAgainst: 1,
      },
    ],
  });
  expect(assessed.status).toBe(200);
  // The API may show the publicity a moment before the workflow does (docs/RELIABILITY.md, Known limits): retry.
  const objection = await eventually(
    async () => {
      const r = await o.village.client.post(`/rounds/${roundId}/objections`, {
        proposalId: assessed.body.proposals[0].id,
        objector: { name: p.objector, contact: p.phone },
        reason: '申报收入与实际不符',
      });
      if (r.status === 409 && r.body.code === 'WRONG_STAGE') return undefined;
      return r;
    },
    5_000,
    'the objection to be accepted',
  );
  expect(objection.status).toBe(201);
  const resolved = await o.township.client.post(
    `/rounds/${roundId}/objections/${objection.body.objectionId}/resolution`,
    {
      decision: 'DISMISSED',
      note: '入户核实，异议不成立',
    },
  );
  expect(resolved.status).toBe(200);
  await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
  expect(
    (
      await o.township.client.post(`/rounds/${roundId}/township-review`, {
        decision: 'APPROVE',
        note: '属实',
        verification: await visitsFor(o.township.client, roundId),
      })
    ).status,
  ).toBe(200);
  await waitForStage(o.county.client, roundId, 'COUNTY_ANNOUNCEMENT');
  expect(
    (await o.county.client.post(`/rounds/${roundId}/county-announcement`, { decision: 'ANNOUNCE', note: '同意' }))
      .status,
  ).toBe(200);
  await stack.env.client.workflow.getHandle(roundId).result();
  // The household really entered the registry: the round carried its data.
  const entered = await stack.db.prisma.household.findFirst({ where: { idNumber: p.idNumber } });
  expect(entered).toMatchObject({ headName: p.headName, status: 'REGISTERED' });
  return roundId;
}

async function village(stack: Stack, skip: number): Promise<string> {
  return (await stack.db.prisma.village.findFirstOrThrow({ orderBy: { code: 'asc' }, skip })).code;
}

const needles = (p: Person) => [p.headName, p.idNumber, p.objector, p.phone];
/** The needles `findIn` found, whatever the encoding. */
const items = (found: string[]) => new Set(found.map((f) => f.slice(0, f.indexOf(' ('))));

/** The raw history in each form an administrator could read it: SDK protobuf bytes and JSON, and the CLI's JSON. */
async function rawForms(stack: Stack, roundId: string) {
  const history = await stack.env.client.workflow.getHandle(roundId).fetchHistory();
  const { binary, json } = historyForms(history);
  const cli = await cliHistory(stack.env.address, roundId);
  return { binary, json, cli, events: history.events?.length ?? 0 };
}

const alice: Person = {
  headName: '欧阳新户',
  idNumber: freshIdNumber(9101),
  objector: '司马异议',
  phone: '13912345678',
};
const bob: Person = { headName: '诸葛新户', idNumber: freshIdNumber(9102), objector: '上官异议', phone: '13987654321' };

describe('with the codec (as deployed)', () => {
  let roundId: string;
  let admin: Awaited<ReturnType<typeof official>>;
  let codecUrl: string;
  beforeAll(async () => {
    roundId = await fullRound(encrypted, await village(encrypted, 40), alice);
    admin = await official(encrypted, 'ADMIN', COUNTY, '系统管理员');
    codecUrl = new URL(encrypted.baseUrl).origin;
  });

  test('the raw history holds no name, ID number or phone in any encoding (SDK fetchHistory and the CLI)', async () => {
    const raw = await rawForms(encrypted, roundId);
    expect(raw.events).toBeGreaterThan(20);
    expect(findIn(raw.binary, needles(alice))).toEqual([]);
    expect(findIn(raw.json, needles(alice))).toEqual([]);
    expect(findIn(raw.cli, needles(alice))).toEqual([]);
    // Every payload of the history is encrypted under the configured key, but the search attributes (indexed by
    // the server, so never encrypted: codes and the stage only).
    const payloads = payloadsIn(raw.json);
    expect(payloads.length).toBeGreaterThan(20);
    const open = payloads.filter((p) => Buffer.from(p.metadata!.encoding!, 'base64').toString() !== 'binary/encrypted');
    expect(
      open.filter((p) => !/\.searchAttributes\.indexedFields\.Jz(Village|Township|Stage|Campaign)$/.test(p.path)),
    ).toEqual([]);
    const keyIds = new Set(payloads.filter((p) => !open.includes(p)).map((p) => p.metadata!['encryption-key-id']));
    expect([...keyIds].map((k) => Buffer.from(k!, 'base64').toString())).toEqual(['k1']);
  });

  test('POST /codec/decode with an ADMIN token gives the data back; the CLI decodes through it too', async () => {
    const { json } = await rawForms(encrypted, roundId);
    const payloads = payloadsIn(json).map((p) => ({ metadata: p.metadata, data: p.data }));
    const decoded: Reply = await api(codecUrl, admin.token).post(
      '/codec/decode',
      { payloads },
      { 'X-Namespace': 'default' },
    );
    expect(decoded.status).toBe(200);
    expect(decoded.body.payloads).toHaveLength(payloads.length);
    const clear = decoded.body.payloads
      .map((p: { data: string }) => Buffer.from(p.data, 'base64').toString('utf8'))
      .join('\n');
    for (const n of needles(alice)) expect(clear).toContain(n);
    // Who decoded is logged, never what.
    const line = encrypted.logs.find((l) => l.includes('codec decode'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ officialId: admin.id, namespace: 'default', payloads: payloads.length });
    expect(findIn(encrypted.logs.join('\n'), needles(alice))).toEqual([]);

    const viaCli = await cliHistory(encrypted.env.address, roundId, [
      '--codec-endpoint',
      `${codecUrl}/codec`,
      '--codec-auth',
      `Bearer ${admin.token}`,
    ]);
    expect(items(findIn(viaCli, needles(alice)))).toEqual(new Set(needles(alice)));
  });

  test('encode and decode are inverse; another namespace is refused', async () => {
    const payload = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from('"x"').toString('base64'),
    };
    const client = api(codecUrl, admin.token);
    const enc = await client.post('/codec/encode', { payloads: [payload] });
    expect(enc.status).toBe(200);
    expect(Buffer.from(enc.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    const dec = await client.post('/codec/decode', enc.body);
    expect(dec.body.payloads[0]).toEqual(payload);
    expectProblem(
      await client.post('/codec/decode', enc.body, { 'X-Namespace': 'other' }),
      400,
      /serves namespace default/,
    );
    expectProblem(await client.post('/codec/decode', { payloads: [{ data: '!!' }] }), 400, /payloads\.0\.data/);
  });

  test('VILLAGE and COUNTY tokens get 403, no token 401', async () => {
    const { json } = await rawForms(encrypted, roundId);
    const body = {
      payloads: payloadsIn(json)
        .slice(0, 3)
        .map((p) => ({ metadata: p.metadata, data: p.data })),
    };
    const villageCode = await village(encrypted, 40);
    const v = await official(encrypted, 'VILLAGE', villageCode, '村支书');
    const c = await official(encrypted, 'COUNTY', COUNTY, '县扶贫办');
    expectProblem(await api(codecUrl, v.token).post('/codec/decode', body), 403, /ADMIN/, 'FORBIDDEN');
    expectProblem(await api(codecUrl, c.token).post('/codec/decode', body), 403, /ADMIN/, 'FORBIDDEN');
    expectProblem(await api(codecUrl, c.token).post('/codec/encode', body), 403, /ADMIN/, 'FORBIDDEN');
    expectProblem(await api(codecUrl).post('/codec/decode', body), 401, undefined, 'UNAUTHENTICATED');
  });

  test("CORS: the Temporal UI's origin may call with credentials; another origin is refused", async () => {
    const preflight = (origin: string) =>
      fetch(`${codecUrl}/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type,x-namespace',
        },
      });
    const ok = await preflight(UI_ORIGIN);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/Authorization.*Content-Type.*X-Namespace/);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect((await preflight('http://localhost:8233')).headers.get('access-control-allow-origin')).toBe(
      'http://localhost:8233',
    );

    const evil = await preflight('http://evil.example');
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    // The real request from another origin is refused too, even with an ADMIN token.
    const cross = await fetch(`${codecUrl}/codec/decode`, {
      method: 'POST',
      headers: {
        Origin: 'http://evil.example',
        authorization: `Bearer ${admin.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ payloads: [] }),
    });
    expect(cross.status).toBe(403);
    expect(cross.headers.get('access-control-allow-origin')).toBeNull();
    // The API itself sends no CORS headers at all.
    const me = await fetch(`${encrypted.baseUrl}/me`, {
      headers: { Origin: UI_ORIGIN, authorization: `Bearer ${admin.token}` },
    });
    expect(me.headers.get('access-control-allow-origin')).toBeNull();
  });
});

test('with the codec switched off (test-only), the same search finds every item: the search works', async () => {
  const roundId = await fullRound(plain, await village(plain, 41), bob);
  const raw = await rawForms(plain, roundId);
  expect(items(findIn(raw.binary, needles(bob)))).toEqual(new Set(needles(bob)));
  expect(items(findIn(raw.json, needles(bob)))).toEqual(new Set(needles(bob)));
  expect(items(findIn(raw.cli, needles(bob)))).toEqual(new Set(needles(bob)));
});
