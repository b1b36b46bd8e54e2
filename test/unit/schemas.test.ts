import type { z } from 'zod';
import {
  ZAssessment,
  ZCancel,
  ZCountyAnnouncement,
  ZIdNumber,
  ZObjection,
  ZResolution,
  ZStartRound,
  ZTownshipReview,
} from '../../api/schemas';
import { makeIdNumber } from '../../domain/idNumber';

const UUID = '3f2b8c1e-9d4a-4b7e-8f21-5a6b7c8d9e0f';
const UUID2 = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const VALID_ID = makeIdNumber('620522', { y: 1980, m: 1, d: 1 }, 123);
const VALID_ID_X = makeIdNumber('620522', { y: 1980, m: 1, d: 1 }, 9);

/**
 * Each issue's path as "a.b.0.c"; for unrecognized keys (strict objects) one path per extra key, so
 * that the path always names the offending field.
 */
function issuePaths(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.flatMap((i) => {
    const base = i.path.map(String);
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => [...base, k].join('.'));
    return [base.join('.')];
  });
}

function issues(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues;
}

type Body = Record<string, any>;

function assessment(): Body {
  return {
    meeting: { heldOn: '2026-11-20', representativesPresent: 20, representativesTotal: 30 },
    proposals: [
      {
        action: 'ENTER',
        household: { headName: '张三', idNumber: VALID_ID, size: 4 },
        category: 'TARGETED',
        cause: 'ILLNESS',
        entryReason: 'NEW_IDENTIFIED',
        votesFor: 15,
        votesAgainst: 3,
      },
      {
        action: 'EXIT',
        householdId: UUID,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 18,
        votesAgainst: 0,
        note: '',
      },
      { action: 'RECLASSIFY', householdId: UUID2, category: 'CONSOLIDATION', votesFor: 11, votesAgainst: 9 },
    ],
  };
}

/** A valid assessment changed by `edit`. */
function assessmentWith(edit: (b: Body) => void): Body {
  const b = assessment();
  edit(b);
  return b;
}

describe('ZAssessment', () => {
  it('accepts a valid body', () => {
    expect(issues(ZAssessment, assessment())).toEqual([]);
  });

  it('accepts a meeting at exactly two thirds', () => {
    expect(ZAssessment.safeParse(assessment()).success).toBe(true);
  });

  it('normalises a lower-case x in the ID number to X', () => {
    const body = assessmentWith((b) => (b.proposals[0].household.idNumber = VALID_ID_X.toLowerCase()));
    const parsed = ZAssessment.parse(body);
    expect(parsed.proposals[0]!.household!.idNumber).toBe(VALID_ID_X);
  });

  it('trims the head name', () => {
    const body = assessmentWith((b) => (b.proposals[0].household.headName = '  张三 '));
    expect(ZAssessment.parse(body).proposals[0]!.household!.headName).toBe('张三');
  });

  it.each<[string, (b: Body) => void, string]>([
    [
      'a quorum below two thirds (19 of 30)',
      (b) => {
        b.meeting.representativesPresent = 19;
        b.proposals = [
          { action: 'EXIT', householdId: UUID, exitReason: 'REACHED_STANDARD', votesFor: 5, votesAgainst: 0 },
        ];
      },
      'meeting.representativesPresent',
    ],
    ['more present than in total', (b) => (b.meeting.representativesPresent = 31), 'meeting.representativesPresent'],
    ['no representatives at all', (b) => (b.meeting.representativesTotal = 0), 'meeting.representativesTotal'],
    [
      'an ID number with a bad checksum',
      (b) => (b.proposals[0].household.idNumber = VALID_ID.slice(0, 17) + (VALID_ID.endsWith('0') ? '1' : '0')),
      'proposals.0.household.idNumber',
    ],
    [
      'an ID number with an impossible birth date',
      (b) => (b.proposals[0].household.idNumber = '620522198002301230'),
      'proposals.0.household.idNumber',
    ],
    ['a short ID number', (b) => (b.proposals[0].household.idNumber = '6205221980'), 'proposals.0.household.idNumber'],
    ['ENTER without category', (b) => delete b.proposals[0].category, 'proposals.0.category'],
    ['ENTER without cause', (b) => delete b.proposals[0].cause, 'proposals.0.cause'],
    ['ENTER with an exitReason', (b) => (b.proposals[0].exitReason = 'REACHED_STANDARD'), 'proposals.0.exitReason'],
    ['EXIT without exitReason', (b) => delete b.proposals[1].exitReason, 'proposals.1.exitReason'],
    ['EXIT with a category', (b) => (b.proposals[1].category = 'TARGETED'), 'proposals.1.category'],
    ['RECLASSIFY without category', (b) => delete b.proposals[2].category, 'proposals.2.category'],
    ['votesFor equal to votesAgainst', (b) => (b.proposals[2].votesAgainst = 11), 'proposals.2.votesFor'],
    [
      'votesFor below votesAgainst',
      (b) => Object.assign(b.proposals[0], { votesFor: 3, votesAgainst: 15 }),
      'proposals.0.votesFor',
    ],
    ['negative votesFor', (b) => (b.proposals[1].votesFor = -1), 'proposals.1.votesFor'],
    ['negative votesAgainst', (b) => (b.proposals[1].votesAgainst = -1), 'proposals.1.votesAgainst'],
    ['fractional votes', (b) => (b.proposals[1].votesFor = 10.5), 'proposals.1.votesFor'],
    [
      'more votes than representatives present',
      (b) => Object.assign(b.proposals[1], { votesFor: 19, votesAgainst: 2 }),
      'proposals.1.votesFor',
    ],
    ['an unknown top-level field', (b) => (b.extra = true), 'extra'],
    ['an unknown meeting field', (b) => (b.meeting.location = '村委会'), 'meeting.location'],
    ['an unknown proposal field', (b) => (b.proposals[1].isAdmin = true), 'proposals.1.isAdmin'],
    [
      'an unknown household field',
      (b) => (b.proposals[0].household.phone = '13812345678'),
      'proposals.0.household.phone',
    ],
    ['an impossible date (2026-02-30)', (b) => (b.meeting.heldOn = '2026-02-30'), 'meeting.heldOn'],
    ['an impossible date (2026-13-01)', (b) => (b.meeting.heldOn = '2026-13-01'), 'meeting.heldOn'],
    ['a date out of range (1800-01-01)', (b) => (b.meeting.heldOn = '1800-01-01'), 'meeting.heldOn'],
    ['a date out of range (2101-01-01)', (b) => (b.meeting.heldOn = '2101-01-01'), 'meeting.heldOn'],
    ['a date with a time', (b) => (b.meeting.heldOn = '2026-11-20T00:00:00Z'), 'meeting.heldOn'],
    ['both householdId and household', (b) => (b.proposals[0].householdId = UUID), 'proposals.0.householdId'],
    ['neither householdId nor household', (b) => delete b.proposals[1].householdId, 'proposals.1.householdId'],
    ['a householdId that is not a UUID', (b) => (b.proposals[1].householdId = '42'), 'proposals.1.householdId'],
    [
      'a new household that does not ENTER',
      (b) => {
        b.proposals[2] = { ...b.proposals[2], householdId: undefined, household: { ...b.proposals[0].household } };
      },
      'proposals.2.household',
    ],
    ['an unknown action', (b) => (b.proposals[1].action = 'DELETE'), 'proposals.1.action'],
    ['an unknown category', (b) => (b.proposals[0].category = 'RICH'), 'proposals.0.category'],
    ['an empty head name', (b) => (b.proposals[0].household.headName = '   '), 'proposals.0.household.headName'],
    ['a household of 0 people', (b) => (b.proposals[0].household.size = 0), 'proposals.0.household.size'],
    ['no proposals', (b) => (b.proposals = []), 'proposals'],
    // Majority of those present (art. 26): 20 present, so 10 for is not enough, whatever the votes against.
    [
      'half of those present (10 of 20) voting for',
      (b) => Object.assign(b.proposals[1], { votesFor: 10, votesAgainst: 2 }),
      'proposals.1.votesFor',
    ],
    ['noChange with proposals', (b) => (b.noChange = true), 'proposals'],
    ['noChange that is not a boolean', (b) => Object.assign(b, { noChange: 'yes', proposals: [] }), 'noChange'],
    ['ENTER without entryReason', (b) => delete b.proposals[0].entryReason, 'proposals.0.entryReason'],
    ['an unknown entryReason', (b) => (b.proposals[0].entryReason = 'LUCK'), 'proposals.0.entryReason'],
    ['EXIT with an entryReason', (b) => (b.proposals[1].entryReason = 'MISSED'), 'proposals.1.entryReason'],
    ['the former cause MISSED_BEFORE', (b) => (b.proposals[0].cause = 'MISSED_BEFORE'), 'proposals.0.cause'],
    [
      'a REACHED_STANDARD exit without the household consent',
      (b) => delete b.proposals[1].householdConsent,
      'proposals.1.householdConsent',
    ],
    [
      'a consent with an impossible date',
      (b) => (b.proposals[1].householdConsent = { signedOn: '2026-02-30' }),
      'proposals.1.householdConsent.signedOn',
    ],
    [
      'a consent on a WRONGLY_INCLUDED exit',
      (b) => (b.proposals[1].exitReason = 'WRONGLY_INCLUDED'),
      'proposals.1.householdConsent',
    ],
    [
      'a NATURAL_DECREASE exit without a note',
      (b) => Object.assign(b.proposals[1], { exitReason: 'NATURAL_DECREASE', householdConsent: undefined }),
      'proposals.1.note',
    ],
  ])('rejects %s', (_name, edit, path) => {
    expect(issuePaths(ZAssessment, assessmentWith(edit))).toContain(path);
  });

  it('accepts a meeting that concluded nothing changes, with an empty list', () => {
    expect(
      issues(
        ZAssessment,
        assessmentWith((b) => Object.assign(b, { noChange: true, proposals: [] })),
      ),
    ).toEqual([]);
  });

  it('accepts a majority of those present however the rest voted (11 of 20 for, 9 against)', () => {
    expect(
      issues(
        ZAssessment,
        assessmentWith((b) => Object.assign(b.proposals[1], { votesFor: 11, votesAgainst: 9 })),
      ),
    ).toEqual([]);
  });

  it('accepts the new cause, entry reasons and a NATURAL_DECREASE exit with its note', () => {
    const body = assessmentWith((b) => {
      Object.assign(b.proposals[0], { cause: 'LACK_OF_MOTIVATION', entryReason: 'RETURNED_TO_POVERTY' });
      Object.assign(b.proposals[1], { exitReason: 'NATURAL_DECREASE', householdConsent: undefined, note: '户主去世' });
    });
    expect(issues(ZAssessment, body)).toEqual([]);
  });

  it('names the field in the message of a quorum failure', () => {
    const found = issues(
      ZAssessment,
      assessmentWith((b) => {
        b.meeting.representativesPresent = 19;
        b.proposals = [
          { action: 'EXIT', householdId: UUID, exitReason: 'REACHED_STANDARD', votesFor: 5, votesAgainst: 0 },
        ];
      }),
    );
    expect(found.map((i) => i.message).join(' ')).toMatch(/quorum/);
  });

  it('explains a checksum failure', () => {
    const found = issues(ZIdNumber, VALID_ID.slice(0, 17) + (VALID_ID.endsWith('0') ? '1' : '0'));
    expect(found.map((i) => i.message)).toEqual(['fails the ID number checksum']);
    expect(issues(ZIdNumber, '620522198002301230').map((i) => i.message)).toEqual(['has an impossible birth date']);
    expect(issues(ZIdNumber, 'abc').map((i) => i.message)).toEqual(['must be an 18-character ID number']);
  });

  it('rejects a body that is not an object', () => {
    expect(ZAssessment.safeParse(null).success).toBe(false);
    expect(ZAssessment.safeParse([]).success).toBe(false);
    expect(ZAssessment.safeParse('{}').success).toBe(false);
  });
});

describe('ZStartRound', () => {
  it('accepts a village code alone', () => {
    expect(ZStartRound.parse({ villageCode: '620522100201' })).toEqual({ villageCode: '620522100201' });
  });

  it.each([
    { publicityPeriod: '2s' },
    { stageDeadline: '2s' },
    { publicityPeriod: '7 days', stageDeadline: '14 days' },
    { publicityPeriod: '1s' },
    { publicityPeriod: '90 days', stageDeadline: '365 days' },
    { publicityPeriod: '1.5h' },
    {},
  ])('accepts policy %j', (policy) => {
    expect(issues(ZStartRound, { villageCode: '620522100201', policy })).toEqual([]);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ publicityPeriod: 'abc' }, 'policy.publicityPeriod'],
    [{ publicityPeriod: '0s' }, 'policy.publicityPeriod'],
    [{ publicityPeriod: '999ms' }, 'policy.publicityPeriod'],
    [{ publicityPeriod: '-1s' }, 'policy.publicityPeriod'],
    [{ publicityPeriod: '91 days' }, 'policy.publicityPeriod'],
    [{ publicityPeriod: 7 }, 'policy.publicityPeriod'],
    [{ stageDeadline: 'abc' }, 'policy.stageDeadline'],
    [{ stageDeadline: '0s' }, 'policy.stageDeadline'],
    [{ stageDeadline: '366 days' }, 'policy.stageDeadline'],
    [{ publicityPeriod: '2s', other: '1s' }, 'policy.other'],
  ])('rejects policy %j', (policy, path) => {
    expect(issuePaths(ZStartRound, { villageCode: '620522100201', policy })).toContain(path);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ villageCode: '620522100' }, 'villageCode'],
    [{ villageCode: '62052210020a' }, 'villageCode'],
    [{}, 'villageCode'],
    [{ villageCode: '620522100201', roundNo: 2 }, 'roundNo'],
  ])('rejects %j', (body, path) => {
    expect(issuePaths(ZStartRound, body)).toContain(path);
  });
});

describe('ZObjection', () => {
  it('accepts a valid objection, with or without proposal and contact', () => {
    expect(
      issues(ZObjection, { proposalId: UUID, objector: { name: '王五', contact: '13812345678' }, reason: '家有轿车' }),
    ).toEqual([]);
    expect(issues(ZObjection, { objector: { name: '王五' }, reason: '名单有误' })).toEqual([]);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ objector: { name: '王五' }, reason: '  ' }, 'reason'],
    [{ objector: { name: '' }, reason: '名单有误' }, 'objector.name'],
    [{ reason: '名单有误' }, 'objector'],
    [{ proposalId: 'p1', objector: { name: '王五' }, reason: '名单有误' }, 'proposalId'],
    [{ objector: { name: '王五', idNumber: VALID_ID }, reason: '名单有误' }, 'objector.idNumber'],
    [{ objector: { name: '王五' }, reason: 'x'.repeat(2001) }, 'reason'],
  ])('rejects %j', (body, path) => {
    expect(issuePaths(ZObjection, body)).toContain(path);
  });
});

describe('ZResolution', () => {
  it('accepts a valid resolution', () => {
    expect(issues(ZResolution, { decision: 'UPHELD', note: '核实属实', withdrawProposal: true })).toEqual([]);
    expect(
      issues(ZResolution, {
        decision: 'UPHELD',
        note: '类别有误',
        amend: { proposalId: UUID, category: 'CONSOLIDATION' },
      }),
    ).toEqual([]);
    const visit = { visitedOn: '2026-11-25', visitedBy: '王干事', finding: 'CONFIRMED' };
    const add = {
      household: { headName: '李四', idNumber: VALID_ID, size: 3 },
      category: 'TARGETED',
      cause: 'ILLNESS',
    };
    expect(issues(ZResolution, { decision: 'UPHELD', note: '漏评属实', add, verification: visit })).toEqual([]);
    expect(issues(ZResolution, { decision: 'DISMISSED', note: '经核实不属实' })).toEqual([]);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ decision: 'MAYBE', note: '待定' }, 'decision'],
    [{ decision: 'UPHELD' }, 'note'],
    [{ decision: 'UPHELD', note: '属实', withdrawProposal: 'yes' }, 'withdrawProposal'],
    [{ decision: 'UPHELD', note: '属实', amend: { proposalId: UUID } }, 'amend'],
    [{ decision: 'DISMISSED', note: '不属实', amend: { proposalId: UUID, cause: 'ILLNESS' } }, 'amend'],
    [
      { decision: 'UPHELD', note: '属实', withdrawProposal: true, amend: { proposalId: UUID, cause: 'ILLNESS' } },
      'amend',
    ],
    [{ decision: 'UPHELD', note: '属实', add: { householdId: UUID, category: 'TARGETED' } }, 'add.cause'],
    [{ decision: 'UPHELD', note: '属实', add: { category: 'TARGETED', cause: 'ILLNESS' } }, 'add.householdId'],
    [
      {
        decision: 'UPHELD',
        note: '属实',
        add: { householdId: UUID, category: 'TARGETED', cause: 'ILLNESS', votesFor: 3 },
      },
      'add.votesFor',
    ],
    [
      {
        decision: 'UPHELD',
        note: '属实',
        verification: { visitedOn: '2026-11-25', visitedBy: '王干事', finding: 'CONFIRMED' },
      },
      'verification',
    ],
  ])('rejects %j', (body, path) => {
    expect(issuePaths(ZResolution, body)).toContain(path);
  });
});

describe('ZTownshipReview', () => {
  it('accepts a valid review', () => {
    expect(
      issues(ZTownshipReview, {
        decision: 'APPROVE',
        rejected: [{ proposalId: UUID, reason: '收入超标' }],
        verification: [
          { proposalId: UUID2, visitedOn: '2026-11-25', visitedBy: '王干事', finding: 'CONFIRMED', note: '情况属实' },
        ],
        note: '同意',
      }),
    ).toEqual([]);
    expect(issues(ZTownshipReview, { decision: 'RETURN', note: '重新评议' })).toEqual([]);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ decision: 'REJECT', note: '不同意' }, 'decision'],
    [{ decision: 'APPROVE', note: '' }, 'note'],
    [
      { decision: 'APPROVE', note: '同意', rejected: [{ proposalId: 'p1', reason: '收入超标' }] },
      'rejected.0.proposalId',
    ],
    [
      {
        decision: 'APPROVE',
        note: '同意',
        verification: [{ proposalId: UUID, visitedOn: '2026-02-30', visitedBy: '王干事', finding: 'CONFIRMED' }],
      },
      'verification.0.visitedOn',
    ],
    [
      {
        decision: 'APPROVE',
        note: '同意',
        verification: [{ proposalId: UUID, visitedOn: '2026-11-25', finding: 'CONFIRMED' }],
      },
      'verification.0.visitedBy',
    ],
    [
      {
        decision: 'APPROVE',
        note: '同意',
        verification: [{ proposalId: UUID, visitedOn: '2026-11-25', visitedBy: '王干事', finding: '属实' }],
      },
      'verification.0.finding',
    ],
  ])('rejects %j', (body, path) => {
    expect(issuePaths(ZTownshipReview, body)).toContain(path);
  });
});

describe('ZCountyAnnouncement', () => {
  it('accepts a valid decision', () => {
    expect(issues(ZCountyAnnouncement, { decision: 'ANNOUNCE', note: '同意公告' })).toEqual([]);
    expect(
      issues(ZCountyAnnouncement, { decision: 'RETURN', returnTo: 'VILLAGE_ASSESSMENT', note: '重新评议' }),
    ).toEqual([]);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ decision: 'PUBLISH', note: '同意' }, 'decision'],
    [{ decision: 'RETURN', returnTo: 'COUNTY_ANNOUNCEMENT', note: '退回' }, 'returnTo'],
    [{ decision: 'ANNOUNCE' }, 'note'],
    [{ decision: 'ANNOUNCE', note: '同意', by: 'me' }, 'by'],
  ])('rejects %j', (body, path) => {
    expect(issuePaths(ZCountyAnnouncement, body)).toContain(path);
  });
});

describe('ZCancel', () => {
  it('needs a reason', () => {
    expect(ZCancel.safeParse({ reason: '村庄合并' }).success).toBe(true);
    expect(issuePaths(ZCancel, { reason: ' ' })).toContain('reason');
  });
});
