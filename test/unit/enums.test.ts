import fs from 'node:fs';
import path from 'node:path';
import {
  ACTION_LABELS,
  CATEGORIES,
  CATEGORY_LABELS,
  CAUSE_LABELS,
  CAUSES,
  EXIT_REASON_LABELS,
  EXIT_REASONS,
  HOUSEHOLD_STATUSES,
  NOTICE_KINDS,
  OBJECTION_STATUSES,
  PROPOSAL_ACTIONS,
  PROPOSAL_STATUSES,
  ROLES,
  ROUND_STATUSES,
  STAGE_LABELS,
  STAGES,
} from '../../domain/enums';
import { VERIFICATION_FINDINGS, VERIFICATION_KINDS } from '../../domain/assessment';

/** The `enum Name { ... }` blocks of the Prisma schema, values in declaration order. */
function prismaEnums(schema: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of schema.matchAll(/^\s*enum\s+(\w+)\s*\{([^}]*)\}/gm)) {
    const [, name, body] = m;
    out[name!] = body!
      .split('\n')
      .map((line) => line.replace(/\/\/.*$/, '').trim())
      .filter((line) => line !== '')
      .map((line) => line.split(/\s+/)[0]!);
  }
  return out;
}

const schema = fs.readFileSync(path.resolve(__dirname, '../../prisma/schema.prisma'), 'utf8');
const enums = prismaEnums(schema);

describe('prisma/schema.prisma enums', () => {
  it('are found by the parser', () => {
    expect(Object.keys(enums).length).toBeGreaterThanOrEqual(11);
    for (const values of Object.values(enums)) {
      expect(values.length).toBeGreaterThan(0);
      for (const v of values) expect(v).toMatch(/^[A-Z][A-Z0-9_]*$/);
    }
  });

  it.each([
    ['ROLES', 'OfficialRole', ROLES],
    ['CATEGORIES', 'HouseholdCategory', CATEGORIES],
    ['HOUSEHOLD_STATUSES', 'HouseholdStatus', HOUSEHOLD_STATUSES],
    ['CAUSES', 'PovertyCause', CAUSES],
    ['EXIT_REASONS', 'ExitReason', EXIT_REASONS],
    ['STAGES', 'RoundStage', STAGES],
    ['ROUND_STATUSES', 'RoundStatus', ROUND_STATUSES],
    ['PROPOSAL_ACTIONS', 'ProposalAction', PROPOSAL_ACTIONS],
    ['PROPOSAL_STATUSES', 'ProposalStatus', PROPOSAL_STATUSES],
    ['NOTICE_KINDS', 'NoticeKind', NOTICE_KINDS],
    ['OBJECTION_STATUSES', 'ObjectionStatus', OBJECTION_STATUSES],
    ['VERIFICATION_KINDS', 'VerificationKind', VERIFICATION_KINDS],
    ['VERIFICATION_FINDINGS', 'VerificationFinding', VERIFICATION_FINDINGS],
  ] as const)('%s matches enum %s', (_constant, prismaName, values) => {
    expect(enums[prismaName]).toBeDefined();
    expect([...values]).toEqual(enums[prismaName]);
  });
});

describe('labels', () => {
  it.each([
    ['CATEGORY_LABELS', CATEGORIES, CATEGORY_LABELS],
    ['CAUSE_LABELS', CAUSES, CAUSE_LABELS],
    ['EXIT_REASON_LABELS', EXIT_REASONS, EXIT_REASON_LABELS],
    ['ACTION_LABELS', PROPOSAL_ACTIONS, ACTION_LABELS],
    ['STAGE_LABELS', STAGES, STAGE_LABELS],
  ] as const)('%s has a non-empty label for every value and nothing else', (_name, values, labels) => {
    const map = labels as Record<string, string>;
    expect(Object.keys(map).sort()).toEqual([...values].sort());
    for (const v of values) expect(map[v]?.trim()).toBeTruthy();
  });

  it('labels within a map are distinct', () => {
    for (const map of [CATEGORY_LABELS, CAUSE_LABELS, EXIT_REASON_LABELS, ACTION_LABELS, STAGE_LABELS]) {
      const labels = Object.values(map as Record<string, string>);
      expect(new Set(labels).size).toBe(labels.length);
    }
  });
});
