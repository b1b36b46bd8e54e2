// A round from start to announcement in the officials' console, in a real browser (Chromium, playwright-core)
// against a real stack (Temporal dev server, PostgreSQL, the API serving the console): the village assesses
// through the form (refused by the majority rule, corrected in the same form, accepted) and files an objection,
// the township upholds it with a correction and approves with its household visits, the county announces with
// its spot checks; each official's inbox leads to the round and empties as the work is done. Publicities last
// seconds (MIN_PUBLICITY_PERIOD 1s); the county samples every proposal (COUNTY_SAMPLE_SHARE 1).
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../kit/browser';
import { overflowsHorizontally, PHONE, screenshot, signedInConsole, unlabelledControls } from '../../kit/console';
import {
  ENTRY_FACTS,
  EXIT_FACTS,
  freshIdNumber,
  officialsFor,
  recordFacts,
  villageClaimer,
  type Officials,
} from '../../kit/rounds';
import { startStack, type Stack } from '../../kit/stack';
import { eventually } from '../../kit/wait';

let stack: Stack;
let browser: Browser;
let claim: ReturnType<typeof villageClaimer>;

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startStack({ rules: { minPublicityPeriod: '1s', countySampleShare: 1 } }),
    launchBrowser(),
  ]);
  claim = villageClaimer(stack);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const consoleFor = (token: string, viewport?: { width: number; height: number }) =>
  signedInConsole(browser, stack, token, { viewport });

/** Reloads the round page (its 刷新 button) until it shows `stage`: publicities end by the clock. */
async function untilStage(page: Page, stage: string, timeoutMs = 30_000) {
  await eventually(
    async () => {
      if ((await page.locator('#round-stage').textContent()) === stage) return true;
      await page.getByRole('button', { name: '刷新' }).click();
      await page.waitForTimeout(300);
      return false;
    },
    timeoutMs,
    `the round page to show ${stage}`,
  );
}

/** The inbox, read afresh (the page loaded again, not only its hash changed). */
async function freshInbox(page: Page) {
  await page.goto(page.url().replace(/#.*$/, '') + '#/');
  await page.reload();
  await page.locator('#inbox-list li, #inbox-empty').first().waitFor();
}

/** Opens the round from the inbox: the task is a link to the round's page. */
async function openFromInbox(page: Page, villageCode: string) {
  await freshInbox(page);
  const task = page.locator('#inbox-list li', { hasText: villageCode }).first();
  await task.waitFor();
  await task.getByRole('link').click();
  await page.locator('#round-stage').waitFor();
}

async function inboxMentions(page: Page, villageCode: string): Promise<boolean> {
  await freshInbox(page);
  return ((await page.locator('#inbox-list').textContent()) ?? '').includes(villageCode);
}

test('a round from assessment to announcement, each decision through the console’s forms', async () => {
  const villageCode = await claim();
  const o: Officials = await officialsFor(stack, villageCode);
  const household = await stack.prisma.household.findFirstOrThrow({
    where: { villageCode, status: 'NOT_REGISTERED' },
    orderBy: { registryNo: 'asc' },
  });
  // The facts that show the household's need (rules v3 checks an ENTER against them), as the village records them.
  await recordFacts(o.village.client, household.id, ENTRY_FACTS);
  const started = await o.township.client.post('/rounds', {
    villageCode,
    policy: { publicityPeriod: '6s', stageDeadline: '1 hour' },
  });
  expect(started.status).toBe(201);
  const roundId = started.body.roundId as string;

  // The village: the inbox names the round and links to it.
  const village = await consoleFor(o.village.token);
  await village.locator('#inbox-list li').first().waitFor();
  await screenshot(village, 'console-inbox');
  await openFromInbox(village, villageCode);
  expect(village.url()).toContain(`#/rounds/${roundId}`);
  await expect(village.locator('#round-stage').textContent()).resolves.toBe('村民评议');
  // Only the village's own decision (and no county action) is offered.
  await expect(village.getByRole('heading', { name: '村民代表会议评议' }).count()).resolves.toBe(1);
  await expect(village.getByRole('heading', { name: '乡镇审核' }).count()).resolves.toBe(0);
  await expect(village.getByText('撤销本轮').count()).resolves.toBe(0);

  // The assessment: 30 of 40 representatives present, the household found by its head's name.
  await village.getByLabel('到会代表人数').fill('30');
  await village.getByLabel('代表总人数').fill('40');
  await village.getByLabel('第 1 户：搜索本村农户').fill(household.headName);
  await village
    .getByRole('button', { name: new RegExp(`^选择 ${household.headName}（${household.registryNo}`) })
    .click();
  await village.getByLabel('评议事项').selectOption('ENTER');
  await village.getByLabel('户类别').selectOption('TARGETED');
  await village.getByLabel('主要致贫原因').selectOption('ILLNESS');
  await village.getByLabel('纳入原因').selectOption('NEW_IDENTIFIED');
  // 10 votes for of 30 present: not a majority of those present.
  await village.getByLabel('赞成票').fill('10');
  await village.getByLabel('反对票').fill('5');
  await screenshot(village, 'console-assessment-form');
  expect(await unlabelledControls(village)).toEqual([]);
  await village.getByRole('button', { name: '提交评议结果' }).click();

  const votesError = village.locator('.field-error[data-path="proposals.0.votesFor"]');
  await votesError.waitFor();
  await expect(votesError.textContent()).resolves.toBe('赞成票 10 票未超过到会代表 30 人的半数，未获通过');
  await expect(village.getByRole('alert').first().textContent()).resolves.toContain('填写的内容不符合要求');
  // The field is marked and described by its message; nothing typed was lost, nothing was written.
  await expect(village.getByLabel('赞成票').getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(village.getByLabel('到会代表人数').inputValue()).resolves.toBe('30');
  await expect(village.getByLabel('主要致贫原因').inputValue()).resolves.toBe('ILLNESS');
  expect(await stack.prisma.proposal.count({ where: { roundId } })).toBe(0);

  // Corrected in the same form: accepted, the round moves to the first publicity.
  await village.getByLabel('赞成票').fill('25');
  await village.getByRole('button', { name: '提交评议结果' }).click();
  await untilStage(village, '第一次公示');
  const proposal = await stack.prisma.proposal.findFirstOrThrow({ where: { roundId } });
  expect(proposal).toMatchObject({ householdId: household.id, action: 'ENTER', votesFor: 25, cause: 'ILLNESS' });

  // During the publicity the village files an objection (the cause is wrong) through the page's form.
  await village.getByLabel('异议针对的农户').selectOption(proposal.id);
  await village.getByLabel('异议人姓名').fill('李四');
  await village.getByLabel('异议理由').fill('该户主要是缺资金，不是因病。');
  await village.getByRole('button', { name: '登记异议' }).click();
  await village.getByText('理由：该户主要是缺资金，不是因病。').waitFor();
  await screenshot(village, 'console-round');

  // The township: its inbox asks it to resolve the objection; it upholds it and amends the cause.
  const township = await consoleFor(o.township.token);
  await openFromInbox(township, villageCode);
  await township.getByLabel('处理结果').selectOption('UPHELD');
  await township.getByLabel('名单更正').selectOption('AMEND');
  await township.getByLabel('主要致贫原因').selectOption('LACK_OF_FUNDS');
  await township.getByLabel('处理意见').fill('经核实，主要致贫原因为缺资金。');
  await township.getByRole('button', { name: '提交处理结果' }).click();
  await township.getByText('异议成立').first().waitFor();
  const amended = await stack.prisma.proposal.findFirstOrThrow({ where: { roundId, status: 'PROPOSED' } });
  expect(amended.cause).toBe('LACK_OF_FUNDS');

  // The publicity ends by the clock; the township approves with its household visit.
  await untilStage(township, '乡镇审核');
  await township.getByLabel('审核意见').fill('入户核查属实，同意上报。');
  await township.getByRole('button', { name: '提交审核决定' }).click();
  // A visit left blank: refused next to its fields, the opinion kept.
  await township.locator('.field-error[data-path="verification.0.visitedBy"]').waitFor();
  await expect(township.getByLabel('审核意见').inputValue()).resolves.toBe('入户核查属实，同意上报。');
  const who = `${amended.assessmentNo}. ${household.headName}`;
  expect(await unlabelledControls(township)).toEqual([]);
  await township.getByLabel(`${who}：核查人`).fill('乡镇核查组');
  await township.getByLabel(`${who}：核查结论`).selectOption('CONFIRMED');
  await township.getByRole('button', { name: '提交审核决定' }).click();
  await untilStage(township, '第二次公示');
  expect(await inboxMentions(township, villageCode)).toBe(false);

  // The county: after the second publicity, its inbox leads to the round; the sample is the whole list.
  const county = await consoleFor(o.county.token);
  await eventually(async () => inboxMentions(county, villageCode), 30_000, 'the county’s task');
  await openFromInbox(county, villageCode);
  await expect(county.locator('#round-stage').textContent()).resolves.toBe('县审定');
  await county.getByRole('heading', { name: '县级抽查样本' }).waitFor();
  await county.getByLabel(`${who}：核查人`).fill('县抽查组');
  await county.getByLabel(`${who}：核查结论`).selectOption('CONFIRMED');
  await county.getByLabel('审定意见').fill('抽查属实，同意公告。');
  await county.getByRole('button', { name: '提交审定决定' }).click();
  await untilStage(county, '公告期');
  await county.getByRole('link', { name: /县级公告/ }).waitFor();
  await untilStage(county, '已完成');

  // Every decision is on the page with who decided and why; the inboxes hold nothing more for this round.
  await county.getByText('理由：抽查属实，同意公告。').waitFor();
  await county.getByText('理由：入户核查属实，同意上报。').waitFor();
  expect(await inboxMentions(county, villageCode)).toBe(false);
  expect(await inboxMentions(village, villageCode)).toBe(false);
  await expect(village.locator('#inbox-empty').isVisible()).resolves.toBe(true);
  const row = await stack.prisma.round.findUniqueOrThrow({ where: { id: roundId } });
  expect(row).toMatchObject({ stage: 'COMPLETED', status: 'COMPLETED' });
}, 180_000);

test('the round page on a phone (390×844): no sideways scrolling, the printable notice opens with the cookie', async () => {
  // The round the first test completed.
  const round = await stack.prisma.round.findFirstOrThrow({ where: { status: 'COMPLETED' } });
  const o = await officialsFor(stack, round.villageCode);
  const phone = await consoleFor(o.county.token, PHONE);
  await phone.goto(phone.url().replace(/#.*$/, '') + `#/rounds/${round.id}`);
  await phone.locator('#round-stage').waitFor();
  expect(await overflowsHorizontally(phone)).toBe(false);
  await screenshot(phone, 'console-round-phone');
  // The notice opens in a new tab of the same origin, with the session cookie.
  const [notice] = await Promise.all([
    phone.context().waitForEvent('page'),
    phone.getByRole('link', { name: /第 1 版/ }).click(),
  ]);
  await notice.waitForLoadState();
  expect(notice.url()).toContain(`/api/v1/rounds/${round.id}/notices/1`);
  const { name } = await stack.prisma.village.findUniqueOrThrow({ where: { code: round.villageCode } });
  await expect(notice.locator('body').textContent()).resolves.toContain(`${name}村民委员会`);
}, 60_000);

test('rules v3: an overdue entry the household’s facts do not support is refused next to the proposal, then admitted with the reason', async () => {
  const villageCode = await claim();
  const o = await officialsFor(stack, villageCode);
  const household = await stack.prisma.household.findFirstOrThrow({
    where: { villageCode, status: 'NOT_REGISTERED' },
    orderBy: { registryNo: 'asc' },
  });
  // Facts of a household above the line with every guarantee met: no need shows.
  await recordFacts(o.village.client, household.id, EXIT_FACTS);
  // A stage deadline of two seconds: the village's task is soon overdue, which the inbox says in words.
  const started = await o.township.client.post('/rounds', {
    villageCode,
    policy: { publicityPeriod: '1 hour', stageDeadline: '2s' },
  });
  expect(started.status).toBe(201);
  const page = await consoleFor(o.village.token);
  await eventually(
    async () => {
      await freshInbox(page);
      return ((await page.locator('#inbox-list li').first().textContent()) ?? '').includes('已逾期');
    },
    30_000,
    'the task marked overdue',
  );
  await screenshot(page, 'console-inbox-overdue');
  await openFromInbox(page, villageCode);
  await page.getByLabel('到会代表人数').fill('30');
  await page.getByLabel('代表总人数').fill('40');
  await page.getByLabel('第 1 户：搜索本村农户').fill(household.headName);
  await page.getByRole('button', { name: new RegExp(`^选择 ${household.headName}（${household.registryNo}`) }).click();
  await page.getByLabel('评议事项').selectOption('ENTER');
  await page.getByLabel('户类别').selectOption('TARGETED');
  await page.getByLabel('主要致贫原因').selectOption('ILLNESS');
  await page.getByLabel('纳入原因').selectOption('NEW_IDENTIFIED');
  await page.getByLabel('赞成票').fill('25');
  await page.getByLabel('反对票').fill('0');
  await page.getByRole('button', { name: '提交评议结果' }).click();

  const facts = page.locator('.field-error[data-path="proposals.0.facts"]');
  await facts.waitFor();
  await expect(facts.textContent()).resolves.toBe(
    '人均纯收入 5100 元不低于 2020 年贫困线 4000 元；“两不愁三保障”各项均已达到',
  );
  expect(await stack.prisma.proposal.count({ where: { roundId: started.body.roundId } })).toBe(0);

  await page.getByLabel(/^特殊情况说明/).fill('户主突发重病，家庭收入骤减，经村民代表会议认定。');
  await page.getByRole('button', { name: '提交评议结果' }).click();
  await untilStage(page, '第一次公示');
  const proposal = await stack.prisma.proposal.findFirstOrThrow({ where: { roundId: started.body.roundId } });
  expect(proposal.overrideReason).toBe('户主突发重病，家庭收入骤减，经村民代表会议认定。');
}, 60_000);

test('on a phone, a household not in the registry is proposed for entry with its head, ID number and size', async () => {
  const villageCode = await claim();
  const o = await officialsFor(stack, villageCode);
  const started = await o.township.client.post('/rounds', { villageCode, policy: { publicityPeriod: '1 hour' } });
  expect(started.status).toBe(201);
  // On a phone: the assessment form fits its width.
  const page = await consoleFor(o.village.token, PHONE);
  await page.goto(page.url().replace(/#.*$/, '') + `#/rounds/${started.body.roundId}`);
  await page.getByLabel('到会代表人数').fill('28');
  await page.getByLabel('代表总人数').fill('40');
  await page.getByRole('button', { name: '登记未在册的新户' }).click();
  await page.getByLabel('新户户主姓名').fill('王新户');
  // A wrong ID number first: refused next to it.
  await page.getByLabel('新户户主身份证号').fill('620523199001011234');
  await page.getByLabel('新户人口数').fill('3');
  await page.getByLabel('户类别').selectOption('TARGETED');
  await page.getByLabel('主要致贫原因').selectOption('DISABILITY');
  await page.getByLabel('纳入原因').selectOption('MISSED');
  await page.getByLabel('赞成票').fill('20');
  await page.getByLabel('反对票').fill('2');
  await page.getByLabel(/^特殊情况说明/).fill('新迁入户，家庭情况待录入，经会议认定。');
  await page.getByRole('button', { name: '提交评议结果' }).click();
  await page.locator('.field-error[data-path="proposals.0.household.idNumber"]').waitFor();
  expect(await overflowsHorizontally(page)).toBe(false);
  await screenshot(page, 'console-assessment-form-phone');
  await expect(page.getByLabel('新户户主姓名').inputValue()).resolves.toBe('王新户');

  const idNumber = freshIdNumber(4242);
  await page.getByLabel('新户户主身份证号').fill(idNumber);
  await page.getByRole('button', { name: '提交评议结果' }).click();
  await untilStage(page, '第一次公示');
  const proposal = await stack.prisma.proposal.findFirstOrThrow({ where: { roundId: started.body.roundId } });
  expect(proposal).toMatchObject({ action: 'ENTER', householdId: null, cause: 'DISABILITY', entryReason: 'MISSED' });
  expect(proposal.newHousehold).toMatchObject({ headName: '王新户', idNumber, size: 3 });
}, 60_000);
