import { STAGES, type Role } from '../../domain/enums';
import {
  approvedList,
  isPublicityStage,
  isQuorate,
  objectionWithdraws,
  PROCEDURE,
  publicityCanClose,
  returnTarget,
  STAGE_ACTOR,
  STAGE_DECIDER,
  stageAfter,
  stageDecidedBy,
  stageTimes,
  supersededByReturn,
  type OpenStage,
} from '../../domain/procedure';

const DAY = 86_400_000;
const clock = { publicityMs: 7 * DAY, deadlineMs: 14 * DAY };
const at = Date.parse('2026-11-20T02:00:00.000Z');

describe('the stage table', () => {
  it('runs village assessment → first publicity → township review → second publicity → county announcement', () => {
    const order: string[] = [];
    for (let s: string = 'VILLAGE_ASSESSMENT'; s !== 'COMPLETED'; s = stageAfter(s as OpenStage)) order.push(s);
    expect(order).toEqual(STAGES.filter((s) => s !== 'COMPLETED'));
    expect(Object.keys(PROCEDURE)).toEqual(order);
  });

  it('alternates decisions and publicities', () => {
    expect(STAGES.filter(isPublicityStage)).toEqual(['FIRST_PUBLICITY', 'SECOND_PUBLICITY']);
    expect(Object.values(PROCEDURE).map((r) => r.kind)).toEqual([
      'DECISION',
      'PUBLICITY',
      'DECISION',
      'PUBLICITY',
      'DECISION',
    ]);
  });

  it('names who must act at every open stage: the township during publicities', () => {
    expect(STAGE_ACTOR).toEqual({
      VILLAGE_ASSESSMENT: 'VILLAGE',
      FIRST_PUBLICITY: 'TOWNSHIP',
      TOWNSHIP_REVIEW: 'TOWNSHIP',
      SECOND_PUBLICITY: 'TOWNSHIP',
      COUNTY_ANNOUNCEMENT: 'COUNTY',
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
