// A token revoked, by any means, stops working in every API process as soon as the change is committed: each
// process listens on PostgreSQL's jz_credentials channel (a trigger on "Official" and "ConsoleSession") and forgets
// what it remembered, so an official is remembered up to a minute without the revocation waiting for it.
import { CREDENTIALS_CHANNEL, listeningForCredentialChanges } from '../../api/credentials';
import { createPrisma, type PrismaClient } from '../../infra/db';
import { listeningBackends } from '../../kit/database';
import { api } from '../../kit/http';
import { startExtraApi, type ExtraApi } from '../../kit/extra-api';
import { official } from '../../kit/rounds';
import { startStack, type Stack } from '../../kit/stack';
import { eventually } from '../../kit/wait';

let stack: Stack;
const apis: { api: ExtraApi; prisma: PrismaClient }[] = [];

beforeAll(async () => {
  stack = await startStack();
  // Two API processes' worth, each with its own pool and listener, and a time to live of a minute even when not
  // listening: only the notification can make either refuse a revoked token within seconds.
  for (let i = 0; i < 2; i++) {
    const prisma = createPrisma(stack.db.url);
    apis.push({ api: await startExtraApi(stack, { prisma, credentialCacheMs: 60_000 }), prisma });
  }
  for (const a of apis) await eventually(async () => listeningForCredentialChanges(a.prisma), 10_000, 'listening');
});
afterAll(async () => {
  for (const a of apis) {
    await a.api.close();
    await a.prisma.$disconnect();
  }
  await stack?.stop();
});

const status = async (baseUrl: string, token: string) => (await api(baseUrl, token).get('/me')).status;

/** Both APIs refuse `token` within 5 s of `revoke` (their remembered answer would last a minute). */
async function refusedEverywhereSoonAfter(token: string, revoke: () => Promise<unknown>) {
  for (const a of apis) expect(await status(a.api.baseUrl, token)).toBe(200); // now remembered by both
  await revoke();
  for (const a of apis) {
    await eventually(async () => (await status(a.api.baseUrl, token)) === 401, 5_000, 'the revoked token refused');
  }
}

test('a token revoked by hand in the database is refused by every API process within seconds', async () => {
  const o = await official(stack, 'TOWNSHIP', '620522101', '乡干部甲');
  await refusedEverywhereSoonAfter(
    o.token,
    () => stack.db.prisma.$executeRaw`UPDATE "Official" SET "revokedAt" = now() WHERE "id" = ${o.id}::uuid`,
  );
});

test('a listener whose connection is lost listens again, and a revocation after that is heard', async () => {
  const o = await official(stack, 'TOWNSHIP', '620522101', '乡干部乙');
  const listeners = () => listeningBackends(stack.db.prisma, CREDENTIALS_CHANNEL);
  const before = await listeners();
  // The stack's own API and the two above.
  expect(before.length).toBe(3);
  await stack.db.prisma.$queryRaw`SELECT pg_terminate_backend(pid) FROM unnest(${before}::int[]) AS pid`;
  // Each API connects again on its next lookup (a request of a caller it does not remember): ask each.
  await eventually(
    async () => {
      for (const a of apis) await status(a.api.baseUrl, o.token);
      await status(stack.baseUrl, o.token);
      return (await listeners()).filter((pid) => !before.includes(pid)).length === before.length;
    },
    15_000,
    'every listener connected again',
  );
  for (const a of apis) {
    await eventually(async () => listeningForCredentialChanges(a.prisma), 5_000, 'listening again');
  }
  await refusedEverywhereSoonAfter(
    o.token,
    () => stack.db.prisma.$executeRaw`UPDATE "Official" SET "revokedAt" = now() WHERE "id" = ${o.id}::uuid`,
  );
});
