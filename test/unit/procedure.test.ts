import { STAGES, type Role } from '../../domain/enums';
import {
  approvedList,
  countySampleSize,
  drawCountySample,
  isObjectionStage,
  isPublicityStage,
  isQuorate,
  noticeKindOf,
  objectionFilers,
  objectionResolver,
  objectionStagesResolvedBy,
  periodsBelowMinimum,
  objectionWithdraws,
  PROCEDURE,
  publicityCanClose,
  returnTarget,
  STAGE_ACTOR,
  STAGE_DECIDER,
  stageAfter,
  stageDecidedBy,
  stageOrder,
  stageTimes,
  supersededByReturn,
  type OpenStage,
} from '../../domain/procedure';

const DAY = 86_400_000;
const clock = { publicityMs: 7 * DAY, deadlineMs: 14 * DAY };
const at = Date.parse('2026-11-20T02:00:00.000Z');

describe('the stage table', () => {
  const walk = (version: number) => {
    const order: string[] = [];
    for (let s: string = 'VILLAGE_ASSESSMENT'; s !== 'COMPLETED'; s = stageAfter(s as OpenStage, version))
      order.push(s);
    return order;
  };

  it('runs village assessment → first publicity → township review → second publicity → county announcement (rules 1)', () => {
    expect(walk(1)).toEqual([
      'VILLAGE_ASSESSMENT',
      'FIRST_PUBLICITY',
      'TOWNSHIP_REVIEW',
      'SECOND_PUBLICITY',
      'COUNTY_ANNOUNCEMENT',
    ]);
    expect(stageOrder(1)).toEqual([...walk(1), 'COMPLETED']);
    expect(stageAfter('COUNTY_ANNOUNCEMENT', 1)).toBe('COMPLETED');
  });

  it('adds the announcement period after the county announcement under the rules of version 2', () => {
    expect(walk(2)).toEqual(STAGES.filter((s) => s !== 'COMPLETED'));
    expect(stageOrder(2)).toEqual(STAGES);
    expect(Object.keys(PROCEDURE)).toEqual(walk(2));
    expect(stageAfter('COUNTY_ANNOUNCEMENT', 2)).toBe('ANNOUNCEMENT_PERIOD');
    expect(stageAfter('ANNOUNCEMENT_PERIOD', 2)).toBe('COMPLETED');
    expect(() => stageAfter('ANNOUNCEMENT_PERIOD', 1)).toThrow(/not a stage of the rules of version 1/);
  });

  it('alternates decisions and periods; objections during the publicities and the announcement period', () => {
    expect(STAGES.filter(isPublicityStage)).toEqual(['FIRST_PUBLICITY', 'SECOND_PUBLICITY']);
    expect(STAGES.filter(isObjectionStage)).toEqual(['FIRST_PUBLICITY', 'SECOND_PUBLICITY', 'ANNOUNCEMENT_PERIOD']);
    expect(Object.values(PROCEDURE).map((r) => r.kind)).toEqual([
      'DECISION',
      'PUBLICITY',
      'DECISION',
      'PUBLICITY',
      'DECISION',
      'ANNOUNCEMENT_PERIOD',
    ]);
  });

  it('sends objections of the announcement period to the county, those of the publicities to the township', () => {
    expect(objectionFilers('FIRST_PUBLICITY')).toEqual(['VILLAGE', 'TOWNSHIP', 'COUNTY']);
    expect(objectionFilers('ANNOUNCEMENT_PERIOD')).toEqual(['COUNTY']);
    expect(objectionResolver('SECOND_PUBLICITY')).toBe('TOWNSHIP');
    expect(objectionResolver('ANNOUNCEMENT_PERIOD')).toBe('COUNTY');
    expect(objectionStagesResolvedBy('TOWNSHIP')).toEqual(['FIRST_PUBLICITY', 'SECOND_PUBLICITY']);
    expect(objectionStagesResolvedBy('COUNTY')).toEqual(['ANNOUNCEMENT_PERIOD']);
    expect(objectionStagesResolvedBy('VILLAGE')).toEqual([]);
    expect(noticeKindOf('ANNOUNCEMENT_PERIOD')).toBe('ANNOUNCEMENT');
    expect(noticeKindOf('SECOND_PUBLICITY')).toBe('SECOND_PUBLICITY');
  });

  it('names who must act at every open stage: the township during publicities', () => {
    expect(STAGE_ACTOR).toEqual({
      VILLAGE_ASSESSMENT: 'VILLAGE',
      FIRST_PUBLICITY: 'TOWNSHIP',
      TOWNSHIP_REVIEW: 'TOWNSHIP',
      SECOND_PUBLICITY: 'TOWNSHIP',
      COUNTY_ANNOUNCEMENT: 'COUNTY',
      ANNOUNCEMENT_PERIOD: 'COUNTY',
    });
  });

  it('gives each deciding role exactly one stage to wait on, and none to an administrator', () => {
    const waits = (role: Role) => stageDecidedBy(role);
    expect(['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'].map((r) => waits(r as Role))).toEqual([
      'VILLAGE_ASSESSMENT',
      'TOWNSHIP_REVIEW',
      'COUNTY_ANNOUNCEMENT',
      undefined,
    ]);
    for (const [stage, role] of Object.entries(STAGE_DECIDER)) expect(stageDecidedBy(role)).toBe(stage);
  });
});

describe('stage times', () => {
  it('gives a decision stage its deadline from when it starts, and no publicity end', () => {
    expect(stageTimes('TOWNSHIP_REVIEW', at, clock)).toEqual({
      stage: 'TOWNSHIP_REVIEW',
      stageEnteredAt: '2026-11-20T02:00:00.000Z',
      stageDeadline: '2026-12-04T02:00:00.000Z',
      publicityEndsAt: null,
      overdueSince: null,
    });
  });

  it("ends a publicity after the policy's period and makes it due a deadline after that end", () => {
    expect(stageTimes('FIRST_PUBLICITY', at, clock)).toEqual({
      stage: 'FIRST_PUBLICITY',
      stageEnteredAt: '2026-11-20T02:00:00.000Z',
      stageDeadline: '2026-12-11T02:00:00.000Z',
      publicityEndsAt: '2026-11-27T02:00:00.000Z',
      overdueSince: null,
    });
  });

  it('gives a completed round no deadline', () => {
    expect(stageTimes('COMPLETED', at, clock)).toMatchObject({ stageDeadline: null, publicityEndsAt: null });
  });

  it('closes a publicity only after its end and with no objection open', () => {
    const end = at + clock.publicityMs;
    expect(publicityCanClose(end - 1, end, 0)).toBe(false);
    expect(publicityCanClose(end, end, 0)).toBe(true);
    expect(publicityCanClose(end + DAY, end, 1)).toBe(false);
  });
});

describe('what decisions do to the list', () => {
  const list = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

  it('sends a township return to the village, a county return to the township unless it names the village', () => {
    expect(returnTarget('TOWNSHIP_REVIEW')).toBe('VILLAGE_ASSESSMENT');
    expect(returnTarget('TOWNSHIP_REVIEW', 'TOWNSHIP_REVIEW')).toBe('VILLAGE_ASSESSMENT');
    expect(returnTarget('COUNTY_ANNOUNCEMENT')).toBe('TOWNSHIP_REVIEW');
    expect(returnTarget('COUNTY_ANNOUNCEMENT', 'VILLAGE_ASSESSMENT')).toBe('VILLAGE_ASSESSMENT');
  });

  it('supersedes the whole list on a return to the village, nothing on a return to the township', () => {
    expect(supersededByReturn('VILLAGE_ASSESSMENT', list)).toEqual(['a', 'b', 'c']);
    expect(supersededByReturn('TOWNSHIP_REVIEW', list)).toEqual([]);
  });

  it('publishes the approved list without the rejected proposals, in list order', () => {
    expect(approvedList(list, new Set(['b']))).toEqual([{ id: 'a' }, { id: 'c' }]);
    expect(approvedList(list, new Set())).toEqual(list);
  });

  it('withdraws a proposal only for an upheld objection that names one and asks for it', () => {
    expect(objectionWithdraws('UPHELD', true, 'a')).toBe(true);
    expect(objectionWithdraws('UPHELD', false, 'a')).toBe(false);
    expect(objectionWithdraws('UPHELD', undefined, 'a')).toBe(false);
    expect(objectionWithdraws('DISMISSED', true, 'a')).toBe(false);
    expect(objectionWithdraws('UPHELD', true, undefined)).toBe(false);
  });
});

describe('quorum', () => {
  it('is two thirds of the representatives, in integers', () => {
    expect(isQuorate({ representativesPresent: 20, representativesTotal: 30 })).toBe(true);
    expect(isQuorate({ representativesPresent: 19, representativesTotal: 30 })).toBe(false);
  });
});

describe('the announcement period and the minimum periods', () => {
  it('runs the announcement period for its own length, else the publicity period', () => {
    expect(stageTimes('ANNOUNCEMENT_PERIOD', at, { ...clock, announcementMs: 10 * DAY })).toMatchObject({
      publicityEndsAt: new Date(at + 10 * DAY).toISOString(),
      stageDeadline: new Date(at + 24 * DAY).toISOString(),
    });
    expect(stageTimes('ANNOUNCEMENT_PERIOD', at, clock).publicityEndsAt).toBe(new Date(at + 7 * DAY).toISOString());
  });

  it('names each period shorter than the minimum publicity period', () => {
    expect(periodsBelowMinimum({ publicityPeriod: '7 days' }, '7 days')).toEqual([]);
    expect(periodsBelowMinimum({ publicityPeriod: '6 days' }, '7 days')).toEqual(['publicityPeriod']);
    expect(periodsBelowMinimum({ publicityPeriod: '8 days', announcementPeriod: '2s' }, '7 days')).toEqual([
      'announcementPeriod',
    ]);
    expect(periodsBelowMinimum({ publicityPeriod: '2s', announcementPeriod: '2s' }, '1s')).toEqual([]);
  });
});

describe("the county's spot-check sample", () => {
  it('is ceil(share × n), never a share below 10 %, at least one unless the list is empty', () => {
    expect(countySampleSize(0, 0.1)).toBe(0);
    expect(countySampleSize(1, 0.1)).toBe(1);
    expect(countySampleSize(9, 0.1)).toBe(1);
    expect(countySampleSize(10, 0.1)).toBe(1);
    expect(countySampleSize(11, 0.1)).toBe(2);
    expect(countySampleSize(30, 0.1)).toBe(3);
    expect(countySampleSize(30, 0.05)).toBe(3);
    expect(countySampleSize(10, 0.25)).toBe(3);
    expect(countySampleSize(4, 1)).toBe(4);
  });

  it('draws distinct proposals of the list, in the list order, the same for the same random sequence', () => {
    const ids = Array.from({ length: 25 }, (_, i) => `p${String(i).padStart(2, '0')}`);
    const seeded = (seed: number) => () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const a = drawCountySample(ids, 0.1, seeded(1));
    expect(a).toHaveLength(3);
    expect(new Set(a).size).toBe(3);
    expect(a.every((id) => ids.includes(id))).toBe(true);
    expect([...a].sort()).toEqual(a);
    expect(drawCountySample(ids, 0.1, seeded(1))).toEqual(a);
    // Another seed (another round) draws another sample.
    const others = [2, 3, 4, 5].map((s) => drawCountySample(ids, 0.1, seeded(s)).join());
    expect(others.some((o) => o !== a.join())).toBe(true);
    expect(drawCountySample([], 0.5, seeded(1))).toEqual([]);
  });
});
