// The inbox's tasks (GET /tasks): their order and where each is done.
import type { Role } from '../../domain/enums';

export interface Task {
  kind: string;
  roundId: string | null;
  villageCode: string | null;
  stage: string | null;
  deadline: string | null;
  overdue: boolean;
  objectionId?: string;
  finding?: { id: string; kind: string; label: string; householdId: string | null; roundId?: string | null };
  exit?: { exitId: string; level: string; code: string; year: number; stage: string };
  candidate?: { id: string; householdId: string };
  action: string;
}

/** Oldest deadline first; tasks without a deadline last, in the API's order. */
export function byDeadline(tasks: readonly Task[]): Task[] {
  const at = (t: Task) => (t.deadline ? Date.parse(t.deadline) : Number.POSITIVE_INFINITY);
  return tasks
    .map((t, i) => ({ t, i }))
    .sort((a, b) => at(a.t) - at(b.t) || a.i - b.i)
    .map(({ t }) => t);
}

/** Where a task is done: its round, else its exit, else the household of a finding, else the role's own view. */
export function taskHref(t: Task, role: Role): string {
  if (t.roundId) return `#/rounds/${encodeURIComponent(t.roundId)}`;
  if (t.exit) return '#/exits'; // the exits list (an exit has no page of its own yet)
  if (t.finding?.householdId) return `#/households/${encodeURIComponent(t.finding.householdId)}`;
  return role === 'TOWNSHIP' ? '#/township' : role === 'VILLAGE' ? '#/' : '#/county';
}
