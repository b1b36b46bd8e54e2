// The officials' console signs in with an official's token once and then holds a session: an HttpOnly,
// SameSite=Strict cookie whose random secret is stored only as its hash (ConsoleSession), so page scripts never
// see the token or the secret. `/api/v1` and the codec server accept the cookie instead of a bearer token; a write
// authenticated by the cookie must carry the session's CSRF token in X-CSRF-Token (synchronizer token), which the
// page reads from GET /api/v1/session.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse, serialize } from 'cookie';
import type { Request, Response } from 'express';
import { Prisma, rawQuery, type PrismaClient } from '../infra/db';
import { hashToken } from '../infra/tokens';
import { forgetSession, remembered } from './credentials';
import type { Official } from './official';

export const SESSION_COOKIE = 'jz_session';
export const CSRF_HEADER = 'X-CSRF-Token';
/** A working day and then some: an official signs in again the next morning. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url');

/** The session cookie's secret, if the request carries one. */
export function sessionSecretOf(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const secret = parse(header)[SESSION_COOKIE];
  return secret && /^[A-Za-z0-9_-]{20,100}$/.test(secret) ? secret : undefined;
}

/** The official of an active token, or undefined for an unknown or revoked one. */
export async function officialByToken(prisma: PrismaClient, token: string): Promise<Official | undefined> {
  const tokenHash = hashToken(token);
  return remembered(prisma, 'officials', tokenHash, async () => {
    // Raw: every request of an official not remembered pays for this lookup (bench:campaign, issue 16).
    const [o] = await rawQuery<Official>(
      prisma,
      Prisma.sql`SELECT "id", "name", "role"::text AS "role", "scopeCode" FROM "Official"
                 WHERE "tokenHash" = ${tokenHash} AND "revokedAt" IS NULL`,
      { prepared: true },
    );
    return o;
  });
}

export interface OpenedSession {
  secret: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function openSession(prisma: PrismaClient, official: Official, now = new Date()): Promise<OpenedSession> {
  const secret = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await prisma.consoleSession.create({
    data: { idHash: sha256(secret), officialId: official.id, csrfToken, createdAt: now, expiresAt },
  });
  return { secret, csrfToken, expiresAt };
}

export interface ActiveSession {
  official: Official;
  csrfToken: string;
  expiresAt: Date;
}

/** The session of a cookie secret while it is neither expired, signed out, nor its official's token revoked. */
export async function activeSession(prisma: PrismaClient, secret: string): Promise<ActiveSession | undefined> {
  const idHash = sha256(secret);
  const session = await remembered(prisma, 'sessions', idHash, async () => {
    const s = await prisma.consoleSession.findUnique({ where: { idHash } });
    if (!s || s.revokedAt) return undefined;
    const o = await prisma.official.findUnique({ where: { id: s.officialId } });
    if (!o || o.revokedAt) return undefined;
    return {
      official: { id: o.id, name: o.name, role: o.role, scopeCode: o.scopeCode },
      csrfToken: s.csrfToken,
      expiresAt: s.expiresAt,
    };
  });
  // Expiry is checked on every request, remembered or not.
  return session && session.expiresAt.getTime() > Date.now() ? session : undefined;
}

export async function closeSession(prisma: PrismaClient, secret: string): Promise<void> {
  const idHash = sha256(secret);
  forgetSession(prisma, idHash);
  await prisma.consoleSession.updateMany({ where: { idHash, revokedAt: null }, data: { revokedAt: new Date() } });
}

/** Whether a request authenticated by the cookie may proceed: reads always, writes with the session's CSRF token. */
export function csrfSatisfied(req: Request, session: ActiveSession): boolean {
  if (SAFE_METHODS.has(req.method)) return true;
  const sent = req.get(CSRF_HEADER);
  if (!sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function setSessionCookie(req: Request, res: Response, opened: OpenedSession): void {
  res.append(
    'Set-Cookie',
    serialize(SESSION_COOKIE, opened.secret, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      expires: opened.expiresAt,
    }),
  );
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.append(
    'Set-Cookie',
    serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', maxAge: 0 }),
  );
}
