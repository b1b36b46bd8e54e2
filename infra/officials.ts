import { scopeLevel } from '../domain/constants';
import type { Role } from '../domain/enums';
import type { PrismaClient } from './db';
import { hashToken, newToken } from './tokens';

export class OfficialError extends Error {}

const LEVEL_OF_ROLE: Record<Role, string> = {
  VILLAGE: 'VILLAGE',
  TOWNSHIP: 'TOWNSHIP',
  COUNTY: 'COUNTY',
  ADMIN: 'COUNTY',
};

/** Creates an official for an existing jurisdiction; returns the token, which is shown once and stored hashed. */
export async function createOfficial(prisma: PrismaClient, input: { role: Role; scopeCode: string; name: string }) {
  const level = scopeLevel(input.scopeCode);
  if (level !== LEVEL_OF_ROLE[input.role]) {
    throw new OfficialError(
      `A ${input.role} official needs a ${LEVEL_OF_ROLE[input.role].toLowerCase()} code as scope; ${input.scopeCode} is not one.`,
    );
  }
  const exists =
    level === 'VILLAGE'
      ? await prisma.village.findUnique({ where: { code: input.scopeCode } })
      : level === 'TOWNSHIP'
        ? await prisma.township.findUnique({ where: { code: input.scopeCode } })
        : await prisma.county.findUnique({ where: { code: input.scopeCode } });
  if (!exists) throw new OfficialError(`No ${level.toLowerCase()} with code ${input.scopeCode}.`);
  const name = input.name.trim();
  if (!name || name.length > 100) throw new OfficialError('The name must be 1 to 100 characters.');
  const token = newToken();
  const official = await prisma.official.create({
    data: { role: input.role, scopeCode: input.scopeCode, name, tokenHash: hashToken(token) },
  });
  return { id: official.id, role: official.role, scopeCode: official.scopeCode, name: official.name, token };
}

export async function revokeOfficial(prisma: PrismaClient, id: string) {
  const o = await prisma.official.findUnique({ where: { id } });
  if (!o) throw new OfficialError(`No official ${id}.`);
  if (o.revokedAt) return { id, revokedAt: o.revokedAt, alreadyRevoked: true };
  const updated = await prisma.official.update({ where: { id }, data: { revokedAt: new Date() } });
  return { id, revokedAt: updated.revokedAt, alreadyRevoked: false };
}

export async function listOfficials(prisma: PrismaClient) {
  return prisma.official.findMany({
    orderBy: [{ role: 'asc' }, { scopeCode: 'asc' }, { createdAt: 'asc' }],
    select: { id: true, name: true, role: true, scopeCode: true, createdAt: true, revokedAt: true },
  });
}
