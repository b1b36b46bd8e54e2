import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { hashToken } from '../../infra/tokens';
import { api } from '../../kit/http';
import { startStack, type Stack } from '../../kit/stack';
import { eventually } from '../../kit/wait';
import { DEFAULT_CREDENTIAL_TTL_MS } from '../../api/credentials';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

function cli(...args: string[]) {
  return run(process.execPath, [require.resolve('tsx/cli'), 'scripts/cli.ts', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: stack.db.url },
  });
}

test('official create prints the token once, stores only its hash, and the API accepts it until revoked', async () => {
  const { stdout } = await cli(
    'official',
    'create',
    '--role',
    'TOWNSHIP',
    '--scope',
    '620522101',
    '--name',
    '测试乡干部',
    '--json',
  );
  const created = JSON.parse(stdout);
  expect(created).toMatchObject({ role: 'TOWNSHIP', scopeCode: '620522101', name: '测试乡干部' });
  expect(created.token).toMatch(/^jz_/);

  const row = await stack.db.prisma.official.findUniqueOrThrow({ where: { id: created.id } });
  expect(row.tokenHash).toBe(hashToken(created.token));
  expect(JSON.stringify(row)).not.toContain(created.token);

  const me = await api(stack.baseUrl, created.token).get('/me');
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ id: created.id, role: 'TOWNSHIP', scopeCode: '620522101' });

  const listed = JSON.parse((await cli('official', 'list', '--json')).stdout);
  expect(listed.find((o: { id: string }) => o.id === created.id)).toMatchObject({ revokedAt: null });
  expect(JSON.stringify(listed)).not.toContain(created.token);

  // The API believed the token a moment ago; a revocation by another process takes effect within the API's
  // credential cache time (api/credentials.ts), not at the next restart.
  await cli('official', 'revoke', created.id);
  const revokedAt = Date.now();
  await eventually(async () => (await api(stack.baseUrl, created.token).get('/me')).status === 401, 10_000);
  expect(Date.now() - revokedAt).toBeLessThan(DEFAULT_CREDENTIAL_TTL_MS + 1_000);
});

test('official create refuses a scope that does not fit the role or does not exist', async () => {
  await expect(
    cli('official', 'create', '--role', 'VILLAGE', '--scope', '620522', '--name', 'x'),
  ).rejects.toMatchObject({
    code: 2,
    stderr: expect.stringContaining('needs a village code'),
  });
  await expect(cli('official', 'create', '--role', 'COUNTY', '--scope', '999999', '--name', 'x')).rejects.toMatchObject(
    {
      code: 2,
      stderr: expect.stringContaining('No county with code 999999'),
    },
  );
  await expect(cli('official', 'create', '--role', 'MAYOR', '--scope', '620522', '--name', 'x')).rejects.toMatchObject({
    code: 2,
  });
});

test('poverty-line set enters a year as the county’s figure; list and GET /poverty-lines show it as entered', async () => {
  const before = JSON.parse((await cli('poverty-line', 'list', '--json')).stdout) as { year: number }[];
  expect(before.map((l) => l.year)).toEqual([2010, 2014, 2015, 2019, 2020]);
  const set = JSON.parse((await cli('poverty-line', 'set', '2021', '4300', '--source', '甘肃省公布', '--json')).stdout);
  expect(set).toMatchObject({ year: 2021, perCapita: 4300, source: '甘肃省公布（县扶贫办录入）' });
  await cli('poverty-line', 'set', '2022', '4500');
  const listed = (await cli('poverty-line', 'list')).stdout;
  expect(listed).toMatch(/2022\s+4500 元\s+县扶贫办录入/);

  const { token } = JSON.parse(
    (await cli('official', 'create', '--role', 'VILLAGE', '--scope', '620522101201', '--name', '村', '--json')).stdout,
  );
  const lines = (await api(stack.baseUrl, token).get('/poverty-lines')).body.items as {
    year: number;
    enteredByCounty: boolean;
  }[];
  expect(lines.map((l) => [l.year, l.enteredByCounty])).toEqual([
    [2010, false],
    [2014, false],
    [2015, false],
    [2019, false],
    [2020, false],
    [2021, true],
    [2022, true],
  ]);
  await expect(cli('poverty-line', 'set', '2023', '0')).rejects.toMatchObject({ code: 2 });
  await expect(cli('poverty-line', 'set', 'last', '4000')).rejects.toMatchObject({ code: 2 });
});
