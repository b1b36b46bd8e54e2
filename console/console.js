// The officials' console: signs in with a token once (the API answers with an HttpOnly session cookie this
// script cannot read), then uses only the public API with that cookie and, for writes, the CSRF token.
'use strict';

const API = '/api/v1';
const ROLE = { VILLAGE: '村级', TOWNSHIP: '乡镇', COUNTY: '县级', ADMIN: '管理员' };
const STAGE = {
  VILLAGE_ASSESSMENT: '村级评议',
  FIRST_PUBLICITY: '第一次公示',
  TOWNSHIP_REVIEW: '乡镇审核',
  SECOND_PUBLICITY: '第二次公示',
  COUNTY_ANNOUNCEMENT: '县级审定',
  ANNOUNCEMENT_PERIOD: '公告期',
  COMPLETED: '已完成',
};
const KIND = { DECIDE: '待决定', RESOLVE_OBJECTION: '待处理异议', OVERDUE: '已逾期', FINDING: '督查问题' };
let csrfToken = null;

const $ = (id) => document.getElementById(id);

async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch(API + path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  return { status: res.status, data };
}

function show(signedIn) {
  $('sign-in').hidden = signedIn;
  $('inbox').hidden = !signedIn;
  $('who').hidden = !signedIn;
  $('sign-out').hidden = !signedIn;
}

async function loadInbox() {
  const list = $('inbox-list');
  list.replaceChildren();
  const { status, data } = await call('GET', '/tasks');
  if (status !== 200) return;
  $('inbox-empty').hidden = data.items.length > 0;
  for (const t of data.items) {
    const li = document.createElement('li');
    const what = `${KIND[t.kind] ?? t.kind}：${t.villageCode ?? ''} ${t.stage ? (STAGE[t.stage] ?? t.stage) : ''}`;
    const due = t.deadline ? `（期限 ${new Date(t.deadline).toLocaleString('zh-CN')}）` : '';
    li.textContent = `${what}${due} ${t.action}`;
    if (t.overdue) li.classList.add('overdue');
    list.append(li);
  }
}

async function start() {
  const { status, data } = await call('GET', '/session');
  if (status !== 200) return show(false);
  csrfToken = data.csrfToken;
  $('who').textContent =
    `${data.official.name}（${ROLE[data.official.role] ?? data.official.role} ${data.official.scopeCode}）`;
  show(true);
  await loadInbox();
}

document.addEventListener('DOMContentLoaded', () => {
  $('sign-in-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const token = $('token').value;
    const { status } = await call('POST', '/session', { token });
    $('token').value = '';
    if (status === 201) {
      $('sign-in-error').textContent = '';
      return start();
    }
    $('sign-in-error').textContent = status === 429 ? '尝试次数过多，请稍后再试。' : '令牌无效或已停用。';
  });
  $('sign-out').addEventListener('click', async () => {
    await call('POST', '/session/sign-out');
    csrfToken = null;
    show(false);
  });
  void start();
});
