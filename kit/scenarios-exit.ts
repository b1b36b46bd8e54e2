// A village's exit (摘帽) driven through the HTTP API the way officials act; recorded for the replay test
// (record-histories.ts) on a stack whose API has rules. It passes the sample the workflow drew, so a replay that
// drew another sample would ask for another activity input.
import { officialsFor } from './rounds';
import type { ScenarioContext } from './scenarios';
import { eventually } from './wait';

function expectStatus(reply: { status: number; text: string }, status: number, what: string) {
  if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status}: ${reply.text}`);
}

/**
 * Arranges `villageCode` as a poor village not yet out whose households all but one have exited (poor share far
 * below 3 %), then runs its exit through: request, verification, an objection dismissed, publicity, announcement.
 */
export async function villageExitCompleted(ctx: ScenarioContext, villageCode: string): Promise<string> {
  const p = ctx.prisma;
  await p.village.update({ where: { code: villageCode }, data: { exitedYear: null } });
  const keep = await p.household.findFirstOrThrow({
    where: { villageCode, status: 'REGISTERED' },
    orderBy: { registryNo: 'asc' },
  });
  await p.household.updateMany({
    where: { villageCode, status: 'REGISTERED', id: { not: keep.id } },
    data: { status: 'EXITED', exitReason: 'REACHED_STANDARD' },
  });
  const o = await officialsFor(ctx, villageCode);
  const started = await o.township.client.post('/exits', {
    level: 'VILLAGE',
    code: villageCode,
    year: 2026,
    policy: { publicityPeriod: '1s', stageDeadline: '1 hour' },
  });
  expectStatus(started, 201, 'request');
  const id: string = started.body.exitId;
  const sample: { householdId: string }[] = (await o.county.client.get(`/exits/${id}`)).body.sample;
  const findings = sample.map((s) => ({ householdId: s.householdId, finding: 'CONFIRMED' }));
  expectStatus(
    await o.county.client.post(`/exits/${id}/verification`, { decision: 'APPROVE', note: '抽查达标', findings }),
    200,
    'verification',
  );
  const objection = await o.village.client.post(`/exits/${id}/objections`, {
    objector: { name: '村民' },
    reason: '有异议',
  });
  expectStatus(objection, 201, 'objection');
  expectStatus(
    await o.county.client.post(`/exits/${id}/objections/${objection.body.objectionId}/resolution`, {
      decision: 'DISMISSED',
      note: '经核实不成立',
    }),
    200,
    'resolution',
  );
  await eventually(
    async () => (await o.county.client.get(`/exits/${id}`)).body.stage === 'ANNOUNCEMENT',
    30_000,
    `${id} to reach ANNOUNCEMENT`,
  );
  expectStatus(await o.county.client.post(`/exits/${id}/announcement`, { note: '予以公告' }), 200, 'announcement');
  return id;
}
