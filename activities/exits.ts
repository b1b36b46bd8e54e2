// Activities of the exit workflow (workflows/exit.ts): the figures read at its start, and each step written in one
// transaction, idempotent on (exitId, seq) so a retried activity never writes twice and a unit exits once.
import { ApplicationFailure } from '@temporalio/activity';
import type { ExitFigures, ExitLevel, ExitStep } from '../domain/exit';
import type { Prisma, PrismaClient } from '../infra/db';
import { readExitFigures } from '../infra/exit-figures';
import { RoundError } from '../workflows/round-contract';

export interface ExitActivityDeps {
  prisma: PrismaClient;
}

const date = (iso: string | null | undefined) => (iso === undefined ? undefined : iso === null ? null : new Date(iso));
const json = (v: unknown) => v as Prisma.InputJsonValue;

export function createExitActivities({ prisma }: ExitActivityDeps) {
  /** The unit's figures now and the households the county's sample is drawn from. */
  async function exitFigures(args: {
    level: ExitLevel;
    code: string;
    threshold: number;
    year?: number;
  }): Promise<{ figures: ExitFigures; households: string[] }> {
    const read = await readExitFigures(prisma, { ...args, households: true });
    if (!read) {
      throw ApplicationFailure.create({
        type: RoundError.NOT_FOUND,
        nonRetryable: true,
        message: `No ${args.level.toLowerCase()} ${args.code}.`,
      });
    }
    return read;
  }

  /** Writes one step of an exit; a step already written (its decision exists) writes nothing. */
  async function applyExitStep(t: ExitStep): Promise<{ applied: boolean }> {
    return prisma.$transaction(
      async (tx) => {
        const at = new Date(t.at);
        if (t.create) {
          const c = t.create;
          await tx.exit.upsert({
            where: { id: t.exitId },
            update: {},
            create: {
              id: t.exitId,
              level: c.level,
              code: c.code,
              townshipCode: c.townshipCode ?? null,
              year: c.year,
              stage: 'COUNTY_VERIFICATION',
              policy: json(c.policy),
              figures: json(c.figures),
              sample: c.sample,
              stageEnteredAt: at,
              requestedById: c.requestedBy.id,
              requestedAt: at,
            },
          });
        }
        const done = await tx.exitDecision.findUnique({
          where: { exitId_seq: { exitId: t.exitId, seq: t.decision.seq } },
          select: { id: true },
        });
        if (done) return { applied: false };
        const d = t.decision;
        await tx.exitDecision.create({
          data: {
            exitId: t.exitId,
            seq: d.seq,
            stage: d.stage,
            kind: d.kind,
            officialId: d.actor?.id,
            officialName: d.actor?.name,
            at,
            decision: d.decision,
            note: d.note,
            payload: d.payload === undefined ? undefined : json(d.payload),
          },
        });
        if (t.newObjection) {
          const o = t.newObjection;
          await tx.exitObjection.create({
            data: {
              id: o.id,
              exitId: t.exitId,
              objectorName: o.objectorName,
              objectorContact: o.objectorContact,
              reason: o.reason,
              filedById: d.actor!.id,
              filedAt: at,
            },
          });
        }
        if (t.resolveObjection) {
          const r = t.resolveObjection;
          await tx.exitObjection.update({
            where: { id: r.id },
            data: { status: r.status, resolutionNote: r.note, resolvedById: d.actor?.id, resolvedAt: at },
          });
        }
        if (t.markExited) await markExited(tx, t.markExited);
        if (t.exit) {
          const e = t.exit;
          await tx.exit.update({
            where: { id: t.exitId },
            data: {
              stage: e.stage,
              status: e.status,
              stageEnteredAt: date(e.stageEnteredAt) ?? undefined,
              stageDeadline: date(e.stageDeadline),
              publicityEndsAt: date(e.publicityEndsAt),
              ...(e.finished ? { finishedAt: at } : {}),
            },
          });
        }
        return { applied: true };
      },
      { maxWait: 10_000, timeout: 30_000 },
    );
  }

  return { exitFigures, applyExitStep };
}

/** The unit is out of poverty from `year`: recorded once (an exit year already there is kept). */
async function markExited(tx: Prisma.TransactionClient, { level, code, year }: NonNullable<ExitStep['markExited']>) {
  const where = { code, exitedYear: null };
  const data = { exitedYear: year };
  if (level === 'VILLAGE') await tx.village.updateMany({ where, data });
  else if (level === 'TOWNSHIP') await tx.township.updateMany({ where, data });
  else await tx.county.updateMany({ where, data });
}
