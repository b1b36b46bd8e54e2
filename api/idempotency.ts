// Idempotency-Key for every POST: the same official, key and request get the same answer and are applied once.
// The key is claimed by inserting its record first (the primary key makes the claim atomic); the answer is
// stored before it is sent. Routes derive their Temporal ids from the key (see `req.idempotency`), so a retry
// after a crash between the decision and the stored answer re-uses the decision instead of making another.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Prisma, type PrismaClient } from '../infra/db';
import type { Logger } from '../infra/logger';
import { caller } from './auth';
import { requestHash } from './derived-ids';
import { conflict, HttpProblem, parseOr400 } from './problem';
import { ZIdempotencyKey } from './schemas';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set on a POST that carries a valid Idempotency-Key: the key and the request's fingerprint. */
    idempotency?: { key: string; hash: string };
  }
}

export interface IdempotencyOptions {
  prisma: PrismaClient;
  logger: Logger;
  /** A claim older than this without an answer is taken to be abandoned (the API died mid-request). */
  abandonAfterMs?: number;
}

type StoredRecord = { method: string; path: string; responseStatus: number | null; responseBody: unknown };

export function idempotency({ prisma, logger, abandonAfterMs = 60_000 }: IdempotencyOptions): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers['idempotency-key'];
    if (req.method !== 'POST' || header === undefined) return next();
    const key = parseOr400(ZIdempotencyKey, header, 'Idempotency-Key header');
    const officialId = caller(req).id;
    const path = req.baseUrl + req.path;
    const hash = requestHash(req.method, path, req.body);

    let claimedAt: Date | undefined;
    // A record deleted between our insert and our read (a 5xx answer frees its key) is claimed again.
    for (let attempt = 0; attempt < 3 && !claimedAt; attempt++) {
      const now = new Date();
      const { count } = await prisma.idempotencyRecord.createMany({
        data: [{ officialId, key, method: req.method, path, requestHash: hash, createdAt: now }],
        skipDuplicates: true,
      });
      if (count === 1) {
        claimedAt = now;
        break;
      }
      const existing = await prisma.idempotencyRecord.findUnique({ where: { officialId_key: { officialId, key } } });
      if (!existing) continue;
      if (existing.requestHash !== hash) {
        throw new HttpProblem(
          422,
          'Unprocessable Content',
          `This Idempotency-Key was already used for a different request (first for ${existing.method} ${existing.path}); send a new key with a new request.`,
          { reason: 'IdempotencyKeyReused' },
          { code: 'IDEMPOTENCY_KEY_REUSED' },
        );
      }
      if (existing.completedAt && existing.responseStatus !== null) return replay(res, existing);
      if (now.getTime() - existing.createdAt.getTime() < abandonAfterMs) throw inProgress(res);
      // Abandoned: take it over, unless another retry has just done so (the claim time is the token).
      const taken = await prisma.idempotencyRecord.updateMany({
        where: { officialId, key, completedAt: null, createdAt: existing.createdAt },
        data: { createdAt: now },
      });
      if (taken.count !== 1) throw inProgress(res);
      claimedAt = now;
    }
    if (!claimedAt) throw inProgress(res);

    req.idempotency = { key, hash };
    const claim = { officialId, key, createdAt: claimedAt };
    const send = res.send.bind(res);
    let settled = false;
    // Store the answer before sending it, so that a retry made as soon as the answer arrives finds it.
    res.send = ((body?: unknown) => {
      if (settled) return send(body);
      settled = true;
      void settle(res.statusCode, body).then(() => send(body));
      return res;
    }) as Response['send'];

    async function settle(status: number, body: unknown) {
      try {
        // A 5xx answer is not final: free the key so that the request can be retried.
        if (status >= 500) await prisma.idempotencyRecord.deleteMany({ where: claim });
        else {
          await prisma.idempotencyRecord.updateMany({
            where: { ...claim, completedAt: null },
            data: { responseStatus: status, responseBody: storable(body), completedAt: new Date() },
          });
        }
      } catch (err) {
        // The answer still goes out; the claim stays open and a retry takes it over once it is abandoned.
        logger.error('idempotency record not stored', { error: (err as Error)?.message, name: (err as Error)?.name });
      }
    }
    next();
  };
}

function inProgress(res: Response) {
  res.setHeader('Retry-After', '1');
  return conflict(
    'A request with this Idempotency-Key is still in progress; retry it later.',
    { reason: 'IdempotencyKeyInProgress' },
    'IDEMPOTENCY_KEY_IN_PROGRESS',
  );
}

function replay(res: Response, record: StoredRecord) {
  const status = record.responseStatus!;
  res
    .status(status)
    .setHeader('Idempotent-Replayed', 'true')
    .type(status >= 400 ? 'application/problem+json' : 'application/json')
    .send(JSON.stringify(record.responseBody));
}

/** The JSON value of a response body as handed to `res.send` (a string from `res.json`, or a value). */
function storable(body: unknown): Prisma.InputJsonValue | typeof Prisma.JsonNull {
  if (body === undefined || body === null) return Prisma.JsonNull;
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
  if (typeof text === 'string') {
    try {
      return JSON.parse(text) as Prisma.InputJsonValue;
    } catch {
      return text;
    }
  }
  return text as Prisma.InputJsonValue;
}
