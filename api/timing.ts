// Where a request's time goes, stage by stage, as a Server-Timing header (SERVER_TIMING=1; bench:reads turns it on
// in the API it times). Off by default: then `mark` costs one property read. The stages are the spans between
// marks, named by what ended at each mark: middleware (request id, metrics, helmet, body parsing, routing up to
// authentication), auth, routing (idempotency and the routers up to the handler), validation, query (building the
// statement and the jurisdiction filter), database (the driver's round trip; for a Prisma call also Prisma's query
// building and result mapping, which docs/BENCHMARKS.md separates with a CPU profile), mapping (rows to the
// response), serialise (JSON and Express's send, up to the headers). Logging happens after the response.
import type { RequestHandler, Response } from 'express';

export type Stage = 'middleware' | 'auth' | 'routing' | 'validation' | 'query' | 'database' | 'mapping' | 'serialise';

interface Timing {
  last: number;
  spans: string[];
}

const timingOf = (res: Response) => (res.locals as { timing?: Timing }).timing;

/** Ends the current span as `stage` (spans of the same stage add up in the header). */
export function mark(res: Response, stage: Stage): void {
  const t = timingOf(res);
  if (!t) return;
  const now = performance.now();
  t.spans.push(`${stage};dur=${(now - t.last).toFixed(3)}`);
  t.last = now;
}

/** The first middleware: starts the clock and writes the header when the response's headers go out. */
export function serverTiming(enabled: boolean): RequestHandler {
  if (!enabled) return (_req, _res, next) => next();
  return (_req, res, next) => {
    const timing: Timing = { last: performance.now(), spans: [] };
    (res.locals as { timing?: Timing }).timing = timing;
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
      mark(res, 'serialise');
      if (!res.headersSent) res.setHeader('Server-Timing', timing.spans.join(', '));
      return writeHead.apply(this, args);
    } as Response['writeHead'];
    next();
  };
}

/** Server-Timing header → milliseconds per stage (a client's side: bench:reads). */
export function parseServerTiming(header: string | null | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const m = /^\s*([\w-]+)\s*;\s*dur=([\d.]+)/.exec(part);
    if (m) out.set(m[1]!, (out.get(m[1]!) ?? 0) + Number(m[2]));
  }
  return out;
}
