// The officials' console in a real browser (Chromium from @sparticuz/chromium, driven by playwright-core): sign-in
// with a token for an HttpOnly cookie session, the inbox, CSRF protection of cookie-authenticated writes,
// sign-out; and an ADMIN signed in to the console reading a round's decrypted input in the Temporal Web UI,
// which decodes through the API's codec server with the browser's cookie.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../../kit/browser';
import { consoleOrigin, openConsole, signIn as signInForm } from '../../kit/console';
import { checkedFetch } from '../../kit/openapi';
import { eventually } from '../../kit/wait';
import { official, officialsFor, type Officials } from '../../kit/rounds';
import { startStack, type Stack } from '../../kit/stack';

let stack: Stack;
let browser: Browser;
let o: Officials;
let village: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack({ webUi: true }), launchBrowser()]);
  village = (await stack.prisma.village.findFirstOrThrow({ orderBy: { code: 'asc' }, skip: 30 })).code;
  o = await officialsFor(stack, village);
}, 180_000);

afterAll(async () => {
  await Promise.allSettled(contexts.map((c) => c.close()));
  await browser?.close();
  await stack?.stop();
});

const origin = () => consoleOrigin(stack);

async function page(): Promise<Page> {
  const p = await openConsole(browser, stack);
  contexts.push(p.context());
  return p;
}

async function signIn(p: Page, token: string) {
  await p.goto(`${origin()}/`);
  await signInForm(p, token);
}

/** A request from the page's own scripts (same origin, with its cookies), as the console's code makes it. */
function fetchInPage(p: Page, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return p.evaluate(
    async ([m, url, b, h]) => {
      const res = await fetch(url as string, {
        method: m as string,
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', ...(h as Record<string, string>) },
        body: b === undefined ? undefined : JSON.stringify(b),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    [method, `/api/v1${path}`, body, headers] as const,
  );
}

test('a village official signs in with a token, sees the inbox, and page scripts never see the token or the cookie', async () => {
  const started = await o.township.client.post('/rounds', { villageCode: village });
  expect(started.status).toBe(201);
  const p = await page();
  await p.goto(`${origin()}/`);
  expect(await p.locator('html').getAttribute('lang')).toBe('zh-CN');
  await expect(p.locator('input[name="token"]').isVisible()).resolves.toBe(true);

  // A wrong token: an error next to the form, still signed out.
  await p.getByLabel('工作人员令牌').fill('jz_not-a-token');
  await p.getByRole('button', { name: '登录' }).click();
  await p.getByText('令牌无效或已停用。').waitFor();

  await signIn(p, o.village.token);
  await expect(p.locator('#who').textContent()).resolves.toContain('村支书');
  // The inbox: the round waits for the village's assessment, a link to the round's page.
  await p.locator('#inbox-list li').first().waitFor();
  await expect(p.locator('#inbox-list').textContent()).resolves.toContain(village);
  await expect(p.locator('#inbox-list').textContent()).resolves.toContain('村民评议');
  const roundId = (await stack.prisma.round.findFirstOrThrow({ where: { villageCode: village } })).id;
  await expect(p.locator('#inbox-list a').first().getAttribute('href')).resolves.toBe(`#/rounds/${roundId}`);

  const cookies = await p.context().cookies();
  const session = cookies.find((c) => c.name === 'jz_session')!;
  expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
  expect(session.value).not.toContain(o.village.token);
  expect(await p.evaluate('document.cookie')).not.toContain('jz_session');
  expect(await p.content()).not.toContain(o.village.token);
  // The session is stored hashed: the cookie's secret is nowhere in the database.
  const rows = await stack.prisma.consoleSession.findMany({ where: { officialId: o.village.id } });
  expect(rows).toHaveLength(1);
  expect(rows[0]!.idHash).not.toBe(session.value);
});

test('a write authenticated by the cookie needs the session’s CSRF token; sign-out ends the session', async () => {
  const p = await page();
  await signIn(p, o.township.token);
  const other = (await stack.prisma.village.findFirstOrThrow({
    where: { townshipCode: village.slice(0, 9), code: { not: village } },
    orderBy: { code: 'asc' },
  }))!.code;

  const read: { status: number; body: any } = await fetchInPage(p, 'GET', '/session');
  expect(read.status).toBe(200);
  expect(read.body.official).toMatchObject({ role: 'TOWNSHIP', name: '乡镇干部' });
  const csrf = read.body.csrfToken as string;
  expect(csrf.length).toBeGreaterThan(20);

  const without = await fetchInPage(p, 'POST', '/rounds', { villageCode: other });
  expect(without).toMatchObject({ status: 403, body: { code: 'CSRF_FAILED' } });
  const wrong = await fetchInPage(p, 'POST', '/rounds', { villageCode: other }, { 'X-CSRF-Token': 'x'.repeat(32) });
  expect(wrong).toMatchObject({ status: 403, body: { code: 'CSRF_FAILED' } });
  expect(await stack.prisma.round.count({ where: { villageCode: other } })).toBe(0);
  const withToken = await fetchInPage(p, 'POST', '/rounds', { villageCode: other }, { 'X-CSRF-Token': csrf });
  expect(withToken.status).toBe(201);
  const round = await stack.prisma.round.findFirstOrThrow({ where: { villageCode: other } });
  // Attributed to the official the session belongs to.
  expect(round.startedById).toBe(o.township.id);

  await p.getByRole('button', { name: '退出登录' }).click();
  await p.locator('#sign-in').waitFor({ state: 'visible' });
  expect((await p.context().cookies()).find((c) => c.name === 'jz_session')).toBeUndefined();
  // The old cookie no longer works either: it was revoked, not only cleared.
  const revoked = await stack.prisma.consoleSession.findMany({ where: { officialId: o.township.id } });
  expect(revoked.every((s) => s.revokedAt !== null)).toBe(true);
  expect((await fetchInPage(p, 'GET', '/session')).status).toBe(401);
});

test('an ADMIN signed in to the console reads a round’s decrypted input in the Temporal Web UI; others do not', async () => {
  const admin = await official(stack, 'ADMIN', village.slice(0, 6), '系统管理员');
  const roundId = (await stack.prisma.round.findFirstOrThrow({ where: { villageCode: village } })).id;
  // Only in the encrypted payload: the starting official's id is in no workflow id or search attribute.
  const secret = o.township.id;

  /** Signs in to the console, turns on the UI's cross-origin credentials, opens the round in the UI. */
  const uiPage = async (token: string, watch: (p: Page) => void = () => undefined) => {
    const p = await page();
    watch(p);
    await signIn(p, token);
    // The UI's own setting ("include cross-origin credentials"), as an administrator sets it once.
    await p.goto(`${stack.uiUrl}/namespaces/default/workflows`);
    await p.evaluate(
      `localStorage.setItem('endpoint', ${JSON.stringify(JSON.stringify(`${origin()}/codec`))});` +
        `localStorage.setItem('includeCredentials', 'true');` +
        `localStorage.setItem('overrideRemoteCodecConfiguration', 'true');`,
    );
    await p.goto(`${stack.uiUrl}/namespaces/default/workflows/${roundId}`);
    return p;
  };

  const decoded = await uiPage(admin.token);
  await eventually(async () => (await decoded.content()).includes(secret), 60_000, 'the decoded input in the UI');

  // The county's cookie: the codec server answers 403, and the UI never shows the decrypted input.
  const refused: number[] = [];
  const county = await uiPage(o.county.token, (p) =>
    p.on('response', (r) => {
      if (r.url().endsWith('/codec/decode') && r.request().method() === 'POST') refused.push(r.status());
    }),
  );
  await eventually(async () => refused.length > 0, 60_000, 'the UI asking the codec server');
  expect(new Set(refused)).toEqual(new Set([403]));
  expect(await county.content()).not.toContain(secret);
}, 180_000);

test('the session operations over plain HTTP, each answer checked against the OpenAPI document', async () => {
  const url = (path: string) => `${stack.baseUrl}${path}`;
  const json = { 'Content-Type': 'application/json' };
  const bad = await checkedFetch(url('/session'), { method: 'POST', headers: json, body: '{"token":""}' });
  expect(bad.status).toBe(400);
  const unknown = await checkedFetch(url('/session'), { method: 'POST', headers: json, body: '{"token":"jz_x"}' });
  expect(unknown.status).toBe(401);
  expect(unknown.headers.get('set-cookie')).toBeNull();

  const signedIn = await checkedFetch(url('/session'), {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ token: o.county.token }),
  });
  expect(signedIn.status).toBe(201);
  const setCookie = signedIn.headers.get('set-cookie')!;
  expect(setCookie).toMatch(/^jz_session=[A-Za-z0-9_-]{40,}; Path=\/; Expires=.*; HttpOnly; SameSite=Strict$/);
  const cookie = setCookie.split(';')[0]!;
  const { csrfToken } = (await signedIn.json()) as { csrfToken: string };

  const read = await checkedFetch(url('/session'), { headers: { Cookie: cookie } });
  expect(await read.json()).toMatchObject({ official: { id: o.county.id, role: 'COUNTY' }, csrfToken });
  // With a bearer token there is no session and no CSRF token to send.
  const bearer = await checkedFetch(url('/session'), { headers: { Authorization: `Bearer ${o.county.token}` } });
  expect(await bearer.json()).toMatchObject({ official: { id: o.county.id }, csrfToken: null, expiresAt: null });

  const refused = await checkedFetch(url('/session/sign-out'), { method: 'POST', headers: { Cookie: cookie } });
  expect(refused.status).toBe(403);
  const out = await checkedFetch(url('/session/sign-out'), {
    method: 'POST',
    headers: { Cookie: cookie, 'X-CSRF-Token': csrfToken },
  });
  expect(out.status).toBe(204);
  expect(out.headers.get('set-cookie')).toMatch(/^jz_session=; Max-Age=0;/);
  expect((await checkedFetch(url('/session'), { headers: { Cookie: cookie } })).status).toBe(401);
});
