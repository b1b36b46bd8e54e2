// Personal data through a whole round on the real stack: ID numbers and phone numbers never reach a log
// (the API's logger, anything written to stdout/stderr, the Temporal runtime's logger), notices show ID
// numbers masked, and only officials of the village and its township see them in full.
import { inspect } from 'node:util';
import { Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import { makeIdNumber } from '../../domain/idNumber';
import {
  expectProblem,
  fast,
  meeting,
  official,
  officialsFor,
  registeredHouseholds,
  villageClaimer,
  waitForStage,
  type Client,
  visitsFor,
} from '../../kit/rounds';
import { startStack, type Stack } from '../../kit/stack';
import { quietRuntime } from '../../kit/temporal';

const MASKED_ID = /^\d{4}\*{10}[\dX]{4}$/;
const masked = (id: string) => `${id.slice(0, 4)}**********${id.slice(-4)}`;

let stack: Stack;
/** Everything written to stdout, stderr or the console by this process while the test file runs. */
const written: string[] = [];
/** Everything the Temporal runtime's logger was asked to log (worker, workflows, activities), at any level. */
const runtimeLogged: string[] = [];
const restore: (() => void)[] = [];

function capture(stream: NodeJS.WriteStream) {
  const original = stream.write.bind(stream);
  stream.write = ((chunk: Uint8Array | string, ...rest: unknown[]) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof stream.write;
  restore.push(() => {
    stream.write = original;
  });
}

function captureConsole() {
  // Jest's console buffers its output until the file ends: capture the calls themselves.
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      written.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 6 }))).join(' '));
      original.apply(console, args);
    };
    restore.push(() => {
      console[method] = original;
    });
  }
}

beforeAll(async () => {
  capture(process.stdout);
  capture(process.stderr);
  captureConsole();
  // The runtime logger filters by level inside `log`: wrap `log` to see every call, also those below WARN.
  quietRuntime();
  const logger = Runtime.instance().logger;
  const log = logger.log.bind(logger);
  logger.log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    runtimeLogged.push(`${level} ${message} ${inspect(meta, { depth: 6, breakLength: Infinity })}`);
    log(level, message, meta);
  };
  restore.push(() => {
    logger.log = log;
  });
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
  for (const undo of restore.reverse()) undo();
});

test('a full round: no ID number or phone number in any log; notices masked; full only for the village and township', async () => {
  const claim = villageClaimer(stack);
  const code = await claim();
  const o = await officialsFor(stack, code);
  const otherCounty = await official(stack, 'COUNTY', '620522', '县扶贫办乙');
  const [exitHousehold] = await registeredHouseholds(stack, code);

  // New households from outside the county; one ID number ends in X, sent in lower case.
  const idA = makeIdNumber('620523', { y: 1975, m: 6, d: 15 }, 17);
  const idB = [...Array(1000).keys()]
    .map((n) => makeIdNumber('620524', { y: 1988, m: 2, d: 29 }, n))
    .find((id) => id.endsWith('X'))!;
  const phoneA = '13800001111';
  const phoneB = '139 1234 5678';
  const secrets = [idA, idB, idB.toLowerCase(), exitHousehold!.idNumber, phoneA, phoneB, '13912345678'];
  if (exitHousehold!.phone) secrets.push(exitHousehold!.phone);

  const started = await o.township.client.post('/rounds', { villageCode: code, policy: fast });
  expect(started.status).toBe(201);
  const roundId: string = started.body.roundId;

  // A refused assessment that carries the ID numbers: the refusal must not echo or log them.
  const refused = await o.village.client.post(`/rounds/${roundId}/assessment`, {
    meeting,
    proposals: [
      newHousehold('错误户', idA.slice(0, 17) + (idA[17] === '0' ? '1' : '0')),
      newHousehold('重复户', exitHousehold!.idNumber),
    ],
  });
  expectProblem(refused, 400);
  for (const s of secrets) expect(refused.text).not.toContain(s);

  const assessed = await o.village.client.post(
    `/rounds/${roundId}/assessment`,
    {
      meeting,
      proposals: [
        newHousehold('张新户', idA),
        newHousehold('李新户', idB.toLowerCase()),
        {
          action: 'EXIT',
          householdId: exitHousehold!.id,
          exitReason: 'REACHED_STANDARD',
          householdConsent: { signedOn: '2026-11-18' },
          votesFor: 22,
          votesAgainst: 2,
        },
      ],
    },
    { 'idempotency-key': 'privacy-assessment' },
  );
  expect(assessed.status).toBe(200);
  const [pA] = assessed.body.proposals as { id: string }[];

  const objections = [];
  for (const contact of [phoneA, phoneB]) {
    const filed = await o.village.client.post(`/rounds/${roundId}/objections`, {
      proposalId: pA!.id,
      objector: { name: '王村民', contact },
      reason: `对该户有异议，联系电话 ${contact}`,
    });
    expect(filed.status).toBe(201);
    objections.push(filed.body.objectionId as string);
  }
  for (const id of objections) {
    const resolved = await o.township.client.post(`/rounds/${roundId}/objections/${id}/resolution`, {
      decision: 'DISMISSED',
      note: '经核实异议不成立',
    });
    expect(resolved.status).toBe(200);
  }

  // During the round: ID numbers and phones in full for the village and its township, masked for the county.
  const full = (await o.village.client.get(`/rounds/${roundId}`)).body;
  const fullTownship = (await o.township.client.get(`/rounds/${roundId}`)).body;
  for (const d of [full, fullTownship]) {
    expect(d.proposals.map((p: any) => p.idNumber).sort()).toEqual([idA, idB, exitHousehold!.idNumber].sort());
    expect(d.objections.map((x: any) => x.objector.contact)).toEqual([phoneA, phoneB]);
  }
  for (const county of [o.county.client, otherCounty.client]) {
    const r = await county.get(`/rounds/${roundId}`);
    expect(r.status).toBe(200);
    expect(r.body.proposals.map((p: any) => p.idNumber).sort()).toEqual(
      [masked(idA), masked(idB), masked(exitHousehold!.idNumber)].sort(),
    );
    for (const p of r.body.proposals) expect(p.idNumber).toMatch(MASKED_ID);
    expect(r.body.objections.map((x: any) => x.objector.contact)).toEqual(['138****1111', '139****5678']);
    // Free text (an objection's reason) is shown as the official wrote it; every structured field is masked.
    const structured = JSON.stringify({
      ...r.body,
      objections: r.body.objections.map(({ reason: _reason, ...x }: any) => x),
    });
    for (const s of [idA, idB, exitHousehold!.idNumber, phoneA, phoneB]) expect(structured).not.toContain(s);
  }

  await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
  const reviewed = await o.township.client.post(`/rounds/${roundId}/township-review`, {
    decision: 'APPROVE',
    verification: await visitsFor(o.township.client, roundId),
    note: '同意',
  });
  expect(reviewed.status).toBe(200);
  await waitForStage(o.county.client, roundId, 'COUNTY_ANNOUNCEMENT');
  const announced = await o.county.client.post(`/rounds/${roundId}/county-announcement`, {
    decision: 'ANNOUNCE',
    note: '同意公告',
  });
  expect(announced.status).toBe(200);
  expect(announced.body.noticeVersion).toBe(3);

  // Notices, as served and as stored: masked ID numbers only, and no phone at all.
  const notices = await stack.db.prisma.notice.findMany({ where: { roundId }, orderBy: { version: 'asc' } });
  expect(notices.map((n) => n.version)).toEqual([1, 2, 3]);
  for (const n of notices) {
    const served = await o.village.client.get(`/rounds/${roundId}/notices/${n.version}`);
    expect(served.status).toBe(200);
    for (const text of [served.text, n.html, JSON.stringify(n.content)]) {
      for (const s of secrets) expect(text).not.toContain(s);
      expect(text).toContain(masked(idA));
      expect(text).toContain(masked(idB));
    }
  }

  // After the announcement the new households are in the registry: /households masks for the county only.
  const path = `/households?village=${code}&status=REGISTERED&limit=500`;
  const countyView = await o.county.client.get(path);
  expect(countyView.status).toBe(200);
  // The two new households, in a fixed order (registry numbers follow the proposals' random ids).
  const newOnes = (items: any[]) =>
    items
      .filter((h) => h.headName === '张新户' || h.headName === '李新户')
      .sort((x, y) => (x.headName === '张新户' ? -1 : 1) - (y.headName === '张新户' ? -1 : 1));
  expect(newOnes(countyView.body.items).map((h: any) => [h.idNumber, h.idNumberMasked])).toEqual([
    [masked(idA), true],
    [masked(idB), true],
  ]);
  for (const h of countyView.body.items) expect(h.idNumber).toMatch(MASKED_ID);
  for (const s of [idA, idB]) expect(countyView.text).not.toContain(s);
  for (const client of [o.village.client, o.township.client] as Client[]) {
    const r = await client.get(path);
    expect(newOnes(r.body.items).map((h: any) => [h.idNumber, h.idNumberMasked])).toEqual([
      [idA, false],
      [idB, false],
    ]);
  }

  // A caller's request id that is an ID number: echoed to that caller, but redacted in the request's log line.
  const tagged = await fetch(`${stack.baseUrl}/health`, { headers: { 'x-request-id': idA } });
  expect(tagged.headers.get('x-request-id')).toBe(idA);
  expect(stack.logs.some((l) => l.includes('"reqId":"[id-number]"'))).toBe(true);

  // GET /metrics (no token) holds no personal data either.
  const metrics = await (await fetch(new URL('/metrics', stack.baseUrl))).text();
  expect(metrics).toContain('jingzhun_decisions_total');
  for (const s of secrets)
    expect({ secret: s, inMetrics: metrics.includes(s) }).toEqual({ secret: s, inMetrics: false });

  // Nothing personal in any log line: the API's logger, stdout/stderr/console, the Temporal runtime's logger.
  // First make sure each channel is really captured.
  process.stdout.write('canary-stdout\n');
  process.stderr.write('canary-stderr\n');
  console.info('canary-console');
  Runtime.instance().logger.debug('canary-runtime');
  expect(written.join('\n')).toEqual(expect.stringContaining('canary-stdout'));
  expect(written.join('\n')).toEqual(expect.stringContaining('canary-stderr'));
  expect(written.join('\n')).toEqual(expect.stringContaining('canary-console'));
  expect(runtimeLogged.join('\n')).toEqual(expect.stringContaining('canary-runtime'));
  // The worker logs through the runtime logger (activity and workflow task events at DEBUG).
  expect(runtimeLogged.filter((l) => !l.includes('canary')).length).toBeGreaterThan(0);
  expect(stack.logs.length).toBeGreaterThan(10);
  const logs = [...stack.logs, ...written, ...runtimeLogged].join('\n');
  for (const s of secrets) expect({ secret: s, found: logs.includes(s) }).toEqual({ secret: s, found: false });
  // Nor in a digits-only form (e.g. a phone logged without its spaces).
  const digitsOnly = logs.replace(/[\s-]/g, '');
  for (const s of secrets) expect(digitsOnly.includes(s.replace(/[\s-]/g, ''))).toBe(false);
});

function newHousehold(headName: string, idNumber: string) {
  return {
    action: 'ENTER',
    entryReason: 'NEW_IDENTIFIED',
    household: { headName, idNumber, size: 4 },
    category: 'TARGETED',
    cause: 'ILLNESS',
    votesFor: 25,
    votesAgainst: 1,
  };
}
