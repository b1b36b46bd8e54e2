// HTTP hardening of the real API: helmet's headers on every kind of answer, no X-Powered-By, no CORS for
// any origin (preflights included), and the failed-authentication limit per client (429 with Retry-After).
import { eventually } from '../../kit/http';
import { startExtraApi, type ExtraApi } from '../../kit/extra-api';
import { expectProblem, fast, meeting, officialsFor, registeredHouseholds, villageClaimer } from '../../kit/rounds';
import { startStack, type Stack } from '../../kit/stack';
import { checkedFetch } from '../../kit/openapi';

let stack: Stack;
let limited: ExtraApi;
let claimVillage: ReturnType<typeof villageClaimer>;
const WINDOW_MS = 1500;
beforeAll(async () => {
  stack = await startStack();
  claimVillage = villageClaimer(stack);
  // The same API with a small limit, so the test reaches it quickly and sees the window end.
  limited = await startExtraApi(stack, { authLimits: { failures: 3, windowMs: WINDOW_MS } });
});
afterAll(async () => {
  await limited?.close();
  await stack?.stop();
});

const EVIL = 'https://evil.example';

/** fetch, with the answer checked against the OpenAPI document (a CORS preflight is no API operation). */
async function request(url: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const res = init.method === 'OPTIONS' ? await fetch(url, init) : await checkedFetch(url, init);
  await res.arrayBuffer();
  return res;
}

function expectHardened(res: Response, what: string) {
  const h = (name: string) => res.headers.get(name);
  expect({ what, value: h('x-content-type-options') }).toEqual({ what, value: 'nosniff' });
  expect({ what, csp: h('content-security-policy') }).toEqual({
    what,
    csp: expect.stringContaining("default-src 'self'"),
  });
  expect(h('content-security-policy')).toContain("frame-ancestors 'self'");
  expect(h('content-security-policy')).toContain("object-src 'none'");
  expect(h('x-frame-options')).toBe('SAMEORIGIN');
  expect(h('strict-transport-security')).toMatch(/max-age=\d+/);
  expect(h('referrer-policy')).toBe('no-referrer');
  expect(h('cross-origin-opener-policy')).toBe('same-origin');
  expect(h('cross-origin-resource-policy')).toBe('same-origin');
  expect(h('x-dns-prefetch-control')).toBe('off');
  expect({ what, poweredBy: h('x-powered-by') }).toEqual({ what, poweredBy: null });
  for (const name of [
    'access-control-allow-origin',
    'access-control-allow-credentials',
    'access-control-allow-methods',
    'access-control-allow-headers',
    'access-control-expose-headers',
  ]) {
    expect({ what, name, value: h(name) }).toEqual({ what, name, value: null });
  }
}

test('helmet headers and no CORS on every kind of answer, even when another origin asks', async () => {
  const code = await claimVillage();
  const o = await officialsFor(stack, code);
  const auth = (token: string) => ({ authorization: `Bearer ${token}`, origin: EVIL });
  const json = (token: string) => ({ ...auth(token), 'content-type': 'application/json' });

  const answers: [string, Response][] = [
    ['health', await request(`${stack.baseUrl}/health`, { headers: { origin: EVIL } })],
    ['401', await request(`${stack.baseUrl}/townships`, { headers: { origin: EVIL } })],
    ['200 read', await request(`${stack.baseUrl}/townships`, { headers: auth(o.county.token) })],
    ['404', await request(`${stack.baseUrl}/no-such-thing`, { headers: auth(o.county.token) })],
    [
      '404 outside the API',
      await request(stack.baseUrl.replace('/api/v1', '/no-such-page'), { headers: { origin: EVIL } }),
    ],
    ['200 the console', await request(stack.baseUrl.replace('/api/v1', '/'), { headers: { origin: EVIL } })],
    [
      '400 bad JSON',
      await request(`${stack.baseUrl}/rounds`, { method: 'POST', headers: json(o.county.token), body: '{' }),
    ],
    [
      '201 created',
      await request(`${stack.baseUrl}/rounds`, {
        method: 'POST',
        headers: json(o.township.token),
        body: JSON.stringify({ villageCode: code, policy: fast }),
      }),
    ],
  ];
  for (const [what, res] of answers) expectHardened(res, what);
  expect(answers.map(([what, r]) => [what, r.status])).toEqual([
    ['health', 200],
    ['401', 401],
    ['200 read', 200],
    ['404', 404],
    ['404 outside the API', 404],
    ['200 the console', 200],
    ['400 bad JSON', 400],
    ['201 created', 201],
  ]);

  // A notice is HTML: it gets a stricter policy of its own (no scripts at all).
  const roundId = `round-${code}-1`;
  const [h] = await registeredHouseholds(stack, code);
  const assessed = await request(`${stack.baseUrl}/rounds/${roundId}/assessment`, {
    method: 'POST',
    headers: json(o.village.token),
    body: JSON.stringify({
      meeting,
      proposals: [
        {
          action: 'EXIT',
          householdId: h!.id,
          exitReason: 'REACHED_STANDARD',
          householdConsent: { signedOn: '2026-11-18' },
          votesFor: 22,
          votesAgainst: 2,
        },
      ],
    }),
  });
  expect(assessed.status).toBe(200);
  const notice = await request(`${stack.baseUrl}/rounds/${roundId}/notices/1`, { headers: auth(o.county.token) });
  expect(notice.status).toBe(200);
  expect(notice.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
  expect(notice.headers.get('x-content-type-options')).toBe('nosniff');
  expect(notice.headers.get('access-control-allow-origin')).toBeNull();
  expect(notice.headers.get('x-powered-by')).toBeNull();
});

test('API answers are never cached and carry no ETag; the console script revalidates with its own', async () => {
  const code = await claimVillage();
  const o = await officialsFor(stack, code);
  const auth = { authorization: `Bearer ${o.village.token}` };
  for (const path of ['/tasks', `/households?village=${code}`, '/no-such-thing', '/health']) {
    const res = await request(`${stack.baseUrl}${path}`, { headers: auth });
    expect([path, res.headers.get('cache-control'), res.headers.get('etag')]).toEqual([path, 'no-store', null]);
  }
  const script = stack.baseUrl.replace('/api/v1', '/console/app.js');
  const first = await request(script, {});
  expect(first.status).toBe(200);
  const etag = first.headers.get('etag');
  expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
  expect(first.headers.get('cache-control')).toBe('no-cache');
  // As a browser revalidates (fetch would add no-cache to a conditional request, which asks for the whole script).
  const again = await request(script, { headers: { 'if-none-match': etag!, 'cache-control': 'max-age=0' } });
  expect(again.status).toBe(304);
  expect(await again.text()).toBe('');
});

test('a CORS preflight from another origin gets no allowance', async () => {
  for (const path of ['/rounds', '/rounds/round-620522100201-1/assessment', '/health', '/townships']) {
    for (const method of ['POST', 'GET', 'PUT', 'DELETE']) {
      const res = await request(stack.baseUrl + path, {
        method: 'OPTIONS',
        headers: {
          origin: EVIL,
          'access-control-request-method': method,
          'access-control-request-headers': 'authorization, content-type, idempotency-key',
        },
      });
      const what = `OPTIONS ${path} for ${method}`;
      expect({ what, ok: res.ok && res.headers.get('access-control-allow-origin') !== null }).toEqual({
        what,
        ok: false,
      });
      expectHardened(res, what);
    }
  }
});

test('failed authentications past the limit from one client: 429 with Retry-After, other clients unaffected', async () => {
  const code = await claimVillage();
  const { county } = await officialsFor(stack, code);
  // The API trusts X-Forwarded-For from loopback (its proxy): each test client gets its own address.
  const from = (ip: string, token?: string) => ({
    'x-forwarded-for': ip,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });
  const get = (ip: string, token?: string) =>
    checkedFetch(`${limited.baseUrl}/townships`, { headers: from(ip, token) }).then(async (r) => ({
      status: r.status,
      retryAfter: r.headers.get('retry-after'),
      type: r.headers.get('content-type'),
      body: (await r.json()) as { status: number; detail: string },
    }));

  const attacker = '203.0.113.7';
  const failures = [await get(attacker, 'wrong-token-1'), await get(attacker), await get(attacker, 'wrong-token-3')];
  expect(failures.map((f) => f.status)).toEqual([401, 401, 401]);

  const blocked = await get(attacker, 'wrong-token-4');
  expect(blocked.status).toBe(429);
  expect(blocked.type).toMatch(/^application\/problem\+json/);
  expect(blocked.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
  const retryAfter = Number(blocked.retryAfter);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(Math.ceil(WINDOW_MS / 1000));
  // Even the right token is refused from that client until the window ends ...
  expect((await get(attacker, county.token)).status).toBe(429);
  // ... while another client is served, and its own failures are counted apart.
  expect((await get('198.51.100.9', county.token)).status).toBe(200);
  expect((await get('198.51.100.9', 'wrong')).status).toBe(401);
  // Once the window has passed, the client may try again.
  await eventually(async () => (await get(attacker, county.token)).status === 200, 10_000, 'the window to end');

  // Writes are behind the same gate: a blocked client cannot post either.
  const burst = '203.0.113.8';
  for (let i = 0; i < 3; i++) expect((await get(burst, 'nope')).status).toBe(401);
  const post = await checkedFetch(`${limited.baseUrl}/rounds`, {
    method: 'POST',
    headers: { ...from(burst, county.token), 'content-type': 'application/json' },
    body: JSON.stringify({ villageCode: code, policy: fast }),
  });
  expect(post.status).toBe(429);
  expect(post.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(await stack.db.prisma.round.count({ where: { villageCode: code } })).toBe(0);
});

test('only failed authentications count: refusals of an authenticated caller (403, 404, 400) never lead to 429', async () => {
  const code = await claimVillage();
  const { village } = await officialsFor(stack, code);
  const headers = { 'x-forwarded-for': '203.0.113.99', authorization: `Bearer ${village.token}` };
  const statuses: number[] = [];
  // Three times the limit of refusals, each from an authenticated caller: not one of them is a failed authentication.
  for (let i = 0; i < 3; i++) {
    for (const path of [
      '/villages/620522999999',
      '/households/00000000-0000-4000-8000-000000000000',
      '/rounds?limit=0',
    ]) {
      const r = await checkedFetch(`${limited.baseUrl}${path}`, { headers });
      statuses.push(r.status);
      await r.arrayBuffer();
    }
  }
  expect(new Set(statuses)).toEqual(new Set([403, 404, 400]));
  const after = await checkedFetch(`${limited.baseUrl}/me`, { headers });
  expect(after.status).toBe(200);
  await after.arrayBuffer();
});

test('the default limit: 20 failed authentications per minute, the 21st is 429', async () => {
  const client = '192.0.2.44';
  const statuses: number[] = [];
  for (let i = 0; i < 21; i++) {
    const r = await checkedFetch(`${stack.baseUrl}/me`, {
      headers: { 'x-forwarded-for': client, authorization: `Bearer guess-${i}` },
    });
    statuses.push(r.status);
    if (r.status === 429) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expectProblem({ status: r.status, body: await r.json(), headers: r.headers, text: '' }, 429);
    } else await r.arrayBuffer();
  }
  expect(statuses).toEqual([...Array(20).fill(401), 429]);
});
