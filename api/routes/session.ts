// Sign-in and sign-out of the officials' console (api/session.ts): the token goes in once, a cookie session
// comes back; page scripts read the CSRF token they send with every write from GET /session.
import { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../../infra/db';
import { caller, refuseWhileBlocked, type FailedAuthWindows } from '../auth';
import { parseOr400, sendProblem } from '../problem';
import { ZDateTime, ZMeResponse, type ApiOperation } from '../responses';
import {
  clearSessionCookie,
  closeSession,
  CSRF_HEADER,
  officialByToken,
  openSession,
  SESSION_COOKIE,
  sessionSecretOf,
  setSessionCookie,
} from '../session';

export const ZSignIn = z.object({ token: z.string().trim().min(1).max(512) }).strict();

export const ZSessionResponse = z.object({
  official: ZMeResponse,
  csrfToken: z
    .string()
    .nullable()
    .meta({
      description: `Send it in ${CSRF_HEADER} with every write authenticated by the session cookie; null when the request was authenticated by a bearer token.`,
    }),
  expiresAt: ZDateTime.nullable(),
});

/** POST /session: before authentication (the token is in the body), behind the same failed-authentication limit. */
export function signInRouter(prisma: PrismaClient, failures: FailedAuthWindows): Router {
  const r = Router();
  r.post('/session', async (req, res) => {
    if (await refuseWhileBlocked(failures, req, res)) return;
    const { token } = parseOr400(ZSignIn, req.body);
    const official = await officialByToken(prisma, token);
    if (!official) {
      void failures.record(req);
      return sendProblem(res, 401, 'Unauthorized', 'The token is unknown or revoked.', {}, 'UNAUTHENTICATED');
    }
    const opened = await openSession(prisma, official);
    setSessionCookie(req, res, opened);
    res
      .status(201)
      .json({ official, csrfToken: opened.csrfToken, expiresAt: opened.expiresAt } satisfies z.input<
        typeof ZSessionResponse
      >);
  });
  return r;
}

/** GET /session and POST /session/sign-out: behind authentication (a sign-out by cookie needs the CSRF token). */
export function sessionRouter(prisma: PrismaClient): Router {
  const r = Router();
  r.get('/session', (req, res) => {
    res.json({
      official: caller(req),
      csrfToken: req.session?.csrfToken ?? null,
      expiresAt: req.session?.expiresAt ?? null,
    } satisfies z.input<typeof ZSessionResponse>);
  });
  r.post('/session/sign-out', async (req, res) => {
    const secret = sessionSecretOf(req);
    if (secret) await closeSession(prisma, secret);
    clearSessionCookie(req, res);
    res.status(204).end();
  });
  return r;
}

export const sessionOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/session',
    operationId: 'signIn',
    summary: 'Sign in to the console: exchange a token for a session cookie',
    description: `Sets the HttpOnly, SameSite=Strict cookie \`${SESSION_COOKIE}\` (12 hours). The answer carries the CSRF token that page scripts send in ${CSRF_HEADER} with every write the cookie authenticates. Failed attempts count towards the same limit as bad bearer tokens.`,
    tag: 'system',
    public: true,
    body: ZSignIn,
    responses: {
      201: {
        description: 'Signed in.',
        schema: ZSessionResponse,
        headers: { 'Set-Cookie': `${SESSION_COOKIE}=…; HttpOnly; SameSite=Strict; Path=/` },
      },
    },
    problems: [401, 429],
  },
  {
    method: 'get',
    path: '/session',
    operationId: 'getSession',
    summary: 'The signed-in official and the session’s CSRF token',
    tag: 'system',
    responses: { 200: { description: 'The session.', schema: ZSessionResponse } },
    problems: [],
  },
  {
    method: 'post',
    path: '/session/sign-out',
    operationId: 'signOut',
    summary: 'Sign out of the console: the session ends and its cookie is cleared',
    tag: 'system',
    responses: {
      204: { description: 'Signed out.', headers: { 'Set-Cookie': `${SESSION_COOKIE}=; Max-Age=0` } },
    },
    problems: [403],
  },
];
