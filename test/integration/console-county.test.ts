// The county and township views of the console in a real browser (Chromium of @sparticuz/chromium, playwright-core)
// on the real stack: a county official starts a campaign and watches its progress per township advance; a township
// official assigns a village's responsibility (a refused phone shown next to its field, then corrected); the
// household page shows the facts masked as the API masks them; every page fits 1366×768 and 390×844 without
// sideways scrolling, every control has an accessible name, and Chinese renders in the bundled font.
//
// Screenshots: each main page at both sizes goes to .data/screenshots/<page>-<office|phone>.png (git-ignored; the
// viewport only, not the full page). The four in docs/console/ for the README are copies of some of them, kept
// small by their size (no pngquant here): run this file, then
//   cp .data/screenshots/{county-office,campaign-office,township-office,household-phone}.png docs/console/
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../kit/browser';
import {
  consoleOrigin,
  OFFICE,
  openConsole,
  overflowsHorizontally,
  PHONE,
  screenshot,
  signedInConsole,
  signIn,
  unlabelledControls,
} from '../../kit/console';
import { meeting, official, officialsFor, registeredHouseholds, type Official } from '../../kit/rounds';
import { startStack, type Stack } from '../../kit/stack';
import { eventually } from '../../kit/wait';

let stack: Stack;
let browser: Browser;
let county: Official;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  county = await official(stack, 'COUNTY', '620522', '县扶贫办');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const signedIn = (token: string, viewport = OFFICE) => signedInConsole(browser, stack, token, { viewport });

/** Villages of two townships (the first two of each), none of them with a round yet. */
async function villagesOfTwoTownships() {
  const townships = await stack.prisma.township.findMany({ orderBy: { code: 'asc' }, skip: 3, take: 2 });
  const villages = await Promise.all(
    townships.map((t) =>
      stack.prisma.village.findMany({ where: { townshipCode: t.code }, orderBy: { code: 'asc' }, take: 2 }),
    ),
  );
  return townships.map((t, i) => ({ code: t.code, name: t.name, villages: villages[i]!.map((v) => v.code) }));
}

/** Waits until the progress chart's accessible summary (its aria-label lists every township's value) shows all `values`. */
async function chartShows(p: Page, values: string[]): Promise<void> {
  const chart = p.locator('figure.chart svg[role="img"]');
  await eventually(
    async () => {
      const summary = (await chart.getAttribute('aria-label')) ?? '';
      return values.every((v) => summary.includes(v));
    },
    15_000,
    `the chart to show ${values.join(', ')}`,
  );
}

test('a county official starts a campaign from the county view and sees its progress per township advance', async () => {
  const [a, b] = await villagesOfTwoTownships();
  const p = await signedIn(county.token);
  await p.getByRole('link', { name: '县级工作台' }).first().click();
  await p.getByRole('heading', { level: 2, name: '县级工作台' }).waitFor();

  // A refused start keeps what was typed: a village code that does not exist.
  await p.getByLabel('批次名称').fill('浏览器试点批次');
  await p.getByLabel('年度').fill('2026');
  await p.getByLabel(/^村代码（每行一个/).fill(['620522999999', ...a!.villages, ...b!.villages].join('\n'));
  await p.getByRole('button', { name: '开始批次' }).click();
  await p.locator('.problem[role="alert"]').waitFor();
  await expect(p.getByLabel('批次名称').inputValue()).resolves.toBe('浏览器试点批次');
  expect(await stack.prisma.campaign.count()).toBe(0);

  await p.getByLabel(/^村代码（每行一个/).fill([...a!.villages, ...b!.villages].join('\n'));
  await p.getByRole('button', { name: '开始批次' }).click();
  await p.waitForURL(/#\/campaigns\/campaign-2026-[0-9a-f]{8}$/);
  const campaignId = p.url().split('/').pop()!;
  await p.getByRole('heading', { level: 2, name: '批次：浏览器试点批次（2026 年）' }).waitFor();

  await eventually(
    async () => (await county.client.get(`/campaigns/${campaignId}`)).body.progress.roundsStarted === 4,
    30_000,
    'the campaign to start its four rounds',
  );
  // Both townships' rounds have started; none has passed the village assessment yet.
  await chartShows(p, [`${a!.name} 0/2轮`, `${b!.name} 0/2轮`]);
  await expect(p.getByTestId('campaign-status').textContent()).resolves.toBe('进行中');

  // One village of the first township submits its assessment through the API: the chart, refreshing by itself,
  // shows that township one round further on, the other unchanged.
  const village = a!.villages[0]!;
  const o = await officialsFor(stack, village);
  const round = await stack.prisma.round.findFirstOrThrow({ where: { campaignId, villageCode: village } });
  const [h] = await registeredHouseholds(stack, village);
  const assessed = await o.village.client.post(`/rounds/${round.id}/assessment`, {
    meeting,
    proposals: [
      {
        action: 'RECLASSIFY',
        householdId: h!.id,
        category: h!.category === 'CONSOLIDATION' ? 'TARGETED' : 'CONSOLIDATION',
        votesFor: 20,
        votesAgainst: 3,
      },
    ],
  });
  expect(assessed.status).toBe(200);
  await chartShows(p, [`${a!.name} 1/2轮`, `${b!.name} 0/2轮`]);
  await expect(p.locator('figure.chart svg text.chart-value').allTextContents()).resolves.toEqual(['1/2', '0/2']);
  await screenshot(p, 'campaign-progress-office');
}, 120_000);

test('the township view lists its villages and assigns responsibility; a refused phone is shown next to its field', async () => {
  const village = (await stack.prisma.village.findFirstOrThrow({ orderBy: { code: 'asc' }, skip: 60 })).code;
  const o = await officialsFor(stack, village);
  const villages = await stack.prisma.village.findMany({ where: { townshipCode: village.slice(0, 9) } });
  const p = await signedIn(o.township.token);
  await p.goto(`${consoleOrigin(stack)}/#/township`);
  const table = p.locator('table', { has: p.locator('caption', { hasText: '村（共' }) });
  await table.locator('tbody tr').first().waitFor();
  await expect(table.locator('tbody tr').count()).resolves.toBe(villages.length);

  const name = villages.find((v) => v.code === village)!.name;
  await table.getByRole('link', { name, exact: true }).click();
  await p.getByRole('heading', { level: 2, name: new RegExp(`${name}$`) }).waitFor();
  // The village's current responsibility (the seed assigns one), as the API answers it.
  const before = (await o.township.client.get(`/villages/${village}/responsibility`)).body;
  const shown = p.getByTestId('responsibility-current');
  if (before.current)
    await expect(shown.textContent()).resolves.toContain(`${before.current.unit} · ${before.current.personName}`);
  else await p.getByText('尚未指定帮扶责任。').waitFor();
  const rows = () => stack.prisma.responsibilityAssignment.count({ where: { villageCode: village } });
  const rowsBefore = await rows();

  await p.getByLabel('帮扶单位').fill('县农业农村局');
  await p.getByLabel('责任人', { exact: true }).fill('王建国');
  await p.getByLabel('责任人电话').fill('打电话');
  await p.getByRole('button', { name: '保存帮扶责任' }).click();
  const phoneError = p.locator('#resp-personPhone-error');
  await phoneError.waitFor();
  await expect(phoneError.textContent()).resolves.toMatch(/电话/);
  await expect(p.getByLabel('责任人电话').getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(p.getByLabel('帮扶单位').inputValue()).resolves.toBe('县农业农村局');
  expect(await rows()).toBe(rowsBefore);

  await p.getByLabel('责任人电话').fill('13800138000');
  await p.getByRole('button', { name: '保存帮扶责任' }).click();
  await p.getByText('已保存。').waitFor();
  await expect(phoneError.count()).resolves.toBe(0);
  await shown.filter({ hasText: '当前：县农业农村局 · 王建国' }).waitFor();
  const api = await o.township.client.get(`/villages/${village}/responsibility`);
  expect(api.body.current).toMatchObject({ unit: '县农业农村局', personName: '王建国', personPhone: '13800138000' });
}, 60_000);

test('the household page shows the facts as the API masks them for the county, never the full ID number', async () => {
  const village = (await stack.prisma.village.findFirstOrThrow({ orderBy: { code: 'asc' }, skip: 70 })).code;
  const [h] = await registeredHouseholds(stack, village);
  const row = await stack.prisma.household.findUniqueOrThrow({ where: { id: h!.id } });
  const answer = (await county.client.get(`/households/${row.id}`)).body;
  expect(answer.idNumberMasked).toBe(true);

  const p = await signedIn(county.token);
  await p.goto(`${consoleOrigin(stack)}/#/households/${row.id}`);
  await p.getByRole('heading', { level: 2, name: `农户 ${row.registryNo}（户主 ${row.headName}）` }).waitFor();
  await expect(p.getByTestId('household-id-number').textContent()).resolves.toBe(`${answer.idNumber}（已脱敏）`);
  const text = (await p.locator('main').textContent())!;
  expect(text).not.toContain(row.idNumber);
  if (row.phone) expect(text).not.toContain(row.phone);
  for (const m of answer.facts.members as { name: string; idNumber: string | null }[]) {
    expect(text).toContain(m.name);
    if (m.idNumber) expect(text).toContain(m.idNumber);
  }
  await screenshot(p, 'household-masked-office');
}, 60_000);

test('every county and township page fits an office screen and a phone, with every control named', async () => {
  const village = (await stack.prisma.village.findFirstOrThrow({ orderBy: { code: 'asc' }, skip: 80 })).code;
  const [h] = await registeredHouseholds(stack, village);
  const campaign = await stack.prisma.campaign.findFirstOrThrow();
  const main: [name: string, hash: string, heading: RegExp][] = [
    ['county', '#/county', /^县级工作台$/],
    ['township', '#/township', /^乡镇：/],
    ['campaign', `#/campaigns/${campaign.id}`, /^批次：/],
    ['village', `#/villages/${village}`, /村$/],
    ['household', `#/households/${h!.id}`, /^农户 /],
    ['registry', '#/registry', /^名册$/],
    ['exit-plan', '#/exit-plan', /^退出计划/],
    ['exits', '#/exits', /^退出申请$/],
    ['scorecard', '#/scorecard', /^乡镇考核/],
    ['findings', '#/findings', /^督查问题$/],
  ];
  for (const [size, viewport] of [
    ['office', OFFICE],
    ['phone', PHONE],
  ] as const) {
    const p = await signedIn(county.token, viewport);
    for (const [name, hash, heading] of main) {
      await p.goto(`${consoleOrigin(stack)}/${hash}`);
      await p.getByRole('heading', { level: 2, name: heading }).waitFor();
      await p.waitForLoadState('networkidle');
      expect({ name, size, overflows: await overflowsHorizontally(p) }).toEqual({ name, size, overflows: false });
      expect({ name, size, unnamed: await unlabelledControls(p) }).toEqual({ name, size, unnamed: [] });
      await screenshot(p, `${name}-${size}`);
      if (name === 'exit-plan') {
        // The chart the API draws, loaded by the <img> with the session cookie (same origin).
        const img = p.getByRole('img', { name: /计划退出与实际退出/ });
        await expect(
          img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth),
        ).resolves.toBeGreaterThan(0);
      }
      if (name === 'scorecard') {
        const scorecard = (await county.client.get('/assessment/townships')).body;
        const table = p.locator('table', { has: p.locator('caption', { hasText: '各乡镇' }) });
        await expect(table.locator('tbody tr').count()).resolves.toBe(scorecard.items.length);
        const headings = await table.locator('th').allTextContents();
        expect(headings).toEqual(expect.arrayContaining(['错退率', '漏评率', '群众认可度']));
      }
    }
  }
}, 180_000);

/** The bundled font's faces the page has loaded (their weights), once the fonts in use are ready. */
function loadedBundledFaces(p: Page): Promise<string[]> {
  return p.evaluate<string[]>(`document.fonts.ready.then(() =>
    [...document.fonts]
      .filter((f) => f.family.replace(/["']/g, '') === 'Noto Sans SC' && f.status === 'loaded')
      .map((f) => f.weight))`);
}

test('Chinese renders in the bundled Noto Sans SC, served by the API itself; without the font files it does not', async () => {
  const p = await openConsole(browser, stack);
  const origin = consoleOrigin(stack);
  const requested: string[] = [];
  p.on('request', (r) => requested.push(r.url()));
  await signIn(p, county.token);
  await p.goto(`${origin}/#/county`);
  await p.getByRole('heading', { level: 2, name: '县级工作台' }).waitFor();
  const weights = await loadedBundledFaces(p);
  expect(new Set(weights)).toEqual(new Set(['400', '700'])); // body text and the bold headings
  await expect(p.evaluate<boolean>(`document.fonts.check('700 24px "Noto Sans SC"', '县级工作台')`)).resolves.toBe(
    true,
  );
  const fonts = requested.filter((u) => u.includes('/console/fonts/'));
  expect(fonts.length).toBeGreaterThan(1);
  // Only the subsets of the characters shown: a handful of the ~200 files of both weights.
  expect(fonts.filter((u) => u.endsWith('.woff2')).length).toBeLessThan(60);
  expect(requested.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'))).toEqual([]);

  // The same page with the font files refused: no face of the bundled font loads, so the check above can fail.
  const refusing = await browser.newContext({ viewport: OFFICE, locale: 'zh-CN' });
  let refused = 0;
  await refusing.route(/\/console\/fonts\/[^/]+\.woff2$/, (route) => {
    refused += 1;
    return route.fulfill({ status: 404, body: '' });
  });
  const q = await refusing.newPage();
  await q.goto(`${origin}/#/county`);
  await signIn(q, county.token);
  await q.getByRole('heading', { level: 2, name: '县级工作台' }).waitFor();
  await expect(loadedBundledFaces(q)).resolves.toEqual([]);
  expect(refused).toBeGreaterThan(0);

  // Only the kept weights are served.
  const kept = await fetch(`${origin}/console/fonts/noto-sans-sc-4-400-normal.woff2`);
  expect([kept.status, kept.headers.get('content-type')]).toEqual([200, 'font/woff2']);
  expect((await fetch(`${origin}/console/fonts/noto-sans-sc-4-300-normal.woff2`)).status).toBe(404);
  expect((await fetch(`${origin}/console/fonts/noto-sans-sc-4-400-normal.woff`)).status).toBe(404);
}, 60_000);
