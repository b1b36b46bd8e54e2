import { ApplicationFailure } from '@temporalio/activity';
import { Prisma, sqlOf, sqlTransaction, type PrismaClient } from '../infra/db';
import {
  assignments,
  chunks,
  json,
  runStatements,
  runWrites,
  utc,
  utcDay,
  writeStatements,
  type Write,
} from '../infra/sql';
import type { ProposalRecord, Transition } from '../domain/round';
import { markCandidatesProposed } from '../infra/verifications';
import { publishNotice } from './round-notice';
import { applyToRegistry, linkProposals, NO_REGISTRY_CHANGES } from './round-registry';

export interface RoundActivityDeps {
  prisma: PrismaClient;
}

/** An optional instant of `t.round`: undefined (not written), null (written NULL) or the instant as UTC text. */
const instant = (iso: string | null | undefined) => (iso == null ? iso : utc(iso));

export function createRoundActivities({ prisma }: RoundActivityDeps) {
  /**
   * Writes one step of a round in raw SQL (Prisma's client was most of the worker's CPU), in as few statements as its
   * reads allow (infra/sql.ts writeStatements: writes touching distinct rows go as one). What the registry and the
   * notice read comes first, at once, unless the step changes the proposals the registry reads; then every write,
   * the decision first: one statement, atomic on its own, or several in one transaction (infra/db.ts sqlTransaction).
   * A step of its decision and the round's row alone (a publicity's end, a reminder, the county's sample) is so one
   * statement.
   * The decision's (roundId, seq) is unique: a retried or duplicated attempt's statement fails on it (or on another
   * of its inserts), nothing of it is written, and the attempt, finding the decision recorded, reports that it wrote
   * nothing: every step happens exactly once.
   */
  async function applyTransition(t: Transition): Promise<{ applied: boolean }> {
    const at = new Date(t.at);
    const last = (registry: Write[], notice: Write | undefined): Write[] => [
      ...registry,
      ...(notice ? [notice] : []),
      ...(t.round ? [roundWrite(t, at)] : []),
    ];
    try {
      if (t.create && !t.applyRegistry && !t.notice) {
        // The round's first step: its row (with the step's times) and the decision, in one statement. A round of the
        // village still open fails it on the open village's unique key (below).
        await runStatements(
          sqlOf(prisma),
          writeStatements([insertRound(t, at), decisionWrite(t), ...firstWrites(t, at)]),
        );
        return { applied: true };
      }
      // The registry reads the proposals' content, which a step applying it never changes (it does not add or amend).
      if (!t.create && !(t.applyRegistry && (t.newProposals || t.amendProposal))) {
        const sql = sqlOf(prisma);
        const [registry, notice] = await Promise.all([
          t.applyRegistry ? applyToRegistry(sql, t, at) : NO_REGISTRY_CHANGES,
          t.notice ? publishNotice(sql, t, at) : undefined,
        ]);
        // A new household's proposal names it in the step's own update of the proposal's status, when that makes
        // the step one statement (the household is inserted beside it); else in a write of its own after the insert.
        let statements = writeStatements([
          decisionWrite(t),
          ...firstWrites(t, at, registry.links),
          ...last([...registry.writes, ...linkProposals(unlinked(t, registry.links))], notice),
        ]);
        if (statements.length > 1 && registry.links.size > 0) {
          statements = writeStatements([
            decisionWrite(t),
            ...firstWrites(t, at),
            ...last([...registry.writes, ...linkProposals(registry.links)], notice),
          ]);
        }
        if (statements.length === 1) await runStatements(sql, statements);
        else await sqlTransaction(prisma, (tx) => runStatements(tx, statements));
      } else {
        await sqlTransaction(prisma, async (sql) => {
          // A first step's round row without the step's changes (written last, below): as on the path above, a
          // retried attempt fails on its id, a round of the village still open on the open village's unique key.
          const round = t.create ? [insertRound({ ...t, round: undefined }, at)] : [];
          await runWrites(sql, [...round, decisionWrite(t), ...firstWrites(t, at)]);
          // The registry and the notice read the proposals as written above.
          const registry = t.applyRegistry ? await applyToRegistry(sql, t, at) : NO_REGISTRY_CHANGES;
          const notice = t.notice ? await publishNotice(sql, t, at) : undefined;
          await runWrites(sql, last([...registry.writes, ...linkProposals(registry.links)], notice));
        });
      }
    } catch (error) {
      // Whichever of its inserts failed first, an attempt finding the step recorded wrote nothing (rolled back).
      if (await decisionRecorded(t)) return { applied: false };
      if (t.create) await refuseIfOpen(prisma, t.create);
      throw error;
    }
    return { applied: true };
  }

  /** Is the step's decision recorded (by an earlier attempt)? */
  async function decisionRecorded(t: Transition): Promise<boolean> {
    const rows = await sqlOf(prisma).query(
      Prisma.sql`SELECT 1 FROM "Decision" WHERE "roundId" = ${t.roundId} AND "seq" = ${t.decision.seq}::int`,
    );
    return rows.length > 0;
  }

  /** A first step that failed: refused for good when another round of the village is open. */
  async function refuseIfOpen(prisma: PrismaClient, input: NonNullable<Transition['create']>): Promise<void> {
    const [open] = await sqlOf(prisma).query<{ id: string }>(Prisma.sql`
      SELECT "id" FROM "Round" WHERE "openVillageCode" = ${input.villageCode} AND "id" <> ${input.roundId}`);
    if (open) throw duplicateOpenRound(input.villageCode, open.id);
  }

  return { applyTransition };
}

const duplicateOpenRound = (villageCode: string, openId: string) =>
  ApplicationFailure.create({
    type: 'DuplicateOpenRound',
    nonRetryable: true,
    message: `Village ${villageCode} already has an open round ${openId}.`,
  });

/** The first step's round row, with the step's own changes to it (`t.round`) already applied. */
function insertRound(t: Transition, at: Date): Write {
  const input = t.create!;
  const fields = new Map<string, readonly [unknown, string]>(
    (
      [
        ['id', input.roundId, 'text'],
        ['villageCode', input.villageCode, 'text'],
        ['townshipCode', input.townshipCode, 'text'],
        ['roundNo', input.roundNo, 'int'],
        ['campaignId', input.campaignId ?? null, 'text'],
        ['stage', 'VILLAGE_ASSESSMENT', '"RoundStage"'],
        ['status', 'OPEN', '"RoundStatus"'],
        ['openVillageCode', input.villageCode, 'text'],
        ['policy', json(input.policy), 'jsonb'],
        ['stageEnteredAt', utc(t.at), 'timestamp(3)'],
        ['startedById', input.startedBy.id, 'uuid'],
        ['startedAt', utc(t.at), 'timestamp(3)'],
        ['rulesVersion', input.rules?.version ?? null, 'int'],
        ['updatedAt', utc(new Date()), 'timestamp(3)'],
        ...(t.round ? roundFields(t.round, at) : []),
      ] as const
    )
      .filter(([, value]) => value !== undefined)
      .map(([column, value, type]) => [column, [value, type]] as const),
  );
  const columns = [...fields.keys()].map((c) => Prisma.raw(`"${c}"`));
  const values = [...fields.values()].map(([value, type]) => Prisma.sql`${value}::${Prisma.raw(type)}`);
  return {
    statement: Prisma.sql`INSERT INTO "Round" (${Prisma.join(columns)}) VALUES (${Prisma.join(values)})`,
    rows: [`Round:${input.roundId}`],
  };
}

/** The step's decision: its statement fails when a retried or duplicated attempt finds its (roundId, seq) taken. */
function decisionWrite(t: Transition): Write {
  const d = t.decision;
  return {
    statement: Prisma.sql`
      INSERT INTO "Decision" ("id", "roundId", "seq", "stage", "kind", "officialId", "officialName", "at", "decision",
                              "note", "payload")
      VALUES (gen_random_uuid(), ${t.roundId}, ${d.seq}::int, ${d.stage}::"RoundStage", ${d.kind},
              ${d.actor?.id ?? null}::uuid, ${d.actor?.name ?? null}, ${utc(t.at)}::timestamp(3),
              ${d.decision ?? null}, ${d.note ?? null}, ${json(d.payload)}::jsonb)`,
    rows: [`Decision:${t.roundId}:${d.seq}`],
  };
}

/** The links (proposal id → new household id) of proposals whose status the step leaves as it is. */
function unlinked(t: Transition, links: ReadonlyMap<string, string>): Map<string, string> {
  const left = new Map(links);
  for (const s of t.proposalStatus ?? []) for (const id of s.ids) left.delete(id);
  return left;
}

/**
 * The step's writes that read nothing: its proposals, their statuses and amendments, its objection. `links`: new
 * households the registry gives proposals (proposal id → household id), written with the proposals' statuses (the
 * others are left to the caller: unlinked).
 */
function firstWrites(t: Transition, at: Date, links: ReadonlyMap<string, string> = new Map()): Write[] {
  const writes: Write[] = [];
  if (t.newProposals?.length) {
    writes.push(...insertProposals(t.roundId, t.newProposals));
    // Entry candidates (a county verification's MISSED_POOR households) this list proposes are used.
    const marked = markCandidatesProposed(t.roundId, t.newProposals);
    if (marked) writes.push(marked);
  }
  for (const s of t.proposalStatus ?? []) {
    if (s.ids.length === 0) continue;
    const set = assignments([
      ['status', s.status, '"ProposalStatus"'],
      ['statusReason', s.reason, 'text'],
    ]);
    const linked = s.ids.filter((id) => links.has(id));
    const household = linked.length
      ? Prisma.sql`, "householdId" = CASE "id" ${Prisma.join(
          linked.map((id) => Prisma.sql`WHEN ${id}::uuid THEN ${links.get(id)}::uuid`),
          ' ',
        )} ELSE "householdId" END`
      : Prisma.empty;
    writes.push({
      statement: Prisma.sql`
        UPDATE "Proposal" SET ${set!}${household} WHERE "id" = ANY(${s.ids}::uuid[]) AND "roundId" = ${t.roundId}`,
      rows: s.ids.map((id) => `Proposal:${id}`),
    });
  }
  if (t.amendProposal) {
    const { proposalId, category, cause } = t.amendProposal;
    writes.push(
      updateWrite('Proposal', proposalId, [
        ['category', category, '"HouseholdCategory"'],
        ['cause', cause, '"PovertyCause"'],
      ]),
    );
  }
  if (t.newObjection) {
    const o = t.newObjection;
    writes.push({
      statement: Prisma.sql`
        INSERT INTO "Objection" ("id", "roundId", "noticeVersion", "proposalId", "objectorName", "objectorContact",
                                 "reason", "filedById", "filedAt")
        VALUES (${o.id}::uuid, ${t.roundId}, ${o.noticeVersion}::int, ${o.proposalId ?? null}::uuid,
                ${o.objectorName}, ${o.objectorContact ?? null}, ${o.reason}, ${t.decision.actor!.id}::uuid,
                ${utc(at)}::timestamp(3))`,
      rows: [`Objection:${o.id}`],
    });
  }
  if (t.resolveObjection) {
    const r = t.resolveObjection;
    writes.push(
      updateWrite('Objection', r.id, [
        ['status', r.status, '"ObjectionStatus"'],
        ['resolutionNote', r.note, 'text'],
        ['withdrewProposal', r.withdrewProposal, 'boolean'],
        ['amendedProposalId', r.amendedProposalId, 'uuid'],
        ['addedProposalId', r.addedProposalId, 'uuid'],
        ['resolvedById', t.decision.actor?.id, 'uuid'],
        ['resolvedAt', utc(at), 'timestamp(3)'],
      ]),
    );
  }
  return writes;
}

/** An update of the row of `table` with this uuid, failing as Prisma's `update` does when it is not there. */
function updateWrite(table: string, id: string, fields: Parameters<typeof assignments>[0]): Write {
  const set = assignments(fields);
  const name = Prisma.raw(`"${table}"`);
  return {
    statement: set
      ? Prisma.sql`UPDATE ${name} SET ${set} WHERE "id" = ${id}::uuid RETURNING 1`
      : Prisma.sql`SELECT 1 FROM ${name} WHERE "id" = ${id}::uuid`,
    rows: [`${table}:${id}`],
    found: `No ${table} ${id} to update.`,
  };
}

/** The step's change to the round's row. */
function roundWrite(t: Transition, at: Date): Write {
  return {
    statement: Prisma.sql`UPDATE "Round" SET ${assignments(roundFields(t.round!, at))!} WHERE "id" = ${t.roundId}`,
    rows: [`Round:${t.roundId}`],
  };
}

/** The round's columns a step changes (undefined: left as it is). */
function roundFields(r: NonNullable<Transition['round']>, at: Date) {
  const closes = r.status !== undefined && r.status !== 'OPEN';
  return [
    ['stage', r.stage, '"RoundStage"'],
    ['status', r.status, '"RoundStatus"'],
    ['stageEnteredAt', r.stageEnteredAt ? utc(r.stageEnteredAt) : undefined, 'timestamp(3)'],
    ['stageDeadline', instant(r.stageDeadline), 'timestamp(3)'],
    ['publicityEndsAt', instant(r.publicityEndsAt), 'timestamp(3)'],
    ['overdueSince', instant(r.overdueSince), 'timestamp(3)'],
    ['countySample', r.countySample, 'text[]'],
    ['openVillageCode', closes ? null : undefined, 'text'],
    ['finishedAt', closes ? utc(at) : undefined, 'timestamp(3)'],
    // @updatedAt: Prisma sets it to the time of the call, not the step's.
    ['updatedAt', utc(new Date()), 'timestamp(3)'],
  ] as const;
}

/** The list's proposals; one already recorded (a list written again) is left as it is (skipDuplicates). */
function insertProposals(roundId: string, proposals: readonly ProposalRecord[]): Write[] {
  return chunks(proposals).map((rows) => {
    const values = rows.map(
      (p) => Prisma.sql`(${p.id}::uuid, ${roundId}, ${p.assessmentNo}::int, ${p.action}::"ProposalAction",
        ${p.householdId ?? null}::uuid, ${json(p.household)}::jsonb, ${p.category ?? null}::"HouseholdCategory",
        ${p.cause ?? null}::"PovertyCause", ${p.entryReason ?? null}::"EntryReason",
        ${p.exitReason ?? null}::"ExitReason",
        ${p.householdConsent ? utcDay(p.householdConsent.signedOn) : null}::date, ${p.votesFor ?? null}::int,
        ${p.votesAgainst ?? null}::int, ${p.note ?? null}, ${p.addedByObjectionId ?? null}::uuid,
        ${json(p.facts)}::jsonb, ${json(p.evidence)}::jsonb, ${p.override?.reason ?? null})`,
    );
    return {
      statement: Prisma.sql`
        INSERT INTO "Proposal" ("id", "roundId", "assessmentNo", "action", "householdId", "newHousehold", "category",
                                "cause", "entryReason", "exitReason", "consentSignedOn", "votesFor", "votesAgainst",
                                "note", "addedByObjectionId", "facts", "evidence", "overrideReason")
        VALUES ${Prisma.join(values)}
        ON CONFLICT DO NOTHING`,
      rows: rows.map((p) => `Proposal:${p.id}`),
    };
  });
}
