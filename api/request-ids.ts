// Ids a request hands to Temporal. Under an Idempotency-Key they derive from (official, key, request), so a
// retry after a crash re-uses them: Temporal answers an update id it has seen with the first outcome, and
// objection and proposal ids come out the same. Without a key: a fresh UUID each time, Temporal's own update id.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Request } from 'express';
import { caller } from './auth';
import { derivedUuid } from './derived-ids';

/** Memo field of a workflow (round, exit) started under an Idempotency-Key: a token derived from the key. */
export const IDEMPOTENCY_MEMO = 'idempotencyToken';

export function requestIds(req: Request) {
  const o = caller(req);
  const idem = req.idempotency;
  const derive = (purpose: string) => (idem ? derivedUuid(o.id, idem.key, idem.hash, purpose) : randomUUID());
  return { updateId: idem ? derive('update') : undefined, derive };
}

/** Whether a first attempt of this very request started workflow `id` (the API died before answering). */
export async function startedByRequest(client: Client, id: string, token: string | undefined): Promise<boolean> {
  if (token === undefined) return false;
  return client.workflow
    .getHandle(id)
    .describe()
    .then(
      (d) => d.memo?.[IDEMPOTENCY_MEMO] === token,
      () => false,
    );
}
