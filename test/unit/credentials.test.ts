// The credential cache: positive answers only, for at most its time to live, and a sign-out forgets at once.
import { cacheCredentials, forgetSession, remembered } from '../../api/credentials';
import type { PrismaClient } from '../../infra/db';

const client = () => ({}) as unknown as PrismaClient;

// The cache reads its own clock, moved here by hand: a loaded machine (CI runs the suites in parallel) once took
// longer than a real 50 ms time to live between two lookups. The cache keeps a reading for up to 1 ms of real time,
// so each move is followed by a few real milliseconds.
test('a known token is looked up once within the time to live, and again after it', async () => {
  const prisma = client();
  let now = 1_000;
  cacheCredentials(prisma, 50, { now: () => now });
  const move = async (ms: number) => ((now += ms), new Promise((r) => setTimeout(r, 5)));
  let lookups = 0;
  const load = async () => (lookups++, { id: 'o1' });
  await remembered(prisma, 'officials', 'h1', load);
  await move(49);
  await remembered(prisma, 'officials', 'h1', load);
  expect(lookups).toBe(1);
  await move(2);
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
