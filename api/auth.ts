import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '../domain/enums';
import type { Actor } from '../domain/round';
import type { PrismaClient } from '../infra/db';
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
 * Failed attempts per client address in fixed windows. Expired windows are dropped when their address comes back
 * and, once more than `pruneAbove` addresses are held, all at once on the next failure: memory stays bounded by the
 * addresses that failed within one window.
 */
export class FailureCounter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private nextPrune = 0;

  constructor(
    private readonly limits: AuthLimits,
    private readonly pruneAbove = 1000,
  ) {}

  /** Addresses currently held. */
  get size(): number {
    return this.windows.size;
  }

  /** Milliseconds until the address may try again, or 0 when it is not blocked. */
  blockedFor(key: string, now: number): number {
    const w = this.windows.get(key);
    if (w && w.resetAt <= now) this.windows.delete(key);
    else if (w && w.count >= this.limits.failures) return w.resetAt - now;
    return 0;
  }

  record(key: string, now: number): void {
    // At most one scan per window: whatever survives it has expired by the next, so under a spread-out attack a
    // failure costs no scan of the map, and the map holds the addresses of two windows at most.
    if (this.windows.size > this.pruneAbove && now >= this.nextPrune) {
      for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
      this.nextPrune = now + this.limits.windowMs;
    }
    const w = this.windows.get(key);
    if (w && w.resetAt > now) w.count++;
    else this.windows.set(key, { count: 1, resetAt: now + this.limits.windowMs });
  }
}

/**
 * Bearer-token authentication against hashed tokens. Failed attempts are counted per client address in
 * a fixed window; past the limit the address gets 429 until the window ends.
 */
export function authenticate(prisma: PrismaClient, limits: AuthLimits = DEFAULT_AUTH_LIMITS): RequestHandler {
  const failures = new FailureCounter(limits);
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = req.ip ?? 'unknown';
    const now = Date.now();
    const blocked = failures.blockedFor(key, now);
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
      failures.record(key, now);
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
