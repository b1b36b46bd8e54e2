// GET /metrics on the real stack: no token, request durations by route template (never a raw path), decisions by
// kind and outcome, open rounds by stage from the database; and a request id on every request and its log line.
import { eventually } from '../../kit/http';
import { scrape, select, value, type Sample } from '../../kit/metrics';
import { freshIdNumber, longPublicity, meeting, officialsFor, villageClaimer } from '../../kit/rounds';
import { startStack, type Stack } from '../../kit/stack';

let stack: Stack;
let metricsUrl: string;

beforeAll(async () => {
  stack = await startStack();
  metricsUrl = new URL('/metrics', stack.baseUrl).toString();
});

afterAll(async () => {
  await stack?.stop();
});

const ASSESSMENT = '/api/v1/rounds/:roundId/assessment';
const OPEN_STAGES = [
  'VILLAGE_ASSESSMENT',
  'FIRST_PUBLICITY',
  'TOWNSHIP_REVIEW',
  'SECOND_PUBLICITY',
  'COUNTY_ANNOUNCEMENT',
  'ANNOUNCEMENT_PERIOD',
];

function openRounds(samples: Sample[]): Record<string, number> {
  return Object.fromEntries(select(samples, 'jingzhun_open_rounds').map((s) => [s.labels.stage!, s.value]));
}

test('GET /metrics answers without a token, in the Prometheus text format, with process metrics', async () => {
  const m = await scrape(metricsUrl);
  expect(m.status).toBe(200);
  expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(value(m.samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  expect(select(m.samples, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
  // Every open stage is present, at 0 when no round is there.
  expect(Object.keys(openRounds(m.samples)).sort()).toEqual([...OPEN_STAGES].sort());
});

test('a round: request histogram by route template, decisions by kind and outcome, open rounds by stage', async () => {
  const claim = villageClaimer(stack);
  const [codeA, codeB] = [await claim(), await claim()];
  const [a, b] = [await officialsFor(stack, codeA), await officialsFor(stack, codeB)];
  const before = await scrape(metricsUrl);
  const base = openRounds(before.samples);

  const startedA = await a.township.client.post('/rounds', { villageCode: codeA, policy: longPublicity });
  const startedB = await b.township.client.post('/rounds', { villageCode: codeB, policy: longPublicity });
  expect([startedA.status, startedB.status]).toEqual([201, 201]);
  const [roundA, roundB]: string[] = [startedA.body.roundId, startedB.body.roundId];

  const proposals = [
    {
      action: 'ENTER',
      entryReason: 'NEW_IDENTIFIED',
      household: { headName: '指标户', idNumber: freshIdNumber(4711), size: 3 },
      category: 'TARGETED',
      cause: 'ILLNESS',
      votesFor: 25,
      votesAgainst: 1,
    },
  ];
  // Accepted; the same again is refused by the round (no longer at the assessment); an invalid body is refused (400).
  const accepted = await a.village.client.post(`/rounds/${roundA}/assessment`, { meeting, proposals });
  expect(accepted.status).toBe(200);
  const again = await a.village.client.post(`/rounds/${roundA}/assessment`, { meeting, proposals });
  expect(again.status).toBe(409);
  const invalid = await b.village.client.post(`/rounds/${roundB}/assessment`, { meeting, proposals: 'none' });
  expect(invalid.status).toBe(400);

  const after = await eventually(
    async () => {
      const m = await scrape(metricsUrl);
      return openRounds(m.samples).FIRST_PUBLICITY === base.FIRST_PUBLICITY! + 1 ? m : undefined;
    },
    10_000,
    'the assessed round to count as FIRST_PUBLICITY',
  );
  const s = after.samples;

  // Request durations by method, route template and status: one sample each, and never a raw path.
  const count = (status: string) =>
    value(s, 'http_request_duration_seconds_count', { method: 'POST', route: ASSESSMENT, status });
  expect([count('200'), count('409'), count('400')]).toEqual([1, 1, 1]);
  expect(
    value(s, 'http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/rounds', status: '201' }),
  ).toBe(2);
  const accepted200 = { method: 'POST', route: ASSESSMENT, status: '200' };
  const sum = value(s, 'http_request_duration_seconds_sum', accepted200);
  expect(sum).toBeGreaterThan(0);
  expect(sum).toBeLessThan(30);
  expect(value(s, 'http_request_duration_seconds_bucket', { ...accepted200, le: '+Inf' })).toBe(1);
  expect(after.text).not.toContain(roundA);
  expect(after.text).not.toContain(codeA);
  for (const sample of select(s, 'http_request_duration_seconds_count')) {
    expect(sample.labels.route === 'unmatched' || sample.labels.route!.startsWith('/')).toBe(true);
    expect(sample.labels.route).not.toMatch(/\d{6}/);
  }

  // Decisions by kind and outcome: the refusal carries the round's reason, or the HTTP status before the round.
  expect(select(s, 'jingzhun_decisions_total').map((x) => [x.labels, x.value])).toEqual(
    expect.arrayContaining([
      [{ kind: 'assessment', outcome: 'accepted', reason: 'none' }, 1],
      [{ kind: 'assessment', outcome: 'refused', reason: 'WrongStage' }, 1],
      [{ kind: 'assessment', outcome: 'refused', reason: 'http_400' }, 1],
    ]),
  );
  expect(select(s, 'jingzhun_decisions_total')).toHaveLength(3);
  // Starting a round and reading one are not decisions.

  // Open rounds by stage, as the database has them.
  const open = openRounds(s);
  expect(open).toEqual({
    ...base,
    VILLAGE_ASSESSMENT: base.VILLAGE_ASSESSMENT! + 1,
    FIRST_PUBLICITY: base.FIRST_PUBLICITY! + 1,
  });
  for (const stage of OPEN_STAGES) {
    const inDb = await stack.db.prisma.round.count({ where: { status: 'OPEN', stage: stage as never } });
    expect({ stage, gauge: open[stage] }).toEqual({ stage, gauge: inDb });
  }

  // Cancelling round B: an accepted cancel, and one round fewer at VILLAGE_ASSESSMENT.
  const cancelled = await b.county.client.post(`/rounds/${roundB}/cancel`, { reason: '测试取消' });
  expect(cancelled.status).toBe(200);
  const last = await eventually(
    async () => {
      const m = await scrape(metricsUrl);
      return openRounds(m.samples).VILLAGE_ASSESSMENT === base.VILLAGE_ASSESSMENT ? m : undefined;
    },
    10_000,
    'the cancelled round to leave the open rounds',
  );
  expect(value(last.samples, 'jingzhun_decisions_total', { kind: 'cancel', outcome: 'accepted', reason: 'none' })).toBe(
    1,
  );
  expect(openRounds(last.samples)).toEqual({ ...base, FIRST_PUBLICITY: base.FIRST_PUBLICITY! + 1 });
});

test('unmatched paths are counted under one label, not by path', async () => {
  const res = await fetch(new URL('/api/v1/no-such-thing/620522100201', stack.baseUrl));
  expect(res.status).toBe(401); // the API authenticates before routing
  const lost = await fetch(new URL('/nowhere/13812345678', stack.baseUrl));
  expect(lost.status).toBe(404);
  const m = await scrape(metricsUrl);
  expect(m.text).not.toContain('no-such-thing');
  expect(m.text).not.toContain('nowhere');
  expect(
    value(m.samples, 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' }),
  ).toBeGreaterThan(0);
  expect(
    value(m.samples, 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '401' }),
  ).toBeGreaterThan(0);
});

test('a request id on every request: the caller’s when well-formed, echoed and in the request’s log lines', async () => {
  const health = `${stack.baseUrl}/health`;
  const given = 'edge-7f3a9c21-request';
  const echoed = await fetch(health, { headers: { 'x-request-id': given } });
  expect(echoed.headers.get('x-request-id')).toBe(given);
  const forged = await fetch(health, { headers: { 'x-request-id': 'bad id"}' } });
  const generated = forged.headers.get('x-request-id');
  expect(generated).toMatch(/^[0-9a-f-]{36}$/);
  const other = (await fetch(health)).headers.get('x-request-id');
  expect(other).toMatch(/^[0-9a-f-]{36}$/);
  expect(other).not.toBe(generated);

  const lines = () => stack.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
  const requestLine = (id: string) =>
    eventually(async () => lines().find((l) => l.msg === 'request' && l.reqId === id), 5_000, `the log line of ${id}`);
  expect(await requestLine(given)).toMatchObject({ method: 'GET', path: '/api/v1/health', status: 200, level: 'info' });
  expect(await requestLine(generated!)).toMatchObject({ path: '/api/v1/health' });
  // Every request line carries one, and it is the one the response gave.
  const requests = lines().filter((l) => l.msg === 'request');
  expect(requests.length).toBeGreaterThan(5);
  for (const l of requests) expect(typeof l.reqId).toBe('string');
});
