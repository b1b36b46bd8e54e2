// The codec server (Temporal's remote codec protocol): POST /codec/decode and /codec/encode take and answer
// `{payloads: [...]}` in protobuf JSON (metadata values and data in base64), so the Temporal Web UI and the CLI
// (`temporal workflow show --codec-endpoint … --codec-auth 'Bearer …'`) can show the encrypted payloads of a
// round. ADMIN officials only; the browser's preflight is answered for the Temporal UI's origins only, with
// credentials. Each call is logged with who made it, the namespace and the number of payloads — never a payload.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import type { PrismaClient } from '../../infra/db';
import type { Logger } from '../../infra/logger';
import { authenticate, DEFAULT_AUTH_LIMITS, requireRole, type AuthLimits } from '../auth';
import { requireUtf8 } from '../body-guard';
import { forbidden, HttpProblem, parseOr400 } from '../problem';
import type { ApiOperation } from '../responses';

export const CODEC_PATH = '/codec';
/** A whole history's payloads may be decoded at once: more room than the API's own bodies need. */
const CODEC_BODY_LIMIT = '4mb';
const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Namespace';

const ZBase64 = z
  .string()
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'base64')
  .meta({ examples: ['anNvbi9wbGFpbg=='] });
const ZPayload = z
  .object({
    metadata: z.record(z.string(), ZBase64).optional(),
    data: ZBase64.optional(),
  })
  .strict()
  .meta({ id: 'Payload', description: 'A Temporal Payload in protobuf JSON: metadata values and data in base64.' });
export const ZPayloads = z
  .object({ payloads: z.array(ZPayload).max(10_000) })
  .strict()
  .meta({ id: 'Payloads' });
/** Protobuf JSON leaves an empty list out: the CLI sends `{}` for no payloads. */
const ZPayloadsRequest = z.object({ payloads: z.array(ZPayload).max(10_000).default([]) }).strict();
type TPayloadJson = z.infer<typeof ZPayload>;

const fromJson = (p: TPayloadJson): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): TPayloadJson => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export interface CodecDeps {
  prisma: PrismaClient;
  /** The codecs are the client's own, so the server decodes exactly what the API and the workers encode. */
  client: Client;
  logger: Logger;
  /** Browser origins (the Temporal Web UI) answered with CORS headers. */
  origins: readonly string[];
  authLimits?: AuthLimits;
}

export function codecRouter(deps: CodecDeps): Router {
  // Read when called: the client's codecs are the ones the API and the workers encode with.
  const codecs = (): readonly PayloadCodec[] => deps.client.options.loadedDataConverter.payloadCodecs;
  const origins = new Set(deps.origins);
  const router = express.Router();

  // CORS: the UI calls from its own origin with credentials; any other origin gets no CORS headers and a 403.
  router.use((req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin === undefined) return next();
    res.vary('Origin');
    if (!origins.has(origin)) return next(forbidden(`Origin ${origin} may not call the codec server.`));
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (req.method !== 'OPTIONS') return next();
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  });
  router.use(express.json({ limit: CODEC_BODY_LIMIT, strict: true, verify: requireUtf8 }));
  // A bearer token (the CLI) or an ADMIN's console session cookie (the Web UI, which cannot send a CSRF token;
  // every browser origin but the UI's is refused above). Decoding changes nothing.
  router.use(authenticate(deps.prisma, deps.authLimits ?? DEFAULT_AUTH_LIMITS, { csrf: false }));

  const handle = (op: 'encode' | 'decode') => async (req: Request, res: Response) => {
    const official = requireRole(req, ['ADMIN'], `The codec server (${op})`);
    const namespace = deps.client.options.namespace;
    // The CLI sends an empty X-Namespace when no namespace was named on its command line.
    const asked = req.get('x-namespace');
    if (asked && asked !== namespace) {
      throw new HttpProblem(400, 'Bad Request', `This codec server serves namespace ${namespace}, not ${asked}.`);
    }
    const body = parseOr400(ZPayloadsRequest, req.body);
    let payloads = body.payloads.map(fromJson);
    try {
      if (op === 'encode') for (const c of codecs()) payloads = await c.encode(payloads);
      else for (const c of [...codecs()].reverse()) payloads = await c.decode(payloads);
    } catch (err) {
      throw new HttpProblem(
        422,
        'Unprocessable Content',
        (err as Error).message,
        {},
        {
          cause: err,
          code: 'PAYLOAD_UNDECODABLE',
        },
      );
    }
    deps.logger.info(`codec ${op}`, {
      officialId: official.id,
      role: official.role,
      namespace,
      payloads: payloads.length,
    });
    res.json({ payloads: payloads.map(toJson) } satisfies z.input<typeof ZPayloads>);
  };
  router.post('/decode', handle('decode'));
  router.post('/encode', handle('encode'));
  return router;
}

const codecOperation = (op: 'encode' | 'decode'): ApiOperation => ({
  method: 'post',
  path: `${CODEC_PATH}/${op}`,
  root: true,
  operationId: `codec${op === 'encode' ? 'Encode' : 'Decode'}`,
  summary:
    op === 'decode'
      ? 'Decrypt Temporal payloads (remote codec protocol), for the Temporal Web UI and CLI'
      : 'Encrypt Temporal payloads (remote codec protocol)',
  description:
    'Served at the root (`/codec`, not under /api/v1). ADMIN officials only. Optional header `X-Namespace` must name the API’s namespace. A browser calling from the Temporal Web UI’s origin (CODEC_CORS_ORIGINS) gets CORS headers with credentials; any other origin gets 403.',
  tag: 'system',
  body: ZPayloadsRequest,
  responses: { 200: { description: 'The payloads, in the same order.', schema: ZPayloads } },
  problems: [403],
});

export const codecOperations: ApiOperation[] = [codecOperation('decode'), codecOperation('encode')];
