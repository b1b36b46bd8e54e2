// The console's pure logic: refusals in Chinese by field, the inbox's order and links, and which actions a round
// page offers an official (by role, scope and stage).
import {
  fieldErrors,
  fieldMessage,
  messageFor,
  problemMessage,
  type Problem,
} from '../../console/src/problem-messages';
import { byDeadline, taskHref, type Task } from '../../console/src/tasks';
import { allowedActions } from '../../console/src/round/actions';
import type { RoundDetail } from '../../console/src/round/types';
import type { SignedInOfficial } from '../../console/src/official';
import { PROBLEM_CODES } from '../../api/problem';

describe('problems', () => {
  const problem: Problem = {
    status: 400,
    code: 'VALIDATION_FAILED',
    detail: 'Invalid request body',
    errors: [
      {
        path: 'proposals.0.votesFor',
        message: 'not carried: votesFor (10) must be more than half of the 30 representatives present',
      },
      {
        path: 'proposals.0.facts.incomes.2020',
        message: 'per-capita income 5100 元 is not below the 2020 line of 4000 元',
      },
      { path: 'proposals.0.facts.indicators', message: 'all five indicators are met' },
      { path: 'note', message: 'a message this console does not know' },
    ],
  };

  it('maps each field the problem names to a Chinese message, unknown ones after a Chinese lead', () => {
    const errors = fieldErrors(problem);
    expect(errors.get('proposals.0.votesFor')).toBe('赞成票 10 票未超过到会代表 30 人的半数，未获通过');
    expect(errors.get('note')).toBe('不符合要求：a message this console does not know');
    // A field shows the messages of the paths under it too.
    expect(messageFor(errors, 'proposals.0.facts')).toBe(
      '人均纯收入 5100 元不低于 2020 年贫困线 4000 元；“两不愁三保障”各项均已达到',
    );
    expect(messageFor(errors, 'meeting')).toBeUndefined();
  });

  it('has a Chinese message for every problem code of the API; an unknown code falls back to the detail', () => {
    for (const code of PROBLEM_CODES) {
      const text = problemMessage({ status: 400, code, detail: 'english detail' });
      expect(text).not.toBe('english detail');
      expect(text).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(problemMessage({ status: 409, code: 'SOMETHING_NEW', detail: 'the detail' })).toBe('the detail');
    expect(fieldMessage('must not be empty')).toBe('必填');
  });
});

describe('inbox', () => {
  const task = (over: Partial<Task>): Task => ({
    kind: 'DECIDE',
    roundId: null,
    villageCode: null,
    stage: null,
    deadline: null,
    overdue: false,
    action: '',
    ...over,
  });

  it('orders by deadline, oldest first, tasks without one last in the order given', () => {
    const tasks = [
      task({ action: 'none-1' }),
      task({ action: 'late', deadline: '2026-12-05T00:00:00Z' }),
      task({ action: 'none-2' }),
      task({ action: 'early', deadline: '2026-12-01T00:00:00Z', overdue: true }),
    ];
    expect(byDeadline(tasks).map((t) => t.action)).toEqual(['early', 'late', 'none-1', 'none-2']);
  });

  it('links a task to its round, else its exit, else the household of a finding, else the role’s view', () => {
    expect(taskHref(task({ roundId: 'round-1' }), 'VILLAGE')).toBe('#/rounds/round-1');
    expect(
      taskHref(task({ exit: { exitId: 'x1', level: 'VILLAGE', code: '1', year: 2026, stage: 'S' } }), 'COUNTY'),
    ).toBe('#/exits');
    expect(taskHref(task({ finding: { id: 'f', kind: 'K', label: 'l', householdId: 'h1' } }), 'COUNTY')).toBe(
      '#/households/h1',
    );
    expect(taskHref(task({ finding: { id: 'f', kind: 'K', label: 'l', householdId: null } }), 'TOWNSHIP')).toBe(
      '#/township',
    );
  });
});

describe('the actions a round page offers', () => {
  const village = '620522100201';
  const round = (over: Partial<RoundDetail>) =>
    ({ villageCode: village, status: 'OPEN', objections: [], ...over }) as RoundDetail;
  const o = (role: SignedInOfficial['role'], scopeCode: string): SignedInOfficial => ({
    id: 'o',
    name: 'n',
    role,
    scopeCode,
  });

  it('offers each stage’s decision to its official within scope only', () => {
    expect(allowedActions(o('VILLAGE', village), round({ stage: 'VILLAGE_ASSESSMENT' }))).toEqual(['ASSESS']);
    expect(allowedActions(o('VILLAGE', '620522100202'), round({ stage: 'VILLAGE_ASSESSMENT' }))).toEqual([]);
    expect(allowedActions(o('TOWNSHIP', '620522100'), round({ stage: 'VILLAGE_ASSESSMENT' }))).toEqual([]);
    expect(allowedActions(o('TOWNSHIP', '620522100'), round({ stage: 'TOWNSHIP_REVIEW' }))).toEqual([
      'TOWNSHIP_REVIEW',
    ]);
    expect(allowedActions(o('COUNTY', '620522'), round({ stage: 'COUNTY_ANNOUNCEMENT' }))).toEqual([
      'COUNTY_ANNOUNCEMENT',
      'CANCEL',
    ]);
  });

  it('offers objections during a publicity, their resolution to the stage’s official while one is open', () => {
    const open = [{ status: 'OPEN' }] as RoundDetail['objections'];
    expect(allowedActions(o('VILLAGE', village), round({ stage: 'FIRST_PUBLICITY', objections: open }))).toEqual([
      'FILE_OBJECTION',
    ]);
    expect(allowedActions(o('TOWNSHIP', '620522100'), round({ stage: 'FIRST_PUBLICITY', objections: open }))).toEqual([
      'FILE_OBJECTION',
      'RESOLVE_OBJECTION',
    ]);
    expect(allowedActions(o('VILLAGE', village), round({ stage: 'ANNOUNCEMENT_PERIOD' }))).toEqual([]);
  });

  it('offers nothing on a closed round', () => {
    expect(allowedActions(o('COUNTY', '620522'), round({ stage: 'COMPLETED', status: 'COMPLETED' }))).toEqual([]);
  });
});
