// Responsible unit and person (责任单位、责任人) of a poor village or household. An assignment is never edited
// away: a handover closes the current one (toDate) and opens the next, so the history stays complete.
import type { PrismaClient } from './db';

export type ResponsibilitySubject =
  { subject: 'VILLAGE'; villageCode: string } | { subject: 'HOUSEHOLD'; householdId: string };

export interface AssignmentInput {
  unit: string;
  personName: string;
  /** Personal data: never logged. */
  personPhone?: string;
  note?: string;
  assignedById: string;
}

export interface Assignment {
  id: string;
  unit: string;
  personName: string;
  personPhone: string | null;
  assignedById: string | null;
  fromDate: Date;
  toDate: Date | null;
  note: string | null;
}

export interface AssignResult {
  current: Assignment;
  /** Every assignment, newest first (the current one included). */
  history: Assignment[];
  /** False when the same unit and person were already responsible: nothing was handed over. */
  changed: boolean;
}

const SELECT = {
  id: true,
  unit: true,
  personName: true,
  personPhone: true,
  assignedById: true,
  fromDate: true,
  toDate: true,
  note: true,
} as const;

function where(s: ResponsibilitySubject) {
  return s.subject === 'VILLAGE'
    ? { subject: 'VILLAGE' as const, villageCode: s.villageCode }
    : { subject: 'HOUSEHOLD' as const, householdId: s.householdId };
}

/** Current assignment and history, newest first. */
export async function responsibilityOf(
  prisma: PrismaClient,
  s: ResponsibilitySubject,
): Promise<{ current: Assignment | null; history: Assignment[] }> {
  const history = await prisma.responsibilityAssignment.findMany({
    where: where(s),
    orderBy: [{ fromDate: 'desc' }, { toDate: { sort: 'desc', nulls: 'first' } }],
    select: SELECT,
  });
  return { current: history.find((a) => a.toDate === null) ?? null, history };
}

/**
 * Assigns (or hands over) responsibility in one transaction: the current assignment, if any, ends now and a new
 * one begins. The subject's row is locked first, so two handovers at once leave exactly one current assignment.
 * The same unit and person again is not a handover: no new history row (a new phone number is corrected in place).
 */
export async function assignResponsibility(
  prisma: PrismaClient,
  s: ResponsibilitySubject,
  input: AssignmentInput,
  now = new Date(),
): Promise<AssignResult> {
  const changed = await prisma.$transaction(async (tx) => {
    if (s.subject === 'VILLAGE') await tx.$queryRaw`SELECT 1 FROM "Village" WHERE code = ${s.villageCode} FOR UPDATE`;
    else await tx.$queryRaw`SELECT 1 FROM "Household" WHERE id = ${s.householdId}::uuid FOR UPDATE`;
    const current = await tx.responsibilityAssignment.findMany({ where: { ...where(s), toDate: null } });
    const same = current.length === 1 && current[0]!.unit === input.unit && current[0]!.personName === input.personName;
    if (same) {
      const c = current[0]!;
      if (input.personPhone !== undefined && input.personPhone !== c.personPhone) {
        await tx.responsibilityAssignment.update({ where: { id: c.id }, data: { personPhone: input.personPhone } });
      }
      return false;
    }
    await tx.responsibilityAssignment.updateMany({ where: { ...where(s), toDate: null }, data: { toDate: now } });
    await tx.responsibilityAssignment.create({
      data: {
        ...where(s),
        unit: input.unit,
        personName: input.personName,
        personPhone: input.personPhone,
        note: input.note,
        assignedById: input.assignedById,
        fromDate: now,
      },
    });
    return true;
  });
  const { current, history } = await responsibilityOf(prisma, s);
  return { current: current!, history, changed };
}
