// The credential cache: positive answers only, for at most its time to live, and a sign-out forgets at once.
import { cacheCredentials, forgetSession, remembered } from '../../api/credentials';
import type { PrismaClient } from '../../infra/db';

const client = () => ({}) as unknown as PrismaClient;

test('a known token is looked up once within the time to live, and again after it', async () => {
  const prisma = client();
  cacheCredentials(prisma, 50);
  let lookups = 0;
  const load = async () => (lookups++, { id: 'o1' });
  await remembered(prisma, 'officials', 'h1', load);
  await remembered(prisma, 'officials', 'h1', load);
  expect(lookups).toBe(1);
  await new Promise((r) => setTimeout(r, 80));
  await expect(remembered(prisma, 'officials', 'h1', load)).resolves.toEqual({ id: 'o1' });
  expect(lookups).toBe(2);
});

test('an unknown token is never remembered: every attempt reaches the database', async () => {
  const prisma = client();
  cacheCredentials(prisma, 60_000);
  let lookups = 0;
  const load = async () => (lookups++, undefined);
  await remembered(prisma, 'officials', 'nobody', load);
  await remembered(prisma, 'officials', 'nobody', load);
  expect(lookups).toBe(2);
});

test('a signed-out session is forgotten at once; other clients and kinds keep their own entries', async () => {
  const prisma = client();
  const other = client();
  cacheCredentials(prisma, 60_000);
  cacheCredentials(other, 60_000);
  let lookups = 0;
  const load = async () => (lookups++, { csrfToken: 'x' });
  await remembered(prisma, 'sessions', 's1', load);
  await remembered(other, 'sessions', 's1', load);
  await remembered(prisma, 'officials', 's1', load);
  forgetSession(prisma, 's1');
  await remembered(prisma, 'sessions', 's1', load);
  await remembered(other, 'sessions', 's1', load);
  await remembered(prisma, 'officials', 's1', load);
  expect(lookups).toBe(4);
});

test('a time to live of 0 leaves caching off', async () => {
  const prisma = client();
  cacheCredentials(prisma, 0);
  let lookups = 0;
  const load = async () => (lookups++, { id: 'o1' });
  await remembered(prisma, 'officials', 'h1', load);
  await remembered(prisma, 'officials', 'h1', load);
  expect(lookups).toBe(2);
});
