// Entry candidates (EntryCandidate): households a county verification found MISSED_POOR (漏评), to be proposed for
// entry in their village's next round. Shown in GET /rounds/:id (`candidates`); the village's GET /tasks reads
// them in its own statement (api/routes/tasks.ts).
import { z } from 'zod';
import { maskIdNumber } from '../../domain/idNumber';
import { Prisma, utcTimestamp } from '../../infra/db';
import { CANDIDATE_WAITING } from '../../infra/verifications';
import type { Official } from '../auth';
import { ZDateTime } from '../responses';
import { seesIdNumbers } from '../scope';

export const ZEntryCandidate = z
  .object({
    id: z.string(),
    householdId: z.string(),
    registryNo: z.string(),
    headName: z.string(),
    idNumber: z.string().meta({ description: 'Masked unless the caller is of the village or its township.' }),
    size: z.number().int(),
    source: z.string().meta({ description: 'VERIFICATION: found MISSED_POOR by the county verification `sourceId`.' }),
    sourceId: z.string(),
    note: z.string().nullable(),
    createdAt: ZDateTime,
    proposalId: z
      .string()
      .nullable()
      .meta({ description: 'The proposal that put it on a round’s list; null while it waits for one.' }),
  })
  .meta({ id: 'EntryCandidate' });

/**
 * The candidates a round (aliased `r`) shows, as a json array for the round page's one statement: while it is open
 * at VILLAGE_ASSESSMENT, those of its village still waiting (never proposed, or proposed by a round since cancelled);
 * at every stage, those this round proposed. Read back by candidatesOfRound.
 */
export const ROUND_CANDIDATES_JSON = Prisma.sql`(
  SELECT COALESCE(json_agg(json_build_object(
           'id', c."id"::text, 'householdId', c."householdId"::text, 'source', c."source", 'sourceId', c."sourceId",
           'note', c."note", 'createdAt', c."createdAt", 'roundId', c."roundId", 'proposalId', c."proposalId"::text,
           'registryNo', h."registryNo", 'headName', h."headName", 'idNumber', h."idNumber", 'size', h."size")
         ORDER BY c."createdAt", c."id"), '[]'::json)
  FROM "EntryCandidate" c JOIN "Household" h ON h."id" = c."householdId"
  WHERE c."villageCode" = r."villageCode"
    AND (c."roundId" = r."id" OR (r."status" = 'OPEN' AND r."stage" = 'VILLAGE_ASSESSMENT' AND ${CANDIDATE_WAITING})))`;

/** One element of ROUND_CANDIDATES_JSON (a timestamp is json text in UTC without its zone: utcTimestamp). */
export interface RoundCandidateJson {
  id: string;
  householdId: string;
  source: string;
  sourceId: string;
  note: string | null;
  createdAt: string;
  roundId: string | null;
  proposalId: string | null;
  registryNo: string;
  headName: string;
  idNumber: string;
  size: number;
}

/** The round page's candidates, ID numbers masked for the caller. */
export function candidatesOfRound(
  o: Official,
  round: { id: string; villageCode: string },
  rows: readonly RoundCandidateJson[],
): z.input<typeof ZEntryCandidate>[] {
  const full = seesIdNumbers(o, round.villageCode);
  return rows.map((c) => ({
    id: c.id,
    householdId: c.householdId,
    registryNo: c.registryNo,
    headName: c.headName,
    idNumber: full ? c.idNumber : maskIdNumber(c.idNumber),
    size: c.size,
    source: c.source,
    sourceId: c.sourceId,
    note: c.note,
    createdAt: utcTimestamp(c.createdAt),
    // A candidate proposed by a cancelled round and waiting again is not this round's proposal.
    proposalId: c.roundId === round.id ? c.proposalId : null,
  }));
}
