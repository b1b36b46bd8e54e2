import { createOfficial } from '../../infra/officials';
import { simulateOfficials, type SimOfficial } from '../../sim/officials';
import { api, eventually } from '../../kit/http';
import { startStack, type Stack } from '../../kit/stack';

let stack: Stack;
let county: ReturnType<typeof api>;
let officials: SimOfficial[];

beforeAll(async () => {
  stack = await startStack();
  const p = stack.db.prisma;
  const [villages, townships] = await Promise.all([
    p.village.findMany({ select: { code: true } }),
    p.township.findMany({ select: { code: true } }),
  ]);
  const make = async (role: SimOfficial['role'], scopeCode: string) => ({
    role,
    scopeCode,
    token: (await createOfficial(p, { role, scopeCode, name: `${role} ${scopeCode}` })).token,
  });
  officials = await Promise.all([
    ...villages.map((v) => make('VILLAGE', v.code)),
    ...townships.map((t) => make('TOWNSHIP', t.code)),
    make('COUNTY', '620522'),
  ]);
  county = api(stack.baseUrl, officials.find((o) => o.role === 'COUNTY')!.token);
});
afterAll(async () => {
  await stack?.stop();
});

test('a campaign over all 193 villages, driven by simulated officials, changes the registry exactly as announced', async () => {
  const householdsBefore = await stack.db.prisma.household.count();
  const started = await county.post('/campaigns', {
    name: '2026年动态调整',
    year: 2026,
    villages: 'ALL',
    policy: { publicityPeriod: '1s' },
  });
  expect(started.status).toBe(201);
  const id: string = started.body.campaignId;

  const stats = await simulateOfficials({
    baseUrl: stack.baseUrl,
    officials,
    until: async () => (await county.get(`/campaigns/${id}`)).body.status === 'COMPLETED',
    timeoutMs: 8 * 60_000,
  });
  expect(stats.failures).toEqual([]);

  const progress = await county.get(`/campaigns/${id}`);
  expect(progress.body).toMatchObject({
    status: 'COMPLETED',
    progress: { villagesTargeted: 193, roundsStarted: 193, byStatus: { COMPLETED: 193 }, byStage: { COMPLETED: 193 } },
  });
  expect(progress.body.townships).toHaveLength(17);

  // Exactly the announced proposals reached the registry, once each.
  const p = stack.db.prisma;
  const applied = await p.proposal.findMany({ where: { status: 'APPLIED', round: { campaignId: id } } });
  expect(applied).toHaveLength(193 * 2);
  const changes = await p.registryChange.findMany({ where: { proposalId: { in: applied.map((a) => a.id) } } });
  expect(changes).toHaveLength(applied.length);
  expect(await p.household.count()).toBe(householdsBefore + 193);
  const exits = applied.filter((a) => a.action === 'EXIT').map((a) => a.householdId!);
  expect(await p.household.count({ where: { id: { in: exits }, status: 'EXITED' } })).toBe(193);
  const rounds = await p.round.findMany({ where: { campaignId: id }, select: { stage: true, status: true } });
  expect(rounds.every((r) => r.stage === 'COMPLETED' && r.status === 'COMPLETED')).toBe(true);
  const wf = await stack.env.client.workflow.getHandle(id).result();
  expect(wf).toMatchObject({ launched: 17, done: 17, allLaunched: true });
}, 600_000);

test('cancelling a campaign cancels its open rounds and records why', async () => {
  const villages = (await stack.db.prisma.village.findMany({ orderBy: { code: 'asc' }, take: 5, skip: 40 })).map(
    (v) => v.code,
  );
  const started = await county.post('/campaigns', {
    name: '试点调整',
    year: 2026,
    villages,
    policy: { publicityPeriod: '1 hour' },
  });
  expect(started.status).toBe(201);
  const id: string = started.body.campaignId;
  await eventually(
    async () => (await county.get(`/campaigns/${id}`)).body.progress.roundsStarted === 5,
    30_000,
    'rounds started',
  );

  const cancelled = await county.post(`/campaigns/${id}/cancel`, { reason: '上级通知暂停' });
  expect(cancelled.status).toBe(200);
  await eventually(
    async () => (await county.get(`/campaigns/${id}`)).body.status === 'CANCELLED' || undefined,
    30_000,
    'campaign cancelled',
  );
  await eventually(
    async () => (await stack.db.prisma.round.count({ where: { campaignId: id, status: 'CANCELLED' } })) === 5,
    30_000,
    'rounds cancelled',
  );
  const c = await county.get(`/campaigns/${id}`);
  expect(c.body).toMatchObject({ status: 'CANCELLED', cancelReason: '上级通知暂停' });
  const trail = await stack.db.prisma.decision.findMany({
    where: { kind: 'ROUND_CANCELLED', round: { campaignId: id } },
  });
  expect(trail).toHaveLength(5);
  for (const d of trail) expect(d.note).toContain('上级通知暂停');
  expect((await county.post(`/campaigns/${id}/cancel`, { reason: 'again' })).status).toBe(409);
  // The villages are free again: a new round can start.
  const again = await county.post('/rounds', { villageCode: villages[0] });
  expect(again.status).toBe(201);
});
