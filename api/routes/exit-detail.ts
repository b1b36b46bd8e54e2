// GET /exits/:exitId: the exit as PostgreSQL holds it (the workflow keeps it current): figures, the drawn sample
// with the county's last re-check of each household, the notices as published, objections and every decision.
import { z } from 'zod';
import type { ExitCheck, ExitNotice } from '../../domain/exit';
import type { PrismaClient } from '../../infra/db';
import type { Official } from '../auth';
import { trailEntry } from '../responses';
import type { ZExitDetail } from './exit-responses';

export async function exitDetail(prisma: PrismaClient, o: Official, exitId: string) {
  const exit = await prisma.exit.findUniqueOrThrow({
    where: { id: exitId },
    include: { decisions: { orderBy: { seq: 'asc' } }, objections: { orderBy: { filedAt: 'asc' } } },
  });
  const households = await prisma.household.findMany({
    where: { id: { in: exit.sample } },
    select: { id: true, registryNo: true, villageCode: true },
  });
  const byId = new Map(households.map((h) => [h.id, h]));
  const lastFinding = new Map<string, ExitCheck['finding']>();
  const notices: ExitNotice[] = [];
  for (const d of exit.decisions) {
    const payload = (d.payload ?? {}) as { findings?: ExitCheck[]; notice?: ExitNotice };
    if (d.kind === 'COUNTY_VERIFICATION')
      for (const f of payload.findings ?? []) lastFinding.set(f.householdId, f.finding);
    if (payload.notice) notices.push(payload.notice);
  }
  const requested = exit.decisions.find((d) => d.kind === 'EXIT_REQUESTED');
  const seesContacts = o.role === 'COUNTY' || o.role === 'ADMIN';
  return {
    ...summary(exit),
    policy: exit.policy as { publicityPeriod: string; stageDeadline: string },
    figures: exit.figures as Record<string, unknown>,
    stageEnteredAt: exit.stageEnteredAt,
    requestedBy: { id: exit.requestedById, name: requested?.officialName ?? null },
    sample: exit.sample.map((id) => ({
      householdId: id,
      registryNo: byId.get(id)?.registryNo ?? '',
      villageCode: byId.get(id)?.villageCode ?? '',
      finding: lastFinding.get(id) ?? null,
    })),
    notices,
    objections: exit.objections.map((x) => ({
      id: x.id,
      objector: { name: x.objectorName, contact: seesContacts ? x.objectorContact : null },
      reason: x.reason,
      status: x.status,
      filedById: x.filedById,
      filedAt: x.filedAt,
      resolvedById: x.resolvedById,
      resolvedAt: x.resolvedAt,
      resolutionNote: x.resolutionNote,
    })),
    decisions: exit.decisions.map(trailEntry),
  } satisfies z.input<typeof ZExitDetail>;
}

type ExitRow = Awaited<ReturnType<PrismaClient['exit']['findUniqueOrThrow']>>;

/** An exit as the list shows it. */
export function summary(x: ExitRow) {
  return {
    exitId: x.id,
    workflowId: x.id,
    level: x.level,
    code: x.code,
    townshipCode: x.townshipCode,
    year: x.year,
    stage: x.stage,
    status: x.status,
    deadline: x.stageDeadline,
    publicityEndsAt: x.publicityEndsAt,
    requestedAt: x.requestedAt,
    finishedAt: x.finishedAt,
  };
}
