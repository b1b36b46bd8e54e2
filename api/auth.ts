import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '../domain/enums';
import type { Actor } from '../domain/round';
import type { PrismaClient } from '../infra/db';
import { ipKeyGenerator, MemoryStore, type Options } from 'express-rate-limit';
import { hashToken } from '../infra/tokens';
import { forbidden, sendProblem } from './problem';

export interface Official extends Actor {
  id: string;
  name: string;
  role: Role;
  scopeCode: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    official?: Official;
  }
}

/** The authenticated caller; routes behind `authenticate` always have one. */
export function caller(req: Request): Official {
  if (!req.official) throw new Error('route is missing the authenticate middleware');
  return req.official;
}

export function requireRole(req: Request, roles: Role[], what: string): Official {
  const o = caller(req);
  if (!roles.includes(o.role)) throw forbidden(`${what} is for ${roles.join(', ')} officials; you are ${o.role}.`);
  return o;
}

export interface AuthLimits {
  /** Failed attempts allowed per client address within one window. */
  failures: number;
  windowMs: number;
}

export const DEFAULT_AUTH_LIMITS: AuthLimits = { failures: 20, windowMs: 60_000 };

/**
 * Failed authentications per client address (an IPv6 client by its /56 subnet) in fixed windows, kept in
 * express-rate-limit's memory store, which drops every expired window at once. Only failures are counted, after
 * they happen: a busy office behind one address sends as many authenticated requests at once as it likes.
 */
function failedAuthWindows(limits: AuthLimits) {
  const store = new MemoryStore();
  store.init({ windowMs: limits.windowMs } as Options);
  const keyOf = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');
  return {
    /** Milliseconds until the client may try again, or 0 when it is not blocked. */
    async blockedFor(req: Request): Promise<number> {
      const w = await store.get(keyOf(req));
      return w && w.totalHits >= limits.failures && w.resetTime ? Math.max(1, w.resetTime.getTime() - Date.now()) : 0;
    },
    record: (req: Request) => store.increment(keyOf(req)),
  };
}

/** Bearer-token authentication against hashed tokens, behind the failed-authentication limit. */
export function authenticate(prisma: PrismaClient, limits: AuthLimits = DEFAULT_AUTH_LIMITS): RequestHandler {
  const failures = failedAuthWindows(limits);
  return async (req: Request, res: Response, next: NextFunction) => {
    const blocked = await failures.blockedFor(req);
    if (blocked > 0) {
      res.setHeader('Retry-After', String(Math.ceil(blocked / 1000)));
      return sendProblem(
        res,
        429,
        'Too Many Requests',
        'Too many failed authentication attempts; try again later.',
        {},
        'TOO_MANY_REQUESTS',
      );
    }
    const fail = (detail: string) => {
      void failures.record(req);
      res.setHeader('WWW-Authenticate', 'Bearer');
      sendProblem(res, 401, 'Unauthorized', detail, {}, 'UNAUTHENTICATED');
    };
    const header = req.headers.authorization;
    const m = header ? /^Bearer\s+(\S{1,512})\s*$/i.exec(header) : null;
    if (!m) return fail('Send Authorization: Bearer <token>.');
    try {
      const official = await prisma.official.findUnique({ where: { tokenHash: hashToken(m[1]!) } });
      if (!official || official.revokedAt) return fail('The token is unknown or revoked.');
      req.official = { id: official.id, name: official.name, role: official.role, scopeCode: official.scopeCode };
      next();
    } catch (err) {
      next(err);
    }
  };
}
