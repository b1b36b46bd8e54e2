import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '../domain/enums';
import type { Actor } from '../domain/round';
import type { PrismaClient } from '../infra/db';
import { rateLimit, type RateLimitInfo } from 'express-rate-limit';
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
 * Failed authentications per client address in fixed windows (express-rate-limit, counting only the answers
 * that are 401): past the limit, every request from that address gets 429 with Retry-After until the window
 * ends, the right token included. Its memory store drops all counts at each window's end.
 */
function failedAuthLimit(limits: AuthLimits): RequestHandler {
  return rateLimit({
    windowMs: limits.windowMs,
    limit: limits.failures,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    standardHeaders: false,
    legacyHeaders: false,
    handler: (req, res) => {
      const info = (req as Request & { rateLimit?: RateLimitInfo }).rateLimit;
      const resetAt = info?.resetTime?.getTime() ?? Date.now() + limits.windowMs;
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil((resetAt - Date.now()) / 1000))));
      sendProblem(
        res,
        429,
        'Too Many Requests',
        'Too many failed authentication attempts; try again later.',
        {},
        'TOO_MANY_REQUESTS',
      );
    },
  });
}

/** Bearer-token authentication against hashed tokens, behind the failed-authentication limit. */
export function authenticate(prisma: PrismaClient, limits: AuthLimits = DEFAULT_AUTH_LIMITS): RequestHandler[] {
  const check: RequestHandler = async (req: Request, res: Response, next: NextFunction) => {
    const fail = (detail: string) => {
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
  return [failedAuthLimit(limits), check];
}
