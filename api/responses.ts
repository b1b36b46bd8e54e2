// Building blocks of the API's response schemas and the shape of one documented operation. Each router declares
// its operations (api/routes/*.ts `…Operations`) with the very zod schemas it parses requests with and the
// schemas of what it answers; api/openapi.ts turns them into the OpenAPI document.
import { z } from 'zod';
import { ROLES, STAGES } from '../domain/enums';

/**
 * A timestamp: handlers hand Date objects to `res.json`, which writes them as ISO 8601 strings. The zod type is
 * Date so that handlers type-check against the schema; the document says what goes over the wire.
 */
export const ZDateTime = z.date().meta({ type: 'string', format: 'date-time' });

/** A page of a list: `nextCursor` is null on the last page, else the `cursor` to ask for the next. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null at the end.' }),
  });
}

/** What a round's workflow answers to a decision (workflows/round.ts DecisionResult). */
export const ZDecisionResult = z
  .object({
    roundId: z.string(),
    stage: z.enum(STAGES),
    seq: z.number().int().meta({ description: 'Sequence number of the decision in the round’s trail.' }),
    noticeVersion: z.number().int().optional().meta({ description: 'The notice the decision published, if any.' }),
  })
  .meta({ id: 'DecisionResult' });

export const TAGS = [
  { name: 'system', description: 'Health, the caller and this document.' },
  { name: 'registry', description: 'Townships, villages and households (建档立卡).' },
  { name: 'rounds', description: 'Identification rounds: assessment, publicity, review, announcement.' },
  { name: 'tasks', description: 'What the caller must act on.' },
  { name: 'campaigns', description: 'County-wide campaigns of rounds.' },
  { name: 'responsibility', description: 'Responsible units and persons (帮扶责任).' },
  { name: 'supervision', description: 'Supervision (督查): findings and sweeps.' },
  { name: 'exit-plan', description: 'Exit plan (脱贫时序) and the township scorecard.' },
  {
    name: 'exits',
    description: 'Exits of villages, townships and the county (摘帽): verification, publicity, announcement.',
  },
  {
    name: 'assessment',
    description:
      'Accuracy figures (错退率, 漏评率, 群众认可度): verification samples, findings, surveys, the county’s figures.',
  },
  { name: 'reports', description: 'Reports: the household roster (花名册), statistics, the exit timetable chart.' },
] as const;
export type Tag = (typeof TAGS)[number]['name'];

export interface SuccessResponse {
  description: string;
  /** A JSON body; absent for an HTML body. */
  schema?: z.ZodType;
  /** The body is an HTML page (text/html). */
  html?: true;
  /** A body that is not JSON: its schema by media type (the roster's text/csv and XLSX, the chart's SVG). */
  media?: Record<string, { type: 'string'; format?: 'binary' }>;
  /** Response headers, by name: their descriptions. */
  headers?: Record<string, string>;
}

/** One operation of /api/v1, as the router implements it. */
export interface ApiOperation {
  method: 'get' | 'post' | 'put';
  /** OpenAPI path template under /api/v1, e.g. /rounds/{roundId} (with `root`, the path from the server's root). */
  path: string;
  /** Served at the root of the server, not under /api/v1 (the codec server, /codec). */
  root?: true;
  operationId: string;
  summary: string;
  description?: string;
  tag: Tag;
  /** No bearer token needed. */
  public?: true;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** An empty body is accepted too (POST /supervision/sweeps). */
  bodyOptional?: true;
  responses: Record<number, SuccessResponse>;
  /**
   * Problem statuses this operation can answer besides those every operation of its kind can: 401 and 429 with a
   * token, 400, 413 and 415 with a body, 400, 409 and 422 for the Idempotency-Key of a POST, 500 always.
   */
  problems: number[];
}

/** An official, as GET /me and GET /session answer. */
export const ZMeResponse = z
  .object({ id: z.string(), name: z.string(), role: z.enum(ROLES), scopeCode: z.string() })
  .meta({ id: 'Official' });

/** A decision as stored (Decision, ExitDecision), as far as the trail shows it. */
export interface TrailRow<S, P> {
  seq: number;
  stage: S;
  kind: string;
  officialId: string | null;
  officialName: string | null;
  at: Date;
  decision: string | null;
  note: string | null;
  payload: P | null;
}

/** One entry of a procedure's trail (a round's or an exit's decisions) as GET answers it: who, when, what, why. */
export function trailEntry<S, P>(d: TrailRow<S, P>) {
  return {
    seq: d.seq,
    stage: d.stage,
    kind: d.kind,
    by: d.officialId ? { id: d.officialId, name: d.officialName } : null,
    at: d.at,
    decision: d.decision,
    note: d.note,
    details: d.payload ?? null,
  };
}
