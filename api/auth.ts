import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '../domain/enums';
import type { PrismaClient } from '../infra/db';
import { ipKeyGenerator, MemoryStore, type Options } from 'express-rate-limit';
import type { Official } from './official';
import { forbidden, sendProblem } from './problem';
import { mark } from './timing';
import {
  activeSession,
  csrfSatisfied,
  CSRF_HEADER,
  officialByToken,
  sessionSecretOf,
  type ActiveSession,
} from './session';

export type { Official } from './official';

declare module 'express-serve-static-core' {
  interface Request {
    official?: Official;
    /** Set when the console's session cookie authenticated the request. */
    session?: ActiveSession;
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

export type FailedAuthWindows = ReturnType<typeof failedAuthWindows>;

/** One failed-authentication counter for every way of authenticating into one app (token, cookie, sign-in). */
export function failedAuthentications(limits: AuthLimits = DEFAULT_AUTH_LIMITS): FailedAuthWindows {
  return failedAuthWindows(limits);
}

export interface AuthenticateOptions {
  /**
   * Whether writes authenticated by the console's cookie need its CSRF token (default yes). The codec server
   * turns this off: its only browser caller, the Temporal Web UI, cannot send one, and it refuses every origin
   * but the UI's before authentication.
   */
  csrf?: boolean;
}

/**
 * Authentication by bearer token (hashed tokens) or by the console's session cookie (api/session.ts), behind the
 * failed-authentication limit. A bearer header wins when both are sent.
 */
export function authenticate(
  prisma: PrismaClient,
  limits: AuthLimits | FailedAuthWindows = DEFAULT_AUTH_LIMITS,
  options: AuthenticateOptions = {},
): RequestHandler {
  const failures = 'blockedFor' in limits ? limits : failedAuthWindows(limits);
  return async (req: Request, res: Response, next: NextFunction) => {
    mark(res, 'middleware');
    if (await refuseWhileBlocked(failures, req, res)) return;
    const fail = (detail: string) => {
      void failures.record(req);
      res.setHeader('WWW-Authenticate', 'Bearer');
      sendProblem(res, 401, 'Unauthorized', detail, {}, 'UNAUTHENTICATED');
    };
    try {
      const header = req.headers.authorization;
      const secret = header ? undefined : sessionSecretOf(req);
      if (secret) {
        const session = await activeSession(prisma, secret);
        if (!session) return fail('The console session has expired or was signed out; sign in again.');
        if (options.csrf !== false && !csrfSatisfied(req, session)) {
          return sendProblem(
            res,
            403,
            'Forbidden',
            `A write signed in by the console's cookie needs the session's ${CSRF_HEADER} header (GET /api/v1/session).`,
            {},
            'CSRF_FAILED',
          );
        }
        req.official = session.official;
        req.session = session;
        mark(res, 'auth');
        return next();
      }
      const m = header ? /^Bearer\s+(\S{1,512})\s*$/i.exec(header) : null;
      if (!m) return fail('Send Authorization: Bearer <token>, or sign in to the console.');
      const official = await officialByToken(prisma, m[1]!);
      if (!official) return fail('The token is unknown or revoked.');
      req.official = official;
      mark(res, 'auth');
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Answers 429 (and returns true) while the client is blocked after too many failed authentications. */
export async function refuseWhileBlocked(failures: FailedAuthWindows, req: Request, res: Response): Promise<boolean> {
  const blocked = await failures.blockedFor(req);
  if (blocked === 0) return false;
  res.setHeader('Retry-After', String(Math.ceil(blocked / 1000)));
  sendProblem(
    res,
    429,
    'Too Many Requests',
    'Too many failed authentication attempts; try again later.',
    {},
    'TOO_MANY_REQUESTS',
  );
  return true;
}
