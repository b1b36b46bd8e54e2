// The inbox (GET /tasks): what the official must act on, oldest deadline first, overdue said in words (not only
// by colour), each a link to its round, finding or exit.
import { useApi } from '../use-api';
import { dateTime, label, STAGE_LABELS, TASK_KIND_LABELS, FINDING_LABELS } from '../labels';
import { LoadStatus } from '../components/status';
import type { PageProps } from '../page';
import { useSession } from '../session';
import type { Role } from '../../../domain/enums';

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
  if (t.exit) return `#/exits/${encodeURIComponent(t.exit.exitId)}`;
  if (t.finding?.householdId) return `#/households/${encodeURIComponent(t.finding.householdId)}`;
  return role === 'TOWNSHIP' ? '#/township' : role === 'VILLAGE' ? '#/' : '#/county';
}

function taskTitle(t: Task): string {
  const kind = label(TASK_KIND_LABELS, t.kind);
  const subject = t.finding
    ? label(FINDING_LABELS, t.finding.kind)
    : t.exit
      ? `${t.exit.code} ${t.exit.year} 年退出`
      : `${t.villageCode ?? ''} ${label(STAGE_LABELS, t.stage)}`;
  return `${kind}：${subject.trim()}`;
}

export function InboxPage(_props: PageProps) {
  const { official } = useSession();
  const { data, problem, loading } = useApi<{ items: Task[] }>('/tasks');
  const tasks = data ? byDeadline(data.items) : [];
  return (
    <section id="inbox" aria-labelledby="inbox-title">
      <h2 id="inbox-title">待办事项</h2>
      <LoadStatus loading={loading && !data} problem={problem} />
      {data && tasks.length === 0 && <p id="inbox-empty">暂无待办事项。</p>}
      <ol id="inbox-list">
        {tasks.map((t, i) => (
          <li
            key={`${t.kind}-${t.roundId}-${t.objectionId ?? ''}-${t.finding?.id ?? ''}-${i}`}
            class={t.overdue ? 'overdue' : ''}
          >
            <a href={taskHref(t, official.role)}>{taskTitle(t)}</a>
            {t.overdue && <strong class="badge">已逾期</strong>}
            <span class="due">{t.deadline ? `期限 ${dateTime(t.deadline)}` : '无期限'}</span>
            <span class="action">{t.action}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
