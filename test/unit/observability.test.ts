// The API's request middleware on a small Express app with the real body parser: the request id reaches lines
// logged inside a handler (after the body parser's stream callbacks), the route template survives an error, and the
// settings that turn metrics and log formats on are validated.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createApiMetrics, enterApiRouter, noteRefusal, observeRequests } from '../../api/observability';
import { HttpProblem } from '../../api/problem';
import { loadConfig } from '../../infra/config';
import type { PrismaClient } from '../../infra/db';
import { createLogger } from '../../infra/logger';
import { workerMetricsAddress } from '../../infra/runtime';
import { parseMetrics, value } from '../../kit/metrics';

async function withApp(run: (base: string, lines: Record<string, unknown>[]) => Promise<void>) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('debug', (l) => lines.push(JSON.parse(l) as Record<string, unknown>));
  // No database here: the open-rounds query fails, and the gauge is left out rather than failing the scrape.
  const prisma = { round: { groupBy: () => Promise.reject(new Error('no database')) } } as unknown as PrismaClient;
  const metrics = createApiMetrics(prisma);
  const app = express();
  app.use(observeRequests(logger, metrics));
  app.use(express.json());
  app.get('/metrics', metrics.handler);
  const v1 = express.Router();
  v1.use(enterApiRouter);
  v1.post('/rounds/:roundId/assessment', async (req, res) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    logger.info('inside the handler', { size: JSON.stringify(req.body).length });
    if (req.body.refuse) throw new HttpProblem(409, 'Conflict', 'no', { reason: 'WrongStage' });
    res.json({ ok: true });
  });
  app.use('/api/v1', v1);
  app.use(noteRefusal);
  app.use((err: HttpProblem, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(err.status).json({ reason: err.extra.reason });
  });
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

test('lines logged inside a handler carry the request id, after the body parser and an await', async () => {
  await withApp(async (base, lines) => {
    const post = (body: unknown, id: string) =>
      fetch(`${base}/api/v1/rounds/round-620522100201-1/assessment`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': id },
        body: JSON.stringify(body),
      });
    expect((await post({ proposals: 'x'.repeat(50_000) }, 'first-request-1')).status).toBe(200);
    expect((await post({ refuse: true }, 'second-request-2')).status).toBe(409);
    expect(lines.filter((l) => l.msg === 'inside the handler').map((l) => l.reqId)).toEqual([
      'first-request-1',
      'second-request-2',
    ]);
    // The request line of the refused decision names the route template, not the path, despite the error.
    expect(lines.find((l) => l.msg === 'request' && l.reqId === 'second-request-2')).toMatchObject({
      path: '/api/v1/rounds/:roundId/assessment',
      status: 409,
    });

    const text = await (await fetch(`${base}/metrics`)).text();
    const s = parseMetrics(text);
    const route = '/api/v1/rounds/:roundId/assessment';
    expect(value(s, 'http_request_duration_seconds_count', { method: 'POST', route, status: '409' })).toBe(1);
    expect(value(s, 'jingzhun_decisions_total', { kind: 'assessment', outcome: 'refused', reason: 'WrongStage' })).toBe(
      1,
    );
    expect(value(s, 'jingzhun_decisions_total', { kind: 'assessment', outcome: 'accepted', reason: 'none' })).toBe(1);
    expect(text).not.toContain('jingzhun_open_rounds{');
    expect(text).not.toContain('620522100201');
  });
});

describe('settings', () => {
  it('reads WORKER_METRICS_PORT/HOST and LOG_FORMAT', () => {
    const c = loadConfig({ WORKER_METRICS_PORT: '9464', LOG_FORMAT: 'json' });
    expect([c.WORKER_METRICS_PORT, c.WORKER_METRICS_HOST, c.LOG_FORMAT]).toEqual([9464, '127.0.0.1', 'json']);
    expect(workerMetricsAddress(c)).toBe('127.0.0.1:9464');
    expect(workerMetricsAddress(loadConfig({ WORKER_METRICS_PORT: '9464', WORKER_METRICS_HOST: '::' }))).toBe(
      '[::]:9464',
    );
    expect(workerMetricsAddress(loadConfig({}))).toBeUndefined();
    expect(loadConfig({}).LOG_FORMAT).toBeUndefined();
  });

  it.each([
    ['WORKER_METRICS_PORT', '0'],
    ['WORKER_METRICS_PORT', 'http'],
    ['LOG_FORMAT', 'text'],
  ])('refuses %s=%s with a clear message', (name, v) => {
    expect(() => loadConfig({ [name]: v })).toThrow(new RegExp(`${name}:`));
  });
});
