// What the database says about a village's rounds, in two forms: a normalised dump (no timestamps, no
// generated ids) to compare a faulted run with its control run, and atomicity checks read in one snapshot.
import { Client } from 'pg';
import type { PrismaClient } from '../../../infra/db';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g;

/** JSON with generated ids and timestamps blanked out. */
function normalise(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return JSON.parse(JSON.stringify(value).replace(UUID, '<id>').replace(ISO_TIME, '<time>'));
}

/** The village's registry and rounds, in a form two independent runs of the same script can share. */
export async function normalisedDump(prisma: PrismaClient, villageCode: string) {
  const households = await prisma.household.findMany({ where: { villageCode }, orderBy: { registryNo: 'asc' } });
  const registryNo = new Map(households.map((h) => [h.id, h.registryNo]));
  const rounds = await prisma.round.findMany({
    where: { villageCode },
    orderBy: { roundNo: 'asc' },
    include: {
      proposals: true,
      decisions: { orderBy: { seq: 'asc' } },
      notices: { orderBy: { version: 'asc' } },
      objections: true,
    },
  });
  const changes = await prisma.registryChange.findMany({ where: { household: { villageCode } } });
  const changesPerProposal = new Map<string | null, number>();
  for (const c of changes) changesPerProposal.set(c.proposalId, (changesPerProposal.get(c.proposalId) ?? 0) + 1);
  return {
    households: households.map((h) => ({
      registryNo: h.registryNo,
      idNumber: h.idNumber,
      status: h.status,
      category: h.category,
      cause: h.cause,
      exitReason: h.exitReason,
    })),
    registryChanges: changes.length,
    rounds: rounds.map((r) => ({
      roundNo: r.roundNo,
      stage: r.stage,
      status: r.status,
      openVillageCode: r.openVillageCode,
      proposals: r.proposals
        .map((p) => ({
          household: p.householdId
            ? registryNo.get(p.householdId)
            : `new:${(p.newHousehold as { idNumber?: string } | null)?.idNumber}`,
          assessmentNo: p.assessmentNo,
          action: p.action,
          status: p.status,
          statusReason: p.statusReason,
          category: p.category,
          cause: p.cause,
          exitReason: p.exitReason,
          registryChanges: changesPerProposal.get(p.id) ?? 0,
        }))
        .sort((a, b) => `${a.assessmentNo}/${a.household}`.localeCompare(`${b.assessmentNo}/${b.household}`)),
      decisions: r.decisions.map((d) => ({
        seq: d.seq,
        stage: d.stage,
        kind: d.kind,
        decision: d.decision,
        note: d.note,
        official: d.officialName,
        payload: normalise(d.payload),
      })),
      notices: r.notices.map((n) => ({
        version: n.version,
        kind: n.kind,
        items: normalise((n.content as { items?: unknown }).items),
      })),
      objections: r.objections
        .map((x) => ({ noticeVersion: x.noticeVersion, reason: x.reason, status: x.status }))
        .sort((a, b) => a.reason.localeCompare(b.reason)),
    })),
  };
}

export interface Snapshot {
  round: { stage: string; status: string } | undefined;
  decisions: { seq: number; kind: string; decision: string | null; payload: any }[];
  proposals: { id: string; assessmentNo: number; status: string }[];
  notices: { version: number; kind: string }[];
  objections: { id: string; reason: string; status: string }[];
  registryChanges: number;
}

/** Reads a round in one REPEATABLE READ snapshot, straight from PostgreSQL (not through any test proxy). */
export async function snapshot(databaseUrl: string, roundId: string): Promise<Snapshot> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const q = async <T>(sql: string) => (await c.query(sql, [roundId])).rows as T[];
    const [round] = await q<Snapshot['round']>('SELECT stage, status FROM "Round" WHERE id = $1');
    const s: Snapshot = {
      round,
      decisions: await q('SELECT seq, kind, decision, payload FROM "Decision" WHERE "roundId" = $1 ORDER BY seq'),
      proposals: await q('SELECT id, "assessmentNo", status FROM "Proposal" WHERE "roundId" = $1'),
      notices: await q('SELECT version, kind FROM "Notice" WHERE "roundId" = $1 ORDER BY version'),
      objections: await q('SELECT id, reason, status FROM "Objection" WHERE "roundId" = $1'),
      registryChanges: Number(
        (await q<{ n: string }>('SELECT count(*) AS n FROM "RegistryChange" WHERE "roundId" = $1'))[0]!.n,
      ),
    };
    await c.query('COMMIT');
    return s;
  } finally {
    await c.end();
  }
}

/**
 * Every decision in the snapshot is whole: an assessment with all its proposals and its notice, an objection
 * with its row, a review or announcement with its notice, and the round at the stage the last decision left it.
 * Returns the problems found (none when every step was written all or nothing).
 */
export function partialWrites(s: Snapshot): string[] {
  const problems: string[] = [];
  const seqs = s.decisions.map((d) => d.seq);
  if (seqs.some((seq, i) => seq !== i + 1)) problems.push(`decision seqs are not 1..n: ${seqs.join(',')}`);
  let stage = 'VILLAGE_ASSESSMENT';
  let assessmentNo = 0;
  const noticeKinds: string[] = [];
  const appliedAsSaid = (said: unknown) => {
    const applied = s.proposals.filter((p) => p.status === 'APPLIED').length;
    if (applied !== said || s.registryChanges !== applied)
      problems.push(`announcement: ${applied} applied, ${s.registryChanges} registry changes, decision says ${said}`);
  };
  for (const d of s.decisions) {
    if (d.kind === 'ASSESSMENT_SUBMITTED') {
      assessmentNo++;
      const n = s.proposals.filter((p) => p.assessmentNo === assessmentNo).length;
      if (n !== d.payload?.count)
        problems.push(`assessment ${assessmentNo}: ${n} proposals, decision says ${d.payload?.count}`);
      noticeKinds.push('FIRST_PUBLICITY');
      stage = 'FIRST_PUBLICITY';
    } else if (d.kind === 'PUBLICITY_ENDED') {
      stage = stage === 'FIRST_PUBLICITY' ? 'TOWNSHIP_REVIEW' : 'COUNTY_ANNOUNCEMENT';
    } else if (d.kind === 'TOWNSHIP_REVIEW') {
      if (d.decision === 'APPROVE') noticeKinds.push('SECOND_PUBLICITY');
      stage = d.decision === 'APPROVE' ? 'SECOND_PUBLICITY' : 'VILLAGE_ASSESSMENT';
    } else if (d.kind === 'COUNTY_ANNOUNCEMENT') {
      if (d.decision === 'ANNOUNCE') {
        noticeKinds.push('ANNOUNCEMENT');
        // Under the rules of version 2 (a drawn sample) the announcement opens the announcement period instead.
        if (d.payload?.countySample !== undefined) stage = 'ANNOUNCEMENT_PERIOD';
        else {
          stage = 'COMPLETED';
          appliedAsSaid(d.payload?.announced);
        }
      } else stage = d.payload?.returnTo ?? 'TOWNSHIP_REVIEW';
    } else if (d.kind === 'ANNOUNCEMENT_PERIOD_ENDED') {
      stage = 'COMPLETED';
      appliedAsSaid(d.payload?.applied);
    } else if (d.kind === 'OBJECTION_FILED') {
      if (!s.objections.some((o) => o.id === d.payload?.objectionId))
        problems.push(`objection ${d.payload?.objectionId}: decision without its row`);
    } else if (d.kind === 'OBJECTION_RESOLVED' && d.payload?.withdrawProposal) {
      noticeKinds.push(stage);
    }
  }
  const filed = new Set(s.decisions.filter((d) => d.kind === 'OBJECTION_FILED').map((d) => d.payload?.objectionId));
  for (const o of s.objections) if (!filed.has(o.id)) problems.push(`objection ${o.id}: row without its decision`);
  if (assessmentNo === 0 && s.proposals.length > 0)
    problems.push(`${s.proposals.length} proposals without an assessment`);
  const kinds = s.notices.map((n) => n.kind);
  if (JSON.stringify(kinds) !== JSON.stringify(noticeKinds)) {
    problems.push(`notices ${kinds.join(',') || 'none'}; decisions imply ${noticeKinds.join(',') || 'none'}`);
  }
  if (s.round && s.round.stage !== stage) problems.push(`round at ${s.round.stage}; decisions imply ${stage}`);
  return problems;
}

/** Transactions of this database left open by a client ("idle in transaction"). */
export async function openTransactions(databaseUrl: string): Promise<number> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
    );
    return Number(rows[0].n);
  } finally {
    await c.end();
  }
}
